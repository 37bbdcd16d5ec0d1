//! STS GetCallerIdentity, AssumeRole and AssumeRoleWithWebIdentity. The SDK in this workspace
//! uses awsQuery (`POST /`, form body `Action=GetCallerIdentity&Version=2011-06-15`, XML answer,
//! `<ErrorResponse>` errors). The awsJson flavour (`X-Amz-Target:
//! AWSSecurityTokenServiceV20110615.GetCallerIdentity`, JSON body) is answered too, for newer
//! SDKs.
//!
//! AssumeRole (SigV4 by a known key) and AssumeRoleWithWebIdentity (unsigned, any non-empty
//! `WebIdentityToken`) issue temporary credentials recorded like the SSO portal's role
//! credentials, whose caller is `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.

use crate::http::{self, Req, Resp, Service};
use crate::sigv4;
use crate::store::Inner;
use crate::util::{self, xml_escape};
use serde_json::{json, Value};

/// The STS API namespace (XML answers).
const XMLNS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
/// Credential lifetime when `DurationSeconds` is absent (as AWS).
pub const DEFAULT_ASSUME_ROLE_SECS: i64 = 3600;
/// Range AWS accepts for `DurationSeconds`.
pub const MIN_ASSUME_ROLE_SECS: i64 = 900;
pub const MAX_ASSUME_ROLE_SECS: i64 = 43_200;

/// The STS action a `POST /` names, and whether it came as awsJson.
pub fn action(req: &Req) -> Option<(String, bool)> {
    if let Some(t) = req.header("x-amz-target") {
        return t.rsplit('.').next().map(|a| (a.to_string(), true));
    }
    req.form().into_iter().find(|(k, _)| k == "Action").map(|(_, v)| (v, false))
}

pub fn get_caller_identity(inner: &mut Inner, req: &Req, json_protocol: bool) -> Resp {
    let service = if json_protocol { Service::StsJson } else { Service::Sts };
    let caller = match sigv4::authenticate(inner, req, service) {
        Ok(c) => c,
        Err((status, code, msg)) => return http::error(service, status, code, msg),
    };
    if json_protocol {
        return http::json(service, 200, &json!({"UserId": caller.user_id, "Account": caller.account, "Arn": caller.arn}));
    }
    let body = format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <GetCallerIdentityResult>\n    <Arn>{}</Arn>\n    <UserId>{}</UserId>\n    <Account>{}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>{}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
        xml_escape(&caller.arn),
        xml_escape(&caller.user_id),
        xml_escape(&caller.account),
        http::request_id()
    );
    http::raw(service, 200, body)
}

fn service_of(json_protocol: bool) -> Service {
    if json_protocol {
        Service::StsJson
    } else {
        Service::Sts
    }
}

/// The request's parameters: form pairs (awsQuery) or the top-level members of the JSON body
/// (awsJson; numbers and booleans as text).
fn params(req: &Req, json_protocol: bool) -> Result<Vec<(String, String)>, Resp> {
    if !json_protocol {
        return Ok(req.form());
    }
    let body = req.json().map_err(|e| http::error(Service::StsJson, 400, "SerializationException", &e))?;
    let obj = match body {
        Value::Object(o) => o,
        _ => return Err(http::error(Service::StsJson, 400, "SerializationException", "expected a JSON object")),
    };
    Ok(obj
        .into_iter()
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k, s)),
            Value::Number(n) => Some((k, n.to_string())),
            Value::Bool(b) => Some((k, b.to_string())),
            _ => None,
        })
        .collect())
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn validation(service: Service, msg: String) -> Resp {
    http::error(service, 400, "ValidationError", &msg)
}

/// `(account, role name)` of `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`.
pub fn parse_role_arn(arn: &str) -> Option<(String, String)> {
    let mut parts = arn.strip_prefix("arn:")?.splitn(5, ':');
    let (partition, service, region, account, resource) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if partition.is_empty() || service != "iam" || !region.is_empty() || account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let name = resource.strip_prefix("role/")?.rsplit('/').next()?;
    let name_ok = !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    name_ok.then(|| (account.to_string(), name.to_string()))
}

