//! SigV4 (`AWS4-HMAC-SHA256`) parsing and verification, plus the key lookup S3 and STS share.

use crate::http::{Req, Service};
use crate::store::Inner;
use crate::util;
use sha2::{Digest, Sha256};

/// HMAC-SHA256 (RFC 2104) over sha2.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut ipad = [0x36u8; BLOCK];
    let mut opad = [0x5cu8; BLOCK];
    for i in 0..BLOCK {
        ipad[i] ^= k[i];
        opad[i] ^= k[i];
    }
    let inner = Sha256::new().chain_update(ipad).chain_update(data).finalize();
    Sha256::new().chain_update(opad).chain_update(inner).finalize().into()
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=.., SignedHeaders=.., Signature=..` header.
#[derive(Debug, Clone, PartialEq)]
pub struct Authorization {
    pub algorithm: String,
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

pub fn parse_authorization(h: &str) -> Option<Authorization> {
    let (algorithm, rest) = h.trim().split_once(' ')?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k.trim() {
            "Credential" => credential = Some(v.trim()),
            "SignedHeaders" => signed = Some(v.trim()),
            "Signature" => signature = Some(v.trim()),
            _ => {}
        }
    }
    let mut scope = credential?.split('/');
    let access_key_id = scope.next()?.to_string();
    let date = scope.next().unwrap_or_default().to_string();
    let region = scope.next().unwrap_or_default().to_string();
    let service = scope.next().unwrap_or_default().to_string();
    Some(Authorization {
        algorithm: algorithm.to_string(),
        access_key_id,
        date,
        region,
        service,
        signed_headers: signed.unwrap_or_default().split(';').filter(|s| !s.is_empty()).map(str::to_ascii_lowercase).collect(),
        signature: signature.unwrap_or_default().to_ascii_lowercase(),
    })
}

/// Collapses runs of spaces and trims spaces (SigV4 header value canonicalisation).
fn trim_all(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut prev_space = false;
    for c in v.trim_matches(' ').chars() {
        if c == ' ' {
            if !prev_space {
                out.push(c);
            }
            prev_space = true;
        } else {
            out.push(c);
            prev_space = false;
        }
    }
    out
}

/// The canonical request of `req` as the signer saw it. S3 signs the path as sent; other
/// services percent-encode it once more.
pub fn canonical_request(req: &Req, auth: &Authorization, s3: bool) -> String {
    let path = if req.path.is_empty() { "/".to_string() } else { req.path.clone() };
    let path = if s3 { path } else { util::uri_encode(&path, true) };

    let mut params: Vec<(String, String)> =
        req.query.iter().map(|(k, v)| (util::uri_encode(k, false), util::uri_encode(v, false))).collect();
    params.sort();
    let query = params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");

    let mut headers = String::new();
    for name in &auth.signed_headers {
        let values: Vec<String> =
            req.headers.get_all(name.as_str()).iter().map(|v| trim_all(&String::from_utf8_lossy(v.as_bytes()))).collect();
        headers.push_str(name);
        headers.push(':');
        headers.push_str(&values.join(","));
        headers.push('\n');
    }
    let payload_hash = match req.header("x-amz-content-sha256") {
        Some(h) => h.to_string(),
        None => util::sha256_hex(&req.body),
    };
    format!("{}\n{}\n{}\n{}\n{}\n{}", req.method.as_str(), path, query, headers, auth.signed_headers.join(";"), payload_hash)
}

/// The signature `secret` gives `req` (hex).
pub fn expected_signature(req: &Req, auth: &Authorization, secret: &str, s3: bool) -> Option<String> {
    let amz_date = req.header("x-amz-date")?;
    let creq = canonical_request(req, auth, s3);
    let scope = format!("{}/{}/{}/aws4_request", auth.date, auth.region, auth.service);
    let sts = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", util::sha256_hex(creq.as_bytes()));
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), auth.date.as_bytes());
    let k_region = hmac_sha256(&k_date, auth.region.as_bytes());
    let k_service = hmac_sha256(&k_region, auth.service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"aws4_request");
    Some(util::hex(&hmac_sha256(&k_signing, sts.as_bytes())))
}

/// Who made a signed request.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub access_key_id: String,
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// An authentication failure: (status, code, message) in the service's terms.
pub type AuthError = (u16, &'static str, &'static str);

/// Checks the request's key, session token, expiry and (if enabled) signature.
pub fn authenticate(inner: &Inner, req: &Req, service: Service) -> Result<Caller, AuthError> {
    let s3 = service == Service::S3;
    let state = &inner.state;
    let header = req.header("authorization");
    let auth = match header.and_then(parse_authorization) {
        Some(a) => a,
        None => {
            if !state.require_auth {
                let k = state.static_keys.first().cloned().unwrap_or_default();
                return Ok(Caller { access_key_id: String::new(), account: k.account, arn: k.arn, user_id: k.user_id });
            }
            return Err(if s3 {
                (403, "AccessDenied", "Access Denied")
            } else {
                (403, "MissingAuthenticationToken", "Request is missing Authentication Token")
            });
        }
    };
    let now = inner.store.now();
    let token = req.header("x-amz-security-token");

    let (secret, caller) = if let Some(k) = state.static_keys.iter().find(|k| k.access_key_id == auth.access_key_id) {
        if let Some(t) = &k.session_token {
            if token != Some(t.as_str()) {
                return Err(invalid_token(s3));
            }
        }
        if let Some(exp) = k.expires_at.as_deref().and_then(util::parse_rfc3339) {
            if exp <= now {
                return Err(expired(s3));
            }
        }
        (
            k.secret_access_key.clone(),
            Caller { access_key_id: k.access_key_id.clone(), account: k.account.clone(), arn: k.arn.clone(), user_id: k.user_id.clone() },
        )
    } else if let Some(k) = inner.store.role_keys.get(&auth.access_key_id) {
        if token != Some(k.session_token.as_str()) {
            return Err(invalid_token(s3));
        }
        if k.expires_at_ms <= inner.store.now_ms() {
            return Err(expired(s3));
        }
        let caller = match &k.session_name {
            Some(session) => assumed_role_caller(&auth.access_key_id, &k.account, &k.role, session),
            None => role_caller(&auth.access_key_id, &k.account, &k.role, &state.user_name),
        };
        (k.secret_access_key.clone(), caller)
    } else if !state.require_auth {
        let k = state.static_keys.first().cloned().unwrap_or_default();
        return Ok(Caller { access_key_id: auth.access_key_id, account: k.account, arn: k.arn, user_id: k.user_id });
    } else if s3 {
        return Err((403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."));
    } else {
        return Err((403, "InvalidClientTokenId", "The security token included in the request is invalid."));
    };

    if state.verify_signatures && auth.algorithm == "AWS4-HMAC-SHA256" {
        let ok = expected_signature(req, &auth, &secret, s3).map(|sig| sig == auth.signature).unwrap_or(false);
        if !ok {
            return Err((
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            ));
        }
    }
    Ok(caller)
}

fn invalid_token(s3: bool) -> AuthError {
    if s3 {
        (400, "InvalidToken", "The provided token is malformed or otherwise invalid.")
    } else {
        (403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    }
}

fn expired(s3: bool) -> AuthError {
    if s3 {
        (400, "ExpiredToken", "The provided token has expired.")
    } else {
        (403, "ExpiredToken", "The security token included in the request is expired")
    }
}

/// The identity of role credentials issued for (account, role).
pub fn role_caller(access_key_id: &str, account: &str, role: &str, user: &str) -> Caller {
    let role_hash = &util::sha256_hex(format!("{account}/{role}").as_bytes())[..16];
    let role_id: String = util::sha256_hex(role.as_bytes())[..17].to_ascii_uppercase();
    Caller {
        access_key_id: access_key_id.to_string(),
        account: account.to_string(),
        arn: format!("arn:aws:sts::{account}:assumed-role/AWSReservedSSO_{role}_{role_hash}/{user}"),
        user_id: format!("AROA{role_id}:{user}"),
    }
}

/// The identity of credentials from STS AssumeRole* for `role` (the role's name, without
/// path) in `account`, session `session`.
pub fn assumed_role_caller(access_key_id: &str, account: &str, role: &str, session: &str) -> Caller {
    Caller {
        access_key_id: access_key_id.to_string(),
        account: account.to_string(),
        arn: format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"),
        user_id: format!("{}:{session}", role_id(account, role)),
    }
}

/// A stable unique id (`AROA` + 17 characters) for the IAM role `role` in `account`.
pub fn role_id(account: &str, role: &str) -> String {
    let h = util::sha256_hex(format!("iam-role:{account}:{role}").as_bytes());
    format!("AROA{}", h[..17].to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderMap;

    #[test]
    fn hmac_rfc4231_case_1_and_6() {
        let mac = hmac_sha256(&[0x0b; 20], b"Hi There");
        assert_eq!(util::hex(&mac), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        let mac = hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(util::hex(&mac), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    /// The `get-vanilla` case of the AWS SigV4 test suite.
    #[test]
    fn sigv4_get_vanilla() {
        let mut headers = HeaderMap::new();
        headers.insert("host", "example.amazonaws.com".parse().unwrap());
        headers.insert("x-amz-date", "20150830T123600Z".parse().unwrap());
        let req = Req::new(hyper::Method::GET, "/", "", headers, bytes::Bytes::new());
        let auth = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        )
        .unwrap();
        assert_eq!(auth.access_key_id, "AKIDEXAMPLE");
        assert_eq!(auth.service, "service");
        let sig = expected_signature(&req, &auth, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", false).unwrap();
        assert_eq!(sig, auth.signature);
    }

    #[test]
    fn trims_header_values() {
        assert_eq!(trim_all("  a   b  c "), "a b c");
    }
}
