//! Behaviours the AWS SDKs' own credential and token test suites expect: token-only profiles,
//! role chains before SSO, incomplete GetRoleCredentials answers, errors without an AWS error
//! code, and where a missing token was looked for (a failed write-back: tests/write_back.rs).

mod common;

use common::*;
use fake_aws::Fault;
use serde_json::json;

fn token_only_config(profile: &str, session: &str) -> String {
    format!(
        "[profile {profile}]\nsso_session = {session}\nregion = eu-west-1\n\n[sso-session {session}]\nsso_region = us-east-1\nsso_start_url = {START_URL}\n"
    )
}

#[test]
fn a_token_only_profile_lists_accounts_and_names_what_role_credentials_need() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&token_only_config(&profile, &session));
    let token = s.issue(Some(&session), 3600, true);
    s.write_cli_token(&session, &token);
    let accounts = call("sso.list_accounts", json!({ "auth": { "profile": profile } })).expect("token commands accept the profile");
    assert!(accounts["accounts"].is_array());
    let by_session = call("sso.list_accounts", json!({ "session_name": session })).expect("and the session directly");
    assert_eq!(accounts["accounts"], by_session["accounts"]);
    let (status, doc) = resolve(&profile).unwrap_err();
    assert_eq!(status, "InvalidSsoConfig");
    assert_eq!(doc["code"], "IncompleteSsoProfile");
    let message = doc["message"].as_str().unwrap();
    assert!(message.contains("sso_account_id") && message.contains(&profile), "{message}");
}

#[test]
fn a_role_chain_in_an_sso_profile_is_resolved_first() {
    let (profile, session) = (unique("p"), unique("s"));
    let config = format!(
        "[profile {profile}]\nsso_session = {session}\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nrole_arn = arn:aws:iam::999988887777:role/Chained\nsource_profile = base\nregion = us-east-1\n\n[profile base]\naws_access_key_id = AKIDEXAMPLESTATIC\naws_secret_access_key = static-secret-key-example\n\n[sso-session {session}]\nsso_region = us-east-1\nsso_start_url = {START_URL}\n"
    );
    let s = Sandbox::new(&config);
    let r = resolve(&profile).expect("the role chain resolves");
    assert_eq!(r["source"], "profile", "aws-config's role chain, not SSO: {r}");
    let who = call("sts.get_caller_identity", json!({ "auth": { "profile": profile } })).unwrap();
    assert!(who["result"]["arn"].as_str().unwrap().starts_with("arn:aws:sts::999988887777:assumed-role/Chained/"), "{who}");
    assert_eq!(s.fake.count("sso:GetRoleCredentials"), 0);
    assert!(s.fake.count("sts:AssumeRole") >= 1, "{:?}", s.fake.counters());
}

#[test]
fn an_incomplete_get_role_credentials_answer_is_refused() {
    for (body, missing) in [
        (r#"{"roleCredentials":{"accessKeyId":"ASIAX","secretAccessKey":"s","sessionToken":"t"}}"#, "expiration"),
        (r#"{"roleCredentials":{"secretAccessKey":"s","sessionToken":"t","expiration":4102444800000}}"#, "accessKeyId"),
        (r#"{"roleCredentials":{"accessKeyId":"ASIAX","secretAccessKey":"s","expiration":4102444800000}}"#, "sessionToken"),
        (r#"{}"#, "roleCredentials"),
    ] {
        let (profile, session) = (unique("p"), unique("s"));
        let s = Sandbox::new(&sso_config(&profile, &session));
        let token = s.issue(Some(&session), 3600, true);
        s.write_cli_token(&session, &token);
        s.fake.set_fault(Fault::raw_body("sso:GetRoleCredentials", body));
        let (status, doc) = resolve(&profile).unwrap_err();
        assert_eq!(status, "ServiceError", "{doc}");
        assert_eq!(doc["code"], "InvalidResponse", "{doc}");
        let message = doc["message"].as_str().unwrap();
        assert!(message.contains(missing) && message.contains("127.0.0.1"), "{message}");
    }
}

#[test]
fn errors_without_an_aws_code_name_the_http_status_and_the_host() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), 3600, true);
    s.write_cli_token(&session, &token);
    for (status, category) in [(503u16, "ResourceUnavailable"), (401, "AuthenticationError"), (404, "ObjectNotFound")] {
        s.fake.clear_faults();
        s.fake.set_fault(Fault {
            operation: "sso:ListAccounts".into(),
            status: Some(status),
            body: Some(String::new()),
            ..Default::default()
        });
        let (_, doc) = call("sso.list_accounts", json!({ "auth": { "profile": profile }, "max_attempts": 1 }))
            .map(|_| ())
            .or_else(|e| call_with_timeout("sso.list_accounts", json!({ "auth": { "profile": profile } }), 60000).map(|_| ()).or(Err(e)))
            .unwrap_err();
        let message = doc["message"].as_str().unwrap();
        assert!(message.contains(&format!("HTTP {status} from 127.0.0.1")), "{message}");
        assert_eq!(doc["category"], category, "{doc}");
        assert_eq!(doc["code"], format!("Http{status}"));
    }
}

#[test]
fn no_cached_token_names_the_file_and_its_key() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let (_, doc) = resolve(&profile).unwrap_err();
    let message = doc["message"].as_str().unwrap();
    let path = s.token_path(&session);
    assert!(message.contains(&path.to_string_lossy().to_string()), "{message}");
    assert!(message.contains(&format!("sso-session name '{session}'")), "{message}");
}