/// What AssumeRole and AssumeRoleWithWebIdentity share: `RoleArn`, `RoleSessionName`,
/// `DurationSeconds` checked as AWS does (ValidationError otherwise).
struct RoleRequest {
    account: String,
    role: String,
    session: String,
    duration: i64,
}

fn role_request(service: Service, p: &[(String, String)]) -> Result<RoleRequest, Resp> {
    let arn = match param(p, "RoleArn") {
        Some(a) if !a.is_empty() => a,
        _ => {
            return Err(validation(
                service,
                "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null".into(),
            ))
        }
    };
    let session = match param(p, "RoleSessionName") {
        Some(s) if !s.is_empty() => s,
        _ => {
            return Err(validation(
                service,
                "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null".into(),
            ))
        }
    };
    if session.len() < 2 || session.len() > 64 {
        return Err(validation(
            service,
            format!("1 validation error detected: Value '{session}' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64"),
        ));
    }
    if !session.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)) {
        return Err(validation(
            service,
            format!("1 validation error detected: Value '{session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"),
        ));
    }
    let (account, role) = match parse_role_arn(arn) {
        Some(x) => x,
        None => return Err(validation(service, format!("{arn} is invalid"))),
    };
    let duration = match param(p, "DurationSeconds") {
        None | Some("") => DEFAULT_ASSUME_ROLE_SECS,
        Some(d) => match d.parse::<i64>() {
            Ok(n) if n < MIN_ASSUME_ROLE_SECS => return Err(validation(
                service,
                format!("1 validation error detected: Value '{n}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to {MIN_ASSUME_ROLE_SECS}"),
            )),
            Ok(n) if n > MAX_ASSUME_ROLE_SECS => return Err(validation(
                service,
                format!("1 validation error detected: Value '{n}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to {MAX_ASSUME_ROLE_SECS}"),
            )),
            Ok(n) => n,
            Err(_) => {
                return Err(validation(
                    service,
                    format!("Value '{d}' for parameter DurationSeconds is invalid"),
                ))
            }
        },
    };
    Ok(RoleRequest { account, role, session: session.to_string(), duration })
}

/// Issues the credentials of `r` and answers `<ACTION>Response` (or awsJson) with them plus
/// `extra` result members (`(name, value)`, in that order).
fn issue(inner: &mut Inner, action: &str, json_protocol: bool, r: RoleRequest, extra: &[(&str, String)]) -> Resp {
    let service = service_of(json_protocol);
    let k = inner.store.issue_role_key(&r.account, &r.role, Some(r.session.clone()), r.duration);
    let caller = sigv4::assumed_role_caller(&k.access_key_id, &r.account, &r.role, &r.session);
    if json_protocol {
        let mut body = json!({
            "Credentials": {
                "AccessKeyId": k.access_key_id,
                "SecretAccessKey": k.secret_access_key,
                "SessionToken": k.session_token,
                "Expiration": k.expires_at_ms / 1000,
            },
            "AssumedRoleUser": {"AssumedRoleId": caller.user_id, "Arn": caller.arn},
        });
        for (name, value) in extra {
            body[*name] = json!(value);
        }
        return http::json(service, 200, &body);
    }
    let expiration = util::rfc3339(util::from_unix(k.expires_at_ms / 1000));
    let mut extra_xml = String::new();
    for (name, value) in extra {
        extra_xml.push_str(&format!("    <{name}>{}</{name}>\n", xml_escape(value)));
    }
    let body = format!(
        "<{action}Response xmlns=\"{XMLNS}\">\n  <{action}Result>\n{extra_xml}    <Credentials>\n      <AccessKeyId>{}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      <SessionToken>{}</SessionToken>\n      <Expiration>{}</Expiration>\n    </Credentials>\n    <AssumedRoleUser>\n      <AssumedRoleId>{}</AssumedRoleId>\n      <Arn>{}</Arn>\n    </AssumedRoleUser>\n  </{action}Result>\n  <ResponseMetadata>\n    <RequestId>{}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n",
        xml_escape(&k.access_key_id),
        xml_escape(&k.secret_access_key),
        xml_escape(&k.session_token),
        expiration,
        xml_escape(&caller.user_id),
        xml_escape(&caller.arn),
        http::request_id()
    );
    http::raw(service, 200, body)
}

