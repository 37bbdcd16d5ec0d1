//! End-to-end tests of the fake over real sockets, with a raw HTTP client and SDK-grade SigV4
//! signing (aws-sigv4).

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use fake_aws::client::{self, RawResponse};
use fake_aws::{FakeAws, Fault, GenerateBuckets, IssueTokenRequest, DEFAULT_STATIC_KEY_ID, DEFAULT_STATIC_SECRET};
use serde_json::{json, Value};
use std::time::SystemTime;

// ---------------------------------------------------------------------------------------------
// helpers

struct Key<'a> {
    id: &'a str,
    secret: &'a str,
    token: Option<&'a str>,
}

const STATIC: Key<'static> = Key { id: DEFAULT_STATIC_KEY_ID, secret: DEFAULT_STATIC_SECRET, token: None };

/// Headers the SDK would add to sign `method url body` for `service`.
fn sigv4_headers(method: &str, url: &str, extra: &[(&str, &str)], body: &[u8], key: &Key, service: &str) -> Vec<(String, String)> {
    let identity = Credentials::new(key.id, key.secret, key.token.map(str::to_string), None, "test").into();
    let mut settings = SigningSettings::default();
    if service == "s3" {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(service)
        .time(SystemTime::now())
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(method, url, extra.iter().copied(), SignableBody::Bytes(body)).unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut out: Vec<(String, String)> = extra.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    out.extend(instructions.headers().map(|(k, v)| (k.to_string(), v.to_string())));
    out
}

fn send(method: &str, url: &str, headers: &[(String, String)], body: &[u8]) -> RawResponse {
    let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    client::request(method, url, &h, body).unwrap()
}

fn s3_list(fake: &FakeAws, query: &str, key: &Key) -> RawResponse {
    let url = format!("{}/?x-id=ListBuckets{}{}", fake.endpoint(), if query.is_empty() { "" } else { "&" }, query);
    let headers = sigv4_headers("GET", &url, &[], b"", key, "s3");
    send("GET", &url, &headers, b"")
}

fn sts_identity(fake: &FakeAws, key: &Key) -> RawResponse {
    let url = format!("{}/", fake.endpoint());
    let body = b"Action=GetCallerIdentity&Version=2011-06-15";
    let extra = [("content-type", "application/x-www-form-urlencoded")];
    let headers = sigv4_headers("POST", &url, &extra, body, key, "sts");
    send("POST", &url, &headers, body)
}

fn control(fake: &FakeAws, method: &str, path: &str, body: Value) -> Value {
    let url = format!("{}/_fake/{path}", fake.endpoint());
    let r = client::request(method, &url, &[("Content-Type", "application/json")], &serde_json::to_vec(&body).unwrap()).unwrap();
    assert_eq!(r.status, 200, "{method} {path}: {}", r.text());
    r.json()
}

fn oidc(fake: &FakeAws, path: &str, body: Value) -> RawResponse {
    client::post_json(&format!("{}{path}", fake.endpoint()), &body).unwrap()
}

fn portal(fake: &FakeAws, method: &str, path_query: &str, token: &str) -> RawResponse {
    send(method, &format!("{}{path_query}", fake.endpoint()), &[("x-amz-sso_bearer_token".into(), token.into())], b"")
}

/// Every `<tag>value</tag>` in document order.
fn xml_all(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let j = after.find(&close).unwrap();
        out.push(after[..j].to_string());
        rest = &after[j + close.len()..];
    }
    out
}

fn error_type(r: &RawResponse) -> String {
    r.header("x-amzn-errortype").unwrap_or_default().to_string()
}

fn register(fake: &FakeAws, extra: Value) -> (String, String) {
    let mut body = json!({"clientName": "test-client", "clientType": "public", "scopes": ["sso:account:access"]});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let r = oidc(fake, "/client/register", body);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    (v["clientId"].as_str().unwrap().to_string(), v["clientSecret"].as_str().unwrap().to_string())
}

// ---------------------------------------------------------------------------------------------
// tests

#[test]
fn s3_paging_filters_and_auth() {
    let fake = FakeAws::start();
    let gen = control(
        &fake,
        "POST",
        "buckets/generate",
        json!({"count": 2500, "prefix": "bkt-", "regions": ["us-east-1", "eu-west-1"], "replace": true}),
    );
    assert_eq!(gen["total"], 2500);

    // Page through with max-buckets=1000.
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let q = match &token {
            None => "max-buckets=1000".to_string(),
            Some(t) => format!("max-buckets=1000&continuation-token={}", fake_aws::util::uri_encode(t, false)),
        };
        let r = s3_list(&fake, &q, &STATIC);
        assert_eq!(r.status, 200, "{}", r.text());
        let xml = r.text();
        assert!(xml.contains("<BucketRegion>") && xml.contains("<BucketArn>arn:aws:s3:::bkt-"));
        assert!(xml.contains("<Owner><DisplayName>"));
        names.extend(xml_all(&xml, "Name"));
        pages += 1;
        token = xml_all(&xml, "ContinuationToken").pop();
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names.len(), 2500);
    assert!(names.windows(2).all(|w| w[0] < w[1]));

    // Prefix and region filters; Prefix echoed; no ContinuationToken when nothing remains.
    let xml = s3_list(&fake, "prefix=bkt-0001&bucket-region=eu-west-1", &STATIC).text();
    let got = xml_all(&xml, "Name");
    assert_eq!(got.len(), 50, "{got:?}"); // bkt-000100..bkt-000199, every other one in eu-west-1
    assert!(xml.contains("<Prefix>bkt-0001</Prefix>"));
    assert!(!xml.contains("<ContinuationToken>"));

    // Errors in S3's shape.
    let r = s3_list(&fake, "max-buckets=0", &STATIC);
    assert_eq!((r.status, xml_all(&r.text(), "Code")), (400, vec!["InvalidArgument".to_string()]));
    let r = s3_list(&fake, "continuation-token=garbage", &STATIC);
    assert_eq!(r.status, 400);
    let r = s3_list(&fake, "", &Key { id: "AKIDUNKNOWN", secret: "x", token: None });
    assert_eq!((r.status, xml_all(&r.text(), "Code")), (403, vec!["InvalidAccessKeyId".to_string()]));
    let r = s3_list(&fake, "", &Key { id: DEFAULT_STATIC_KEY_ID, secret: "wrong-secret", token: None });
    assert_eq!((r.status, xml_all(&r.text(), "Code")), (403, vec!["SignatureDoesNotMatch".to_string()]));
    let r = client::get(&format!("{}/?x-id=ListBuckets", fake.endpoint())).unwrap();
    assert_eq!(r.status, 403);
    assert_eq!(fake.count("s3:ListBuckets"), 9);
}

#[test]
fn sso_role_credentials_then_sts_and_s3_with_them() {
    let fake = FakeAws::start();
    let tok = fake.issue_sso_token(IssueTokenRequest { session_name: Some("my-sso".into()), ..Default::default() });
    assert!(tok.expires_at.ends_with('Z') && tok.refresh_token.is_some());

    let r = portal(&fake, "GET", "/federation/credentials?role_name=ReadOnly&account_id=111122223333", "bogus");
    assert_eq!((r.status, error_type(&r)), (401, "UnauthorizedException".into()));
    let r = portal(&fake, "GET", "/federation/credentials?role_name=Nope&account_id=111122223333", &tok.access_token);
    assert_eq!((r.status, error_type(&r)), (403, "ForbiddenException".into()));
    let r = portal(&fake, "GET", "/federation/credentials?role_name=ReadOnly&account_id=111122223333", &tok.access_token);
    assert_eq!(r.status, 200, "{}", r.text());
    let c = r.json()["roleCredentials"].clone();
    let (akid, secret, session) =
        (c["accessKeyId"].as_str().unwrap(), c["secretAccessKey"].as_str().unwrap(), c["sessionToken"].as_str().unwrap());
    assert!(akid.starts_with("ASIA") && akid.len() == 20);
    let exp = c["expiration"].as_i64().unwrap();
    let now_ms = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_millis() as i64;
    assert!((exp - now_ms - 3_600_000).abs() < 5_000, "expiration is epoch ms, 1 h ahead");

    let role = Key { id: akid, secret, token: Some(session) };
    let r = sts_identity(&fake, &role);
    assert_eq!(r.status, 200, "{}", r.text());
    let xml = r.text();
    assert_eq!(xml_all(&xml, "Account"), ["111122223333"]);
    let arn = &xml_all(&xml, "Arn")[0];
    assert!(arn.starts_with("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ReadOnly_") && arn.ends_with("/fake-user"), "{arn}");
    assert_eq!(s3_list(&fake, "", &role).status, 200);
    // Wrong session token, then expiry through the fake clock.
    let r = s3_list(&fake, "", &Key { token: Some("nope"), ..role });
    assert_eq!(xml_all(&r.text(), "Code"), ["InvalidToken"]);
    fake.advance_clock(3601);
    let r = sts_identity(&fake, &Key { id: akid, secret, token: Some(session) });
    assert_eq!((r.status, xml_all(&r.text(), "Code")), (403, vec!["ExpiredToken".to_string()]));
    assert!(r.text().starts_with("<ErrorResponse"));
    let r = s3_list(&fake, "", &Key { id: akid, secret, token: Some(session) });
    assert_eq!((r.status, xml_all(&r.text(), "Code")), (400, vec!["ExpiredToken".to_string()]));
    // Static identity.
    let xml = sts_identity(&fake, &STATIC).text();
    assert_eq!(xml_all(&xml, "Arn"), ["arn:aws:iam::123456789012:user/static-user"]);

    // Paging of accounts and roles.
    let r = portal(&fake, "GET", "/assignment/accounts?max_result=1", &tok.access_token);
    let v = r.json();
    assert_eq!(v["accountList"][0]["accountId"], "111122223333");
    let next = v["nextToken"].as_str().unwrap().to_string();
    let v = portal(&fake, "GET", &format!("/assignment/accounts?max_result=1&next_token={next}"), &tok.access_token).json();
    assert_eq!(v["accountList"][0]["accountName"], "Development");
    assert!(v.get("nextToken").is_none());
    let v = portal(&fake, "GET", "/assignment/roles?account_id=444455556666", &tok.access_token).json();
    assert_eq!(v["roleList"].as_array().unwrap().len(), 3);

    // Logout ends the session.
    assert_eq!(portal(&fake, "POST", "/logout", &tok.access_token).status, 200);
    assert_eq!(portal(&fake, "GET", "/assignment/accounts", &tok.access_token).status, 401);
    let counters = fake.counters();
    assert_eq!(counters["sso:GetRoleCredentials"], 3);
    assert_eq!(counters["sso:Logout"], 1);
    assert_eq!(counters["sts:GetCallerIdentity"], 3);
}