/// `AssumeRole`: SigV4 by a known key (static or issued), then new credentials for `RoleArn`.
pub fn assume_role(inner: &mut Inner, req: &Req, json_protocol: bool) -> Resp {
    let service = service_of(json_protocol);
    if let Err((status, code, msg)) = sigv4::authenticate(inner, req, service) {
        return http::error(service, status, code, msg);
    }
    let p = match params(req, json_protocol) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match role_request(service, &p) {
        Ok(r) => issue(inner, "AssumeRole", json_protocol, r, &[]),
        Err(resp) => resp,
    }
}

/// Claims of a JWT's payload (no signature check), if `token` looks like one.
fn jwt_claims(token: &str) -> Option<serde_json::Map<String, Value>> {
    let mut parts = token.split('.');
    let (_, payload) = (parts.next()?, parts.next()?);
    parts.next()?;
    let bytes = util::b64url_decode(payload.trim_end_matches('='))?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(o) => Some(o),
        _ => None,
    }
}

/// `AssumeRoleWithWebIdentity`: unsigned; any non-empty `WebIdentityToken` is accepted. When
/// the token is a JWT, `sub`, `aud` and `iss` fill `SubjectFromWebIdentityToken`, `Audience`
/// and `Provider` (the signature is not checked).
pub fn assume_role_with_web_identity(inner: &mut Inner, req: &Req, json_protocol: bool) -> Resp {
    let service = service_of(json_protocol);
    let p = match params(req, json_protocol) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let token = match param(&p, "WebIdentityToken") {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            return validation(
                service,
                "1 validation error detected: Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null"
                    .into(),
            )
        }
    };
    let r = match role_request(service, &p) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let claims = jwt_claims(&token).unwrap_or_default();
    let claim = |k: &str| -> Option<String> {
        match claims.get(k)? {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => a.first().and_then(|v| v.as_str()).map(str::to_string),
            _ => None,
        }
    };
    let subject = claim("sub").unwrap_or_else(|| format!("fake-subject-{}", &util::sha256_hex(token.as_bytes())[..16]));
    let audience = claim("aud").unwrap_or_else(|| "fake-audience".into());
    let provider = param(&p, "ProviderId")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| claim("iss").map(|i| i.trim_start_matches("https://").trim_start_matches("http://").to_string()))
        .unwrap_or_else(|| "fake-idp.example.com".into());
    issue(
        inner,
        "AssumeRoleWithWebIdentity",
        json_protocol,
        r,
        &[("SubjectFromWebIdentityToken", subject), ("Audience", audience), ("Provider", provider)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns() {
        assert_eq!(parse_role_arn("arn:aws:iam::123456789012:role/Admin"), Some(("123456789012".into(), "Admin".into())));
        assert_eq!(parse_role_arn("arn:aws-cn:iam::123456789012:role/path/to/Dev+Ops"), Some(("123456789012".into(), "Dev+Ops".into())));
        for bad in [
            "",
            "Admin",
            "arn:aws:iam::123456789012:user/Admin",
            "arn:aws:iam::12345:role/Admin",
            "arn:aws:sts::123456789012:role/Admin",
            "arn:aws:iam:us-east-1:123456789012:role/Admin",
            "arn:aws:iam::123456789012:role/",
        ] {
            assert_eq!(parse_role_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn jwt_payload_claims() {
        let payload = util::b64url(br#"{"sub":"system:serviceaccount:ns:sa","aud":["sts.amazonaws.com"]}"#);
        let c = jwt_claims(&format!("e30.{payload}.sig")).unwrap();
        assert_eq!(c["sub"], "system:serviceaccount:ns:sa");
        assert!(jwt_claims("opaque-token").is_none());
    }
}