/// `POST /` with an awsQuery form body, SigV4-signed by `key` when given.
fn sts_form(fake: &FakeAws, pairs: &[(&str, &str)], key: Option<&Key>) -> RawResponse {
    let url = format!("{}/", fake.endpoint());
    let body = fake_aws::util::build_query(pairs);
    let extra = [("content-type", "application/x-www-form-urlencoded")];
    let headers = match key {
        Some(k) => sigv4_headers("POST", &url, &extra, body.as_bytes(), k, "sts"),
        None => extra.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    };
    send("POST", &url, &headers, body.as_bytes())
}

fn assume_role(fake: &FakeAws, arn: &str, session: &str, extra: &[(&str, &str)], key: Option<&Key>) -> RawResponse {
    let mut pairs = vec![("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", arn), ("RoleSessionName", session)];
    pairs.extend_from_slice(extra);
    sts_form(fake, &pairs, key)
}

fn web_identity(fake: &FakeAws, token: &str, arn: &str, session: &str) -> RawResponse {
    sts_form(
        fake,
        &[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", arn),
            ("RoleSessionName", session),
            ("WebIdentityToken", token),
        ],
        None,
    )
}

/// `(AccessKeyId, SecretAccessKey, SessionToken, Expiration epoch secs)` of an AssumeRole* answer.
fn issued_creds(xml: &str) -> (String, String, String, i64) {
    let one = |t: &str| {
        let v = xml_all(xml, t);
        assert_eq!(v.len(), 1, "{t} in {xml}");
        v[0].clone()
    };
    let exp = one("Expiration");
    assert!(exp.ends_with('Z') && exp.len() == 20, "{exp}");
    (one("AccessKeyId"), one("SecretAccessKey"), one("SessionToken"), fake_aws::util::parse_rfc3339(&exp).unwrap())
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64
}

#[test]
fn sts_assume_role_issues_usable_credentials() {
    let fake = FakeAws::start();
    let arn = "arn:aws:iam::210987654321:role/team/Deployer";
    let r = assume_role(&fake, arn, "ci-run-7", &[("DurationSeconds", "1800")], Some(&STATIC));
    assert_eq!(r.status, 200, "{}", r.text());
    let xml = r.text();
    assert!(xml.starts_with("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <AssumeRoleResult>"), "{xml}");
    let (akid, secret, token, exp) = issued_creds(&xml);
    assert!(akid.starts_with("ASIA") && akid.len() == 20, "{akid}");
    assert!((exp - now_secs() - 1800).abs() <= 5, "DurationSeconds honoured");
    assert_eq!(xml_all(&xml, "Arn"), ["arn:aws:sts::210987654321:assumed-role/Deployer/ci-run-7"]);
    let role_id = &xml_all(&xml, "AssumedRoleId")[0];
    assert!(role_id.starts_with("AROA") && role_id.ends_with(":ci-run-7"), "{role_id}");
    let secrets = fake.issued_secrets();
    assert!(secrets.contains(&secret) && secrets.contains(&token));

    // The new key works for STS and S3, with the assumed-role identity.
    let key = Key { id: &akid, secret: &secret, token: Some(&token) };
    let me = sts_identity(&fake, &key).text();
    assert_eq!(xml_all(&me, "Arn"), ["arn:aws:sts::210987654321:assumed-role/Deployer/ci-run-7"]);
    assert_eq!(xml_all(&me, "Account"), ["210987654321"]);
    assert_eq!(&xml_all(&me, "UserId")[0], role_id);
    assert_eq!(s3_list(&fake, "", &key).status, 200);

    // Role chaining: assumed credentials may assume another role. Default lifetime 1 h.
    let r = assume_role(&fake, "arn:aws:iam::111122223333:role/ReadOnly", "chained", &[], Some(&key));
    assert_eq!(r.status, 200, "{}", r.text());
    let (akid2, secret2, token2, exp2) = issued_creds(&r.text());
    assert!((exp2 - now_secs() - 3600).abs() <= 5);
    let key2 = Key { id: &akid2, secret: &secret2, token: Some(&token2) };
    assert_eq!(xml_all(&sts_identity(&fake, &key2).text(), "Arn"), ["arn:aws:sts::111122223333:assumed-role/ReadOnly/chained"]);

    // SSO role credentials may call AssumeRole too.
    let tok = fake.issue_sso_token(IssueTokenRequest::default());
    let c = portal(&fake, "GET", "/federation/credentials?role_name=ReadOnly&account_id=111122223333", &tok.access_token).json()
        ["roleCredentials"]
        .clone();
    let sso_key =
        Key { id: c["accessKeyId"].as_str().unwrap(), secret: c["secretAccessKey"].as_str().unwrap(), token: c["sessionToken"].as_str() };
    assert_eq!(assume_role(&fake, arn, "from-sso", &[], Some(&sso_key)).status, 200);

    // Authentication errors, as for GetCallerIdentity.
    let code = |r: RawResponse| (r.status, xml_all(&r.text(), "Code"));
    assert_eq!(code(assume_role(&fake, arn, "s", &[], None)).1, ["MissingAuthenticationToken"]);
    assert_eq!(
        code(assume_role(&fake, arn, "sess", &[], Some(&Key { id: "AKIDNOPE", secret: "x", token: None }))),
        (403, vec!["InvalidClientTokenId".to_string()])
    );
    assert_eq!(
        code(assume_role(&fake, arn, "sess", &[], Some(&Key { secret: "wrong", ..STATIC }))),
        (403, vec!["SignatureDoesNotMatch".to_string()])
    );
    assert_eq!(
        code(assume_role(&fake, arn, "sess", &[], Some(&Key { token: Some("nope"), ..key }))),
        (403, vec!["InvalidClientTokenId".to_string()])
    );
    // Validation errors.
    for (arn, session, extra) in [
        ("not-an-arn", "sess", None),
        ("arn:aws:iam::210987654321:user/Deployer", "sess", None),
        (arn, "x", None),
        (arn, "bad session", None),
        (arn, "sess", Some("899")),
        (arn, "sess", Some("43201")),
        (arn, "sess", Some("soon")),
    ] {
        let extra: Vec<(&str, &str)> = extra.map(|d| ("DurationSeconds", d)).into_iter().collect();
        let r = assume_role(&fake, arn, session, &extra, Some(&STATIC));
        assert_eq!(code(r), (400, vec!["ValidationError".to_string()]), "{arn} {session} {extra:?}");
    }
    let r = sts_form(&fake, &[("Action", "AssumeRole"), ("RoleSessionName", "sess")], Some(&STATIC));
    assert_eq!(code(r), (400, vec!["ValidationError".to_string()]));

    // awsJson flavour.
    let url = format!("{}/", fake.endpoint());
    let body = serde_json::to_vec(&json!({"RoleArn": arn, "RoleSessionName": "json-sess", "DurationSeconds": 900})).unwrap();
    let extra = [("content-type", "application/x-amz-json-1.0"), ("x-amz-target", "AWSSecurityTokenServiceV20110615.AssumeRole")];
    let r = send("POST", &url, &sigv4_headers("POST", &url, &extra, &body, &STATIC, "sts"), &body);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert!(v["Credentials"]["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert!((v["Credentials"]["Expiration"].as_i64().unwrap() - now_secs() - 900).abs() <= 5);
    assert_eq!(v["AssumedRoleUser"]["Arn"], "arn:aws:sts::210987654321:assumed-role/Deployer/json-sess");

    // Expiry on the fake clock.
    fake.advance_clock(1801);
    let r = sts_identity(&fake, &Key { id: &akid, secret: &secret, token: Some(&token) });
    assert_eq!(code(r), (403, vec!["ExpiredToken".to_string()]));
    assert_eq!(fake.count("sts:AssumeRole"), 3 + 4 + 8 + 1);
}

#[test]
fn sts_assume_role_with_web_identity_and_faults() {
    let fake = FakeAws::start();
    let arn = "arn:aws:iam::111122223333:role/GitHubActions";
    let claims = fake_aws::util::b64url(
        br#"{"iss":"https://token.actions.githubusercontent.com","sub":"repo:o/r:ref:refs/heads/main","aud":["sts.amazonaws.com"]}"#,
    );
    let jwt = format!("eyJhbGciOiJSUzI1NiJ9.{claims}.c2ln");
    let r = web_identity(&fake, &jwt, arn, "gha-42");
    assert_eq!(r.status, 200, "{}", r.text());
    let xml = r.text();
    assert!(xml.starts_with("<AssumeRoleWithWebIdentityResponse "), "{xml}");
    assert_eq!(xml_all(&xml, "SubjectFromWebIdentityToken"), ["repo:o/r:ref:refs/heads/main"]);
    assert_eq!(xml_all(&xml, "Audience"), ["sts.amazonaws.com"]);
    assert_eq!(xml_all(&xml, "Provider"), ["token.actions.githubusercontent.com"]);
    let (akid, secret, token, exp) = issued_creds(&xml);
    assert!(akid.starts_with("ASIA"));
    assert!((exp - now_secs() - 3600).abs() <= 5);
    assert!(fake.issued_secrets().contains(&secret));
    assert!(!xml.contains(&jwt));
    let key = Key { id: &akid, secret: &secret, token: Some(&token) };
    assert_eq!(xml_all(&sts_identity(&fake, &key).text(), "Arn"), ["arn:aws:sts::111122223333:assumed-role/GitHubActions/gha-42"]);
    assert_eq!(s3_list(&fake, "", &key).status, 200);
    // Any non-empty opaque token works; an empty one does not.
    let r = web_identity(&fake, "opaque", arn, "s2");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(xml_all(&r.text(), "SubjectFromWebIdentityToken")[0].starts_with("fake-subject-"));
    let r = web_identity(&fake, "", arn, "s3");
    assert_eq!((r.status, xml_all(&r.text(), "Code")), (400, vec!["ValidationError".to_string()]));
    let r = web_identity(&fake, "opaque", "arn:aws:iam::1:role/X", "s3");
    assert_eq!((r.status, xml_all(&r.text(), "Code")), (400, vec!["ValidationError".to_string()]));

    // Faults by operation name.
    fake.set_faults(vec![
        Fault::error("sts:AssumeRoleWithWebIdentity", 400, "InvalidIdentityToken").times(1),
        Fault::error("sts:AssumeRole", 400, "Throttling").times(1),
        Fault::drop_connection("sts:AssumeRole").times(1),
    ]);
    let r = web_identity(&fake, "opaque", arn, "s4");
    assert_eq!((r.status, xml_all(&r.text(), "Code")), (400, vec!["InvalidIdentityToken".to_string()]));
    assert!(r.text().starts_with("<ErrorResponse"));
    assert_eq!(web_identity(&fake, "opaque", arn, "s4").status, 200);
    let r = assume_role(&fake, arn, "sess", &[], Some(&STATIC));
    assert_eq!((r.status, xml_all(&r.text(), "Code")), (400, vec!["Throttling".to_string()]));
    let url = format!("{}/", fake.endpoint());
    let body = fake_aws::util::build_query(&[("Action", "AssumeRole"), ("RoleArn", arn), ("RoleSessionName", "sess")]);
    let extra = [("content-type", "application/x-www-form-urlencoded")];
    let headers = sigv4_headers("POST", &url, &extra, body.as_bytes(), &STATIC, "sts");
    let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert!(client::request("POST", &url, &h, body.as_bytes()).is_err());
    assert_eq!(assume_role(&fake, arn, "sess", &[], Some(&STATIC)).status, 200);
    // A service wildcard applies too.
    fake.set_fault(Fault::error("sts:*", 503, "ServiceUnavailable").times(1));
    assert_eq!(web_identity(&fake, "opaque", arn, "s5").status, 503);
    fake.clear_faults();

    assert_eq!(fake.count("sts:AssumeRoleWithWebIdentity"), 7);
    assert_eq!(fake.count("sts:AssumeRole"), 3);
    // The token never reaches the request log.
    let log = serde_json::to_string(&fake.requests()).unwrap();
    assert!(!log.contains(&jwt));
    assert!(fake.requests().iter().any(|e| e.operation == "sts:AssumeRoleWithWebIdentity" && e.fault && e.status == 400));
}

#[test]
fn device_flow_script_refresh_rotation_and_revoke() {
    let fake = FakeAws::start();
    control(&fake, "POST", "state", json!({"device_flow": {"pending_polls": 2, "slow_down_on_poll": 2}}));
    let (id, secret) = register(&fake, json!({}));
    let r = oidc(&fake, "/device_authorization", json!({"clientId": id, "clientSecret": "wrong", "startUrl": "https://x/start"}));
    assert_eq!((r.status, error_type(&r)), (401, "InvalidClientException".into()));
    let v = oidc(&fake, "/device_authorization", json!({"clientId": id, "clientSecret": secret, "startUrl": "https://x/start"})).json();
    let device_code = v["deviceCode"].as_str().unwrap();
    assert!(v["verificationUriComplete"].as_str().unwrap().contains(v["userCode"].as_str().unwrap()));
    assert_eq!(v["interval"], 1);

    let poll = || {
        oidc(
            &fake,
            "/token",
            json!({"clientId": id, "clientSecret": secret, "grantType": "urn:ietf:params:oauth:grant-type:device_code", "deviceCode": device_code}),
        )
    };
    let mut seen = Vec::new();
    let token = loop {
        let r = poll();
        if r.status == 200 {
            break r.json();
        }
        assert_eq!(r.status, 400);
        assert_eq!(r.json()["error"].as_str().unwrap(), fake_aws::http::oauth_error(&error_type(&r)));
        seen.push(r.json()["error"].as_str().unwrap().to_string());
    };
    assert_eq!(seen, ["authorization_pending", "slow_down", "authorization_pending"]);
    assert_eq!(token["expiresIn"], 28800);
    assert_eq!(poll().json()["error"], "invalid_grant", "device codes are single use");

    // Refresh rotates; the old refresh token stops working.
    let rt1 = token["refreshToken"].as_str().unwrap().to_string();
    let refresh =
        |rt: &str| oidc(&fake, "/token", json!({"clientId": id, "clientSecret": secret, "grantType": "refresh_token", "refreshToken": rt}));
    let v = refresh(&rt1).json();
    assert_eq!(v["expiresIn"], 3600);
    let rt2 = v["refreshToken"].as_str().unwrap().to_string();
    assert_ne!(rt1, rt2);
    assert_eq!(error_type(&refresh(&rt1)), "InvalidGrantException");
    // Revoke the session: access token and refresh token die.
    let at = v["accessToken"].as_str().unwrap().to_string();
    assert_eq!(portal(&fake, "GET", "/assignment/accounts", &at).status, 200);
    assert_eq!(control(&fake, "POST", "sso/revoke", json!({"refreshToken": rt2}))["revoked"], 1);
    assert_eq!(portal(&fake, "GET", "/assignment/accounts", &at).status, 401);
    let r = refresh(&rt2);
    assert_eq!((r.status, error_type(&r), r.json()["error"].clone()), (400, "InvalidGrantException".into(), json!("invalid_grant")));

    let c = fake.counters();
    assert_eq!((c["oidc:CreateToken:device_code"], c["oidc:CreateToken:refresh_token"], c["oidc:CreateToken"]), (5, 3, 8));

    // Manual approval through the verification URL.
    control(&fake, "POST", "state", json!({"device_flow": {"outcome": "manual", "pending_polls": 0, "slow_down_on_poll": null}}));
    let v = oidc(&fake, "/device_authorization", json!({"clientId": id, "clientSecret": secret, "startUrl": "https://x/start"})).json();
    let dc = v["deviceCode"].as_str().unwrap().to_string();
    let poll = || {
        oidc(
            &fake,
            "/token",
            json!({"clientId": id, "clientSecret": secret, "grantType": "urn:ietf:params:oauth:grant-type:device_code", "deviceCode": dc}),
        )
    };
    assert_eq!(poll().json()["error"], "authorization_pending");
    assert_eq!(client::get(v["verificationUriComplete"].as_str().unwrap()).unwrap().status, 200);
    assert_eq!(poll().status, 200);

    // Expire outcome.
    control(&fake, "POST", "state", json!({"device_flow": {"outcome": "expire"}}));
    let v = oidc(&fake, "/device_authorization", json!({"clientId": id, "clientSecret": secret, "startUrl": "https://x/start"})).json();
    let r = oidc(
        &fake,
        "/token",
        json!({"clientId": id, "clientSecret": secret, "grantType": "urn:ietf:params:oauth:grant-type:device_code", "deviceCode": v["deviceCode"]}),
    );
    assert_eq!((error_type(&r), r.json()["error"].clone()), ("ExpiredTokenException".into(), json!("expired_token")));

    // A PKCE-only registration may not start a device flow.
    let (pkce_id, pkce_secret) = register(
        &fake,
        json!({"grantTypes": ["authorization_code", "refresh_token"], "redirectUris": ["http://127.0.0.1/oauth/callback"]}),
    );
    let r = oidc(&fake, "/device_authorization", json!({"clientId": pkce_id, "clientSecret": pkce_secret, "startUrl": "https://x/start"}));
    assert_eq!((r.status, error_type(&r)), (400, "UnauthorizedClientException".into()));
    // Registrations expire after 90 days.
    fake.advance_clock(91 * 24 * 3600);
    let r = oidc(&fake, "/device_authorization", json!({"clientId": id, "clientSecret": secret, "startUrl": "https://x/start"}));
    assert_eq!((r.status, error_type(&r), r.json()["error"].clone()), (401, "InvalidClientException".into(), json!("invalid_client")));
}

#[test]
fn pkce_authorization_code_flow() {
    let fake = FakeAws::start();
    let (id, secret) = register(
        &fake,
        json!({"grantTypes": ["authorization_code", "refresh_token"], "redirectUris": ["http://127.0.0.1/oauth/callback"], "issuerUrl": "https://my-sso-portal.awsapps.com/start"}),
    );
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXkdBjftJeZ4CVP-mB92K27u";
    let challenge = fake_aws::util::b64url(&fake_aws::util::sha256(verifier.as_bytes()));
    let redirect = "http://127.0.0.1:45678/oauth/callback";
    let authorize = |state: &str| {
        let q = fake_aws::util::build_query(&[
            ("response_type", "code"),
            ("client_id", &id),
            ("redirect_uri", redirect),
            ("state", state),
            ("code_challenge_method", "S256"),
            ("scopes", "sso:account:access"),
            ("code_challenge", &challenge),
        ]);
        client::get(&format!("{}/authorize?{q}", fake.endpoint())).unwrap()
    };
    let code_of = |r: &RawResponse| {
        assert_eq!(r.status, 302, "{}", r.text());
        let loc = r.header("location").unwrap().to_string();
        assert!(loc.starts_with(redirect), "{loc}");
        let q = fake_aws::util::parse_query(loc.split_once('?').unwrap().1);
        let get = |k: &str| q.iter().find(|(kk, _)| kk == k).map(|(_, v)| v.clone());
        (get("code"), get("state"), get("error"))
    };
    let token = |code: &str, verifier: &str, redirect: &str| {
        oidc(
            &fake,
            "/token",
            json!({"clientId": id, "clientSecret": secret, "grantType": "authorization_code", "code": code, "codeVerifier": verifier, "redirectUri": redirect}),
        )
    };

    // Wrong verifier: invalid_grant, and the code is spent.
    let (code, state, _) = code_of(&authorize("s-1"));
    assert_eq!(state.as_deref(), Some("s-1"));
    let code = code.unwrap();
    assert_eq!(error_type(&token(&code, "wrong-verifier", redirect)), "InvalidGrantException");
    assert_eq!(error_type(&token(&code, verifier, redirect)), "InvalidGrantException");
    // Redirect URI must match the one used at /authorize.
    let (code, _, _) = code_of(&authorize("s-2"));
    assert_eq!(error_type(&token(&code.unwrap(), verifier, "http://127.0.0.1:1/oauth/callback")), "InvalidGrantException");
    // Good exchange.
    let (code, _, _) = code_of(&authorize("s-3"));
    let r = token(&code.unwrap(), verifier, redirect);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert!(v["accessToken"].as_str().unwrap().starts_with("fake-sso-access-token-") && v["refreshToken"].is_string());
    let sessions = fake.sessions();
    assert_eq!(sessions.last().unwrap().start_url, "https://my-sso-portal.awsapps.com/start");
    // Deny outcome and a redirect URI that was never registered.
    control(&fake, "POST", "state", json!({"authorize": {"outcome": "deny"}}));
    let (code, state, error) = code_of(&authorize("s-4"));
    assert_eq!((code, state.as_deref(), error.as_deref()), (None, Some("s-4"), Some("access_denied")));
    let r = client::get(&format!(
        "{}/authorize?response_type=code&client_id={id}&redirect_uri=http%3A%2F%2Fevil.example%2Fcb",
        fake.endpoint()
    ))
    .unwrap();
    assert_eq!(r.status, 400);
    assert_eq!(fake.count("oidc:Authorize"), 5);
    assert_eq!(fake.count("oidc:CreateToken:authorization_code"), 4);
}

#[test]
fn faults_errors_delays_raw_bodies_and_dropped_connections() {
    let fake = FakeAws::start();
    let tok = fake.issue_sso_token(IssueTokenRequest::default());
    control(
        &fake,
        "POST",
        "faults",
        json!([
            {"operation": "s3:ListBuckets", "status": 503, "error_code": "SlowDown", "times": 2},
            {"operation": "sts:GetCallerIdentity", "status": 400, "times": 1},
            {"operation": "sso:GetRoleCredentials", "status": 429, "times": 1},
            {"operation": "sso:ListAccounts", "drop_connection": true, "times": 1},
            {"operation": "sso:ListAccountRoles", "body": "{not json", "times": 1},
            {"operation": "oidc:CreateToken:refresh_token", "delay_ms": 300, "status": 500, "times": 1}
        ]),
    );
    for _ in 0..2 {
        let r = s3_list(&fake, "", &STATIC);
        assert_eq!((r.status, xml_all(&r.text(), "Code")), (503, vec!["SlowDown".to_string()]));
    }
    assert_eq!(s3_list(&fake, "", &STATIC).status, 200);
    let r = sts_identity(&fake, &STATIC);
    assert_eq!((r.status, xml_all(&r.text(), "Code")), (400, vec!["Throttling".to_string()]));
    let r = portal(&fake, "GET", "/federation/credentials?role_name=ReadOnly&account_id=111122223333", &tok.access_token);
    assert_eq!((r.status, error_type(&r)), (429, "TooManyRequestsException".into()));
    let e =
        client::request("GET", &format!("{}/assignment/accounts", fake.endpoint()), &[("x-amz-sso_bearer_token", &tok.access_token)], b"")
            .unwrap_err();
    use std::io::ErrorKind::*;
    assert!(matches!(e.kind(), UnexpectedEof | ConnectionReset | ConnectionAborted), "{e}");
    let r = portal(&fake, "GET", "/assignment/roles?account_id=111122223333", &tok.access_token);
    assert_eq!((r.status, r.text().as_str()), (200, "{not json"));
    let started = std::time::Instant::now();
    let r = oidc(
        &fake,
        "/token",
        json!({"clientId": tok.client_id, "clientSecret": tok.client_secret, "grantType": "refresh_token", "refreshToken": tok.refresh_token}),
    );
    assert!(started.elapsed().as_millis() >= 300);
    assert_eq!((r.status, error_type(&r)), (500, "InternalServerException".into()));
    // Exhausted: everything works again; faulted requests were counted and logged.
    assert_eq!(oidc(&fake, "/token", json!({"clientId": tok.client_id, "clientSecret": tok.client_secret, "grantType": "refresh_token", "refreshToken": tok.refresh_token})).status, 200);
    assert_eq!(portal(&fake, "GET", "/assignment/accounts", &tok.access_token).status, 200);
    assert_eq!(fake.count("s3:ListBuckets"), 3);
    assert_eq!(fake.count("sso:ListAccounts"), 2);
    let log = fake.requests();
    assert!(log.iter().any(|e| e.operation == "sso:ListAccounts" && e.status == 0 && e.fault));
    let faults = control(&fake, "GET", "faults", json!(null));
    assert_eq!(faults[0]["applied"], 2);
    control(&fake, "DELETE", "faults", json!(null));
    assert_eq!(control(&fake, "GET", "faults", json!(null)), json!([]));
}

#[test]
fn control_api_state_tokens_secrets_and_log() {
    let fake = FakeAws::start();
    // Unknown routes are 404 and counted.
    let r = client::get(&format!("{}/nope", fake.endpoint())).unwrap();
    assert_eq!((r.status, error_type(&r)), (404, "UnknownOperationException".into()));
    assert_eq!(control(&fake, "GET", "counters", json!(null))["unknown"], 1);
    control(&fake, "POST", "counters/reset", json!({}));
    assert_eq!(control(&fake, "GET", "counters", json!(null)), json!({}));

    // State merge.
    let s = control(
        &fake,
        "POST",
        "state",
        json!({"role_credentials_ttl_secs": 60, "accounts": [{"account_id": "999988887777", "account_name": "Only", "roles": ["R"]}]}),
    );
    assert_eq!(s["role_credentials_ttl_secs"], 60);
    assert_eq!(s["login_expires_in"], 28800);
    assert_eq!(fake.state().accounts.len(), 1);
    let r = client::post_json(&format!("{}/_fake/state", fake.endpoint()), &json!({"login_expires_in": "soon"})).unwrap();
    assert_eq!(r.status, 400);

    // Issued login works against the portal and shows up in the secrets, not in the log.
    let tok = control(
        &fake,
        "POST",
        "sso/token",
        json!({"start_url": "https://s/start", "region": "eu-west-1", "session_name": "s", "expires_in": 100, "scopes": ["sso:account:access"], "with_refresh": false}),
    );
    let keys: Vec<&str> = tok.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret", "registrationExpiresAt"]);
    let at = tok["accessToken"].as_str().unwrap();
    let r = portal(&fake, "GET", "/federation/credentials?role_name=R&account_id=999988887777", at);
    assert_eq!(r.status, 200);
    let creds = r.json()["roleCredentials"].clone();
    let secrets: Vec<String> = serde_json::from_value(control(&fake, "GET", "secrets", json!(null))).unwrap();
    for s in [
        at,
        tok["clientSecret"].as_str().unwrap(),
        creds["secretAccessKey"].as_str().unwrap(),
        creds["sessionToken"].as_str().unwrap(),
        DEFAULT_STATIC_SECRET,
    ] {
        assert!(secrets.iter().any(|x| x == s), "{s} missing from secrets");
    }
    let log = serde_json::to_string(&control(&fake, "GET", "requests", json!(null))).unwrap();
    assert!(log.contains("sso:GetRoleCredentials"));
    for s in &secrets {
        assert!(!log.contains(s.as_str()), "request log leaks a secret");
    }
    // Expire server-side, then revoke by start URL.
    assert_eq!(control(&fake, "POST", "sso/expire", json!({"accessToken": at}))["expired"], 1);
    assert_eq!(portal(&fake, "GET", "/assignment/accounts", at).status, 401);
    assert_eq!(control(&fake, "POST", "sso/revoke", json!({"start_url": "https://s/start"}))["revoked"], 1);

    // Clients are recorded with what they registered.
    register(
        &fake,
        json!({"clientName": "botocore-client-my-sso", "grantTypes": ["authorization_code", "refresh_token"], "redirectUris": ["http://127.0.0.1/oauth/callback"]}),
    );
    let clients = control(&fake, "GET", "clients", json!(null));
    let last = clients.as_array().unwrap().last().unwrap();
    assert_eq!(last["clientName"], "botocore-client-my-sso");
    assert_eq!(last["grantTypes"], json!(["authorization_code", "refresh_token"]));
    assert!(last.get("clientSecret").is_none());

    // Clock and reset.
    let c = control(&fake, "POST", "clock", json!({"advance_secs": 120}));
    assert_eq!(c["offset_secs"], 120);
    control(&fake, "POST", "reset", json!({}));
    assert_eq!(fake.state().accounts.len(), 2);
    assert_eq!(control(&fake, "GET", "clock", json!(null))["offset_secs"], 0);
}

#[test]
fn browser_endpoint_completes_a_pkce_login_through_the_callback() {
    let fake = FakeAws::start();
    // A stand-in for the client's loopback callback server.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let callback = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let mut lines = Vec::new();
        for _ in 0..2 {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap();
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok").unwrap();
            lines.push(String::from_utf8_lossy(&buf[..n]).lines().next().unwrap().to_string());
        }
        lines
    });
    let (id, _) = register(
        &fake,
        json!({"grantTypes": ["authorization_code", "refresh_token"], "redirectUris": ["http://127.0.0.1/oauth/callback"]}),
    );
    let url = format!(
        "{}/authorize?{}",
        fake.endpoint(),
        fake_aws::util::build_query(&[
            ("response_type", "code"),
            ("client_id", &id),
            ("redirect_uri", &format!("http://127.0.0.1:{port}/oauth/callback")),
            ("state", "abc"),
            ("code_challenge_method", "S256"),
            ("scopes", "sso:account:access"),
            ("code_challenge", "x"),
        ])
    );
    let v = control(&fake, "POST", "browser", json!({"url": url}));
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["body"], "ok");
    // With follow_redirect the fake delivers the redirect itself (a "browser" that is plain curl).
    control(&fake, "POST", "state", json!({"authorize": {"follow_redirect": true, "override_state": "evil"}}));
    let r = client::get(&url).unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    let lines = callback.join().unwrap();
    assert!(lines[0].starts_with("GET /oauth/callback?code=fake-auth-code-") && lines[0].contains("state=abc"), "{lines:?}");
    assert!(lines[1].contains("state=evil"), "{lines:?}");
}

#[test]
fn fake_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<FakeAws>();
}

#[test]
fn binary_prints_endpoint_and_exits_on_stdin_eof() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake-aws"))
        .arg("--exit-on-stdin-eof")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let endpoint = line.trim().strip_prefix("FAKE_AWS_ENDPOINT=").expect("endpoint line").to_string();
    assert!(endpoint.starts_with("http://127.0.0.1:"));
    assert_eq!(client::get(&format!("{endpoint}/_fake/health")).unwrap().json(), json!({"ok": true}));
    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert!(status.success());
}

#[test]
fn generates_100k_buckets_quickly() {
    let fake = FakeAws::start();
    let started = std::time::Instant::now();
    let n = fake.generate_buckets(GenerateBuckets { count: 100_000, replace: true, ..Default::default() });
    assert_eq!(n, 100_000);
    let r = s3_list(&fake, "max-buckets=10000&prefix=bucket-09", &STATIC);
    assert_eq!(xml_all(&r.text(), "Name").len(), 10_000);
    assert!(started.elapsed().as_secs() < 20);
    let _ = Fault::default();
}
