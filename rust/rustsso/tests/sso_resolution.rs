//! SSO credential resolution scenarios against the in-process fake AWS: token states, cache
//! formats, validation, region and endpoint precedence, other credential sources.

mod common;

use common::*;
use serde_json::json;

fn counts(s: &Sandbox) -> (u64, u64, u64) {
    (s.fake.count("oidc:CreateToken:refresh_token"), s.fake.count("sso:GetRoleCredentials"), s.total_calls())
}

#[test]
fn valid_token_gives_role_credentials_once() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), 3600, true);
    s.write_cli_token(&session, &token);
    for _ in 0..5 {
        let r = resolve(&profile).expect("resolves");
        assert_eq!(r["source"], "sso-profile");
        assert_eq!(r["sso_session"], session.as_str());
        assert_eq!(r["account_id"], "111122223333");
        assert!(r["credentials"]["access_key_id"].as_str().unwrap().starts_with("ASIA"));
        assert!(r["credentials"].get("secret_access_key").is_none(), "no secrets unless asked");
    }
    assert_eq!(counts(&s).0, 0);
    assert_eq!(counts(&s).1, 1, "role credentials are cached in memory");
    let exported = call("credentials.resolve", json!({"auth": {"profile": profile}, "include_secrets": true})).unwrap();
    assert!(exported["credentials"]["secret_access_key"].as_str().unwrap().len() > 10);
}

#[test]
fn about_to_expire_token_is_refreshed_and_written_back() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), 120, true);
    let path = s.write_cli_token(&session, &token);
    resolve(&profile).expect("resolves");
    assert_eq!(counts(&s).0, 1);
    let written = read(&path);
    assert_ne!(written["accessToken"], token.access_token.as_str());
    assert!(written["expiresAt"].as_str().unwrap() > token.expires_at.as_str());
    assert_eq!(written["clientId"], token.client_id.as_str());
    assert!(written["refreshToken"].as_str().is_some());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("{\"startUrl\": ") && !text.ends_with('\n'), "CLI format: {}", text.len());
}

#[test]
fn expired_refreshable_token_is_refreshed() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), -60, true);
    s.write_cli_token(&session, &token);
    resolve(&profile).expect("resolves");
    assert_eq!(counts(&s).0, 1);
    assert_eq!(counts(&s).1, 1);
}

#[test]
fn expired_token_without_refresh_fails_without_any_call() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), -60, false);
    s.write_cli_token(&session, &token);
    let (status, err) = resolve(&profile).unwrap_err();
    assert_eq!(status, "SsoTokenExpired");
    let msg = err["message"].as_str().unwrap();
    for needle in [profile.as_str(), session.as_str(), "Invoke-AWSSSOLogin", &format!("aws sso login --sso-session {session}")] {
        assert!(msg.contains(needle), "{msg} lacks {needle}");
    }
    assert_eq!(counts(&s).2, 0, "no HTTP call: {:?}", s.fake.counters());
}

#[test]
fn refresh_failure_keeps_serving_a_still_valid_token() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), 120, true);
    let path = s.write_cli_token(&session, &token);
    s.fake.set_fault(fake_aws::Fault::error("oidc:CreateToken", 500, "InternalServerException"));
    resolve(&profile).expect("the still-valid token is used");
    assert!(s.fake.count("oidc:CreateToken") >= 1);
    assert_eq!(read(&path)["accessToken"], token.access_token.as_str(), "file untouched");
    assert_eq!(counts(&s).1, 1);
}

#[test]
fn ended_session_means_log_in_again() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), -10, true);
    s.write_cli_token(&session, &token);
    s.fake.revoke_sso(fake_aws::SessionSelector { session_name: Some(session.clone()), ..Default::default() });
    let (status, err) = resolve(&profile).unwrap_err();
    assert_eq!(status, "SsoRefreshRejected", "{err}");
    assert!(err["message"].as_str().unwrap().contains("Invoke-AWSSSOLogin"));
}

#[test]
fn expired_registration_is_not_refreshable() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let mut token = s.issue(Some(&session), -10, true);
    token.registration_expires_at = "2020-01-01T00:00:00Z".into();
    s.write_cli_token(&session, &token);
    assert_eq!(resolve(&profile).unwrap_err().0, "SsoTokenExpired");
    assert_eq!(counts(&s).2, 0);
}

#[test]
fn legacy_profile_uses_the_start_url_key() {
    let profile = unique("legacy");
    let start = format!("{START_URL}/{profile}");
    let s = Sandbox::new(&format!(
        "[profile {profile}]\nsso_start_url = {start}\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n"
    ));
    let mut token = s.issue(None, 3600, false);
    token.start_url = start.clone();
    s.write_cli_token(&start, &token);
    let r = resolve(&profile).expect("legacy resolves");
    assert_eq!(r["sso_session"], serde_json::Value::Null);
    let (status, err) = {
        std::fs::remove_file(s.token_path(&start)).unwrap();
        let other = unique("legacy2");
        let s2 = format!("[profile {other}]\nsso_start_url = {start}/x\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n");
        std::fs::write(&s.config, s2).unwrap();
        resolve(&other).unwrap_err()
    };
    assert_eq!(status, "SsoTokenNotFound");
    assert!(err["message"].as_str().unwrap().contains("aws sso login --profile"));
}

#[test]
fn missing_and_corrupt_caches_are_no_token_and_recoverable() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    assert_eq!(resolve(&profile).unwrap_err().0, "SsoTokenNotFound");
    for garbage in ["", "{", "{\"accessToken\": 5}", "\u{0}\u{ff}", "[1,2,3]", "{\"accessToken\":\"x\",\"expiresAt\":\"never\"}"] {
        s.write_raw(&session, garbage);
        assert_eq!(resolve(&profile).unwrap_err().0, "SsoTokenNotFound", "{garbage:?}");
    }
    let token = s.issue(Some(&session), 3600, true);
    s.write_cli_token(&session, &token);
    resolve(&profile).expect("a good file works again");
    assert_eq!(counts(&s).2, 1);
}

#[test]
fn every_writer_format_is_read() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), 7200, true);
    let base = token.expires_at.trim_end_matches('Z').to_string();
    let formats = [
        // AWS CLI
        format!(
            "{{\"startUrl\": \"{START_URL}\", \"region\": \"us-east-1\", \"accessToken\": \"{}\", \"expiresAt\": \"{base}Z\"}}",
            token.access_token
        ),
        // pre-2021 CLI
        format!(
            "{{\"accessToken\": \"{}\", \"expiresAt\": \"{base}UTC\", \"region\": \"us-east-1\", \"startUrl\": \"{START_URL}\"}}",
            token.access_token
        ),
        // aws-config (compact, fractional seconds)
        format!(
            "{{\"accessToken\":\"{}\",\"expiresAt\":\"{base}.5Z\",\"region\":\"us-east-1\",\"startUrl\":\"{START_URL}\"}}",
            token.access_token
        ),
        // JS SDK (pretty, milliseconds)
        format!("{{\n  \"accessToken\": \"{}\",\n  \"expiresAt\": \"{base}.000Z\",\n  \"region\": \"us-east-1\"\n}}", token.access_token),
        // offset form
        format!("{{\"accessToken\": \"{}\", \"expiresAt\": \"{base}+00:00\"}}", token.access_token),
    ];
    for (i, text) in formats.iter().enumerate() {
        s.write_raw(&session, text);
        // A distinct role per format defeats the in-memory role cache.
        let profile_i = format!("{profile}-{i}");
        std::fs::write(&s.config, sso_config(&profile_i, &session)).unwrap();
        let r = resolve(&profile_i).unwrap_or_else(|e| panic!("format {i}: {e:?}"));
        assert!(r["token_expires_at"].as_str().unwrap().starts_with(&base[..16]), "format {i}");
    }
}

#[test]
fn validation_errors_are_distinct_and_make_no_call() {
    let session = unique("s");
    let s = Sandbox::new(&format!(
        "[profile no-session]\nsso_session = missing\nsso_account_id = 1\nsso_role_name = R\n\n\
         [profile conflict]\nsso_session = {session}\nsso_start_url = https://other.awsapps.com/start\nsso_account_id = 1\nsso_role_name = R\n\n\
         [profile same]\nsso_session = {session}\nsso_start_url = {START_URL}\nsso_account_id = 1\nsso_role_name = R\n\n\
         [profile no-account]\nsso_session = {session}\nsso_role_name = R\n\n\
         [profile no-role]\nsso_session = {session}\nsso_account_id = 1\n\n\
         [sso-session {session}]\nsso_region = us-east-1\nsso_start_url = {START_URL}\n"
    ));
    let cases = [
        ("does-not-exist", "ProfileNotFound", "does-not-exist"),
        ("no-session", "SsoSessionNotFound", "[sso-session missing]"),
        ("conflict", "ConflictingSsoConfig", "sso_start_url"),
        ("no-account", "IncompleteSsoProfile", "sso_account_id"),
        ("no-role", "IncompleteSsoProfile", "sso_role_name"),
    ];
    for (profile, code, needle) in cases {
        let (_, err) = resolve(profile).unwrap_err();
        assert_eq!(err["code"], code, "{profile}: {err}");
        assert!(err["message"].as_str().unwrap().contains(needle), "{profile}: {err}");
    }
    // Agreeing values in profile and session are accepted (botocore's leniency): only the
    // missing token stops it.
    assert_eq!(resolve("same").unwrap_err().1["code"], "SsoTokenNotFound");
    assert_eq!(s.total_calls(), 0);
    // A missing named profile is never replaced by another one, even with a default present.
    std::fs::write(&s.config, "[default]\naws_access_key_id = AKIDEXAMPLESTATIC\naws_secret_access_key = static-secret-key-example\n")
        .unwrap();
    assert_eq!(resolve("nope").unwrap_err().0, "ProfileNotFound");
}

#[test]
fn region_precedence() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), 3600, true);
    s.write_cli_token(&session, &token);
    let region = |params: serde_json::Value| call("credentials.resolve", params).unwrap()["region"].as_str().unwrap().to_string();
    let by_profile = json!({"auth": {"profile": profile}});
    assert_eq!(region(by_profile.clone()), "eu-west-1", "the selected profile's region");
    s.set_env("AWS_DEFAULT_REGION", Some("ap-south-1"));
    assert_eq!(region(by_profile.clone()), "ap-south-1");
    s.set_env("AWS_REGION", Some("ca-central-1"));
    assert_eq!(region(by_profile.clone()), "ca-central-1");
    assert_eq!(region(json!({"auth": {"profile": profile}, "region": "sa-east-1"})), "sa-east-1");
    s.set_env("AWS_REGION", None);
    s.set_env("AWS_DEFAULT_REGION", None);
    let static_keys = json!({"auth": {"access_key": "AKIDEXAMPLESTATIC", "secret_key": "static-secret-key-example"}});
    assert_eq!(region(static_keys), "us-east-1", "fallback");
}

#[test]
fn service_specific_endpoints_are_honoured() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), 120, true);
    s.write_cli_token(&session, &token);
    let endpoint = s.fake.endpoint();
    s.set_env("AWS_ENDPOINT_URL", Some("http://127.0.0.1:9"));
    for var in ["AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS"] {
        s.set_env(var, Some(&endpoint));
    }
    let page = call("s3.list_buckets", json!({"auth": {"profile": profile}})).expect("all calls reach the fake");
    assert!(page["result"]["buckets"].is_array());
    assert!(page["meta"]["endpoint"].as_str().unwrap().starts_with(&endpoint), "{page}");
    let who = call("sts.get_caller_identity", json!({"auth": {"profile": profile}})).unwrap();
    assert_eq!(who["result"]["account"], "111122223333");
    assert_eq!(s.fake.count("oidc:CreateToken:refresh_token"), 1);
    // Without the SSO override the SSO calls go to the dead global endpoint.
    s.set_env("AWS_ENDPOINT_URL_SSO", None);
    let (other, other_session) = (unique("p2"), unique("s2"));
    std::fs::write(&s.config, sso_config(&other, &other_session)).unwrap();
    let token = s.issue(Some(&other_session), 3600, true);
    s.write_cli_token(&other_session, &token);
    let (status, _) = call("s3.list_buckets", json!({"auth": {"profile": other}})).unwrap_err();
    assert!(status == "NetworkError" || status == "Timeout", "{status}");
}

#[test]
fn credential_process_and_static_profiles_still_work() {
    let s = Sandbox::new(
        "[profile proc]\ncredential_process = python3 -c \"print('{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"AKIDEXAMPLESTATIC\\\", \\\"SecretAccessKey\\\": \\\"static-secret-key-example\\\"}')\"\n\n[profile keys]\naws_access_key_id = AKIDEXAMPLESTATIC\naws_secret_access_key = static-secret-key-example\n",
    );
    for profile in ["proc", "keys"] {
        let r = call("s3.list_buckets", json!({"auth": {"profile": profile}}));
        assert!(r.is_ok(), "{profile}: {r:?}");
        let who = resolve(profile).unwrap();
        assert_eq!(who["source"], "profile");
        assert_eq!(who["credentials"]["access_key_id"], "AKIDEXAMPLESTATIC");
    }
    assert_eq!(s.fake.count("s3:ListBuckets"), 2);
}

#[test]
fn role_chains_from_static_and_sso_source_profiles() {
    let session = unique("s");
    let s = Sandbox::new(&format!(
        "{}\n[profile keys]\naws_access_key_id = AKIDEXAMPLESTATIC\naws_secret_access_key = static-secret-key-example\n\n\
         [profile from-keys]\nrole_arn = arn:aws:iam::222233334444:role/Deployer\nsource_profile = keys\nregion = us-east-1\n\n\
         [profile from-sso]\nrole_arn = arn:aws:iam::555566667777:role/Auditor\nsource_profile = sso-src\nregion = us-east-1\n",
        sso_config("sso-src", &session)
    ));
    let token = s.issue(Some(&session), 3600, true);
    s.write_cli_token(&session, &token);
    for (profile, account, role) in [("from-keys", "222233334444", "Deployer"), ("from-sso", "555566667777", "Auditor")] {
        let who = call("sts.get_caller_identity", json!({"auth": {"profile": profile}})).unwrap_or_else(|e| panic!("{profile}: {e:?}"));
        let arn = who["result"]["arn"].as_str().unwrap();
        assert!(arn.starts_with(&format!("arn:aws:sts::{account}:assumed-role/{role}/")), "{profile}: {arn}");
    }
    assert_eq!(s.fake.count("sts:AssumeRole"), 2);
    assert_eq!(s.fake.count("sso:GetRoleCredentials"), 1, "the SSO source profile's role credentials");
}

#[test]
fn web_identity_profiles_and_environment_work() {
    let s = Sandbox::new("");
    let token_file = s.home.join("web-identity-token");
    std::fs::write(&token_file, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.").unwrap();
    std::fs::write(
        &s.config,
        format!(
            "[profile ci]\nrole_arn = arn:aws:iam::888899990000:role/CI\nweb_identity_token_file = {}\nregion = us-east-1\n",
            token_file.display()
        ),
    )
    .unwrap();
    let who = call("sts.get_caller_identity", json!({"auth": {"profile": "ci"}})).expect("web identity profile");
    assert!(who["result"]["arn"].as_str().unwrap().contains("888899990000:assumed-role/CI/"), "{who}");
    // No profile at all: the environment's web identity settings, through aws-config's chain.
    std::fs::write(&s.config, "").unwrap();
    s.set_env("AWS_WEB_IDENTITY_TOKEN_FILE", Some(&token_file.to_string_lossy()));
    s.set_env("AWS_ROLE_ARN", Some("arn:aws:iam::777788889999:role/Pipeline"));
    s.set_env("AWS_REGION", Some("us-east-1"));
    let who = call("sts.get_caller_identity", json!({})).expect("web identity from the environment");
    assert!(who["result"]["arn"].as_str().unwrap().contains("777788889999:assumed-role/Pipeline/"), "{who}");
    s.set_env("AWS_WEB_IDENTITY_TOKEN_FILE", None);
    s.set_env("AWS_ROLE_ARN", None);
    assert_eq!(s.fake.count("sts:AssumeRoleWithWebIdentity"), 2);
}

#[test]
fn logout_ends_the_session_in_memory_too() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    s.write_cli_token(&session, &s.issue(Some(&session), 3600, true));
    call("s3.list_buckets", json!({"auth": {"profile": profile}})).expect("works while logged in");
    let plan = call("sso.logout.plan", json!({"auth": {"profile": profile}})).unwrap();
    assert_eq!(plan.as_array().unwrap().len(), 1, "{plan}");
    call("sso.logout.apply", json!({"files": plan})).unwrap();
    assert_eq!(s.fake.count("sso:Logout"), 1);
    let (status, _) = call("s3.list_buckets", json!({"auth": {"profile": profile}})).unwrap_err();
    assert_eq!(status, "SsoTokenNotFound", "no role credentials served from memory after logout");
}

#[test]
fn a_token_of_another_portal_is_no_token() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let mut token = s.issue(Some(&session), 3600, true);
    token.start_url = "https://another-org.awsapps.com/start".into();
    s.write_cli_token(&session, &token);
    assert_eq!(resolve(&profile).unwrap_err().0, "SsoTokenNotFound");
    assert_eq!(s.total_calls(), 0);
}

#[test]
fn configurations_in_one_process_never_share_role_credentials() {
    // Same session, profile, account and role, but another home, start URL and endpoint: the
    // second configuration has no token of its own and must not get the first one's keys.
    let a = Sandbox::new(&sso_config("dev", "test-sso"));
    a.write_cli_token("test-sso", &a.issue(Some("test-sso"), 3600, true));
    a.caller.enter();
    let first = call("credentials.resolve", json!({"auth": {"profile": "dev"}, "include_secrets": true})).expect("first resolves");
    let b =
        Sandbox::sharing(&sso_config("dev", "test-sso").replace(START_URL, "https://other-org.awsapps.com/start"), a.caller.ctx.clone());
    b.caller.enter();
    let (status, _) = call("credentials.resolve", json!({"auth": {"profile": "dev"}})).expect_err("the second has no token");
    assert_eq!(status, "SsoTokenNotFound");
    assert_eq!(b.fake.count("sso:GetRoleCredentials"), 0);
    // The same token file and start URL, but another portal endpoint: its own GetRoleCredentials.
    let c = Sandbox::sharing(&sso_config("dev", "test-sso"), a.caller.ctx.clone());
    c.set_env("HOME", Some(&a.home.to_string_lossy()));
    c.set_env("USERPROFILE", Some(&a.home.to_string_lossy()));
    c.write_cli_token("test-sso", &c.issue(Some("test-sso"), 3600, true));
    std::fs::copy(c.token_path("test-sso"), a.token_path("test-sso")).unwrap();
    c.caller.enter();
    let third = call("credentials.resolve", json!({"auth": {"profile": "dev"}, "include_secrets": true})).expect("third resolves");
    assert_eq!(c.fake.count("sso:GetRoleCredentials"), 1, "its own portal was asked");
    assert_ne!(third["credentials"]["access_key_id"], first["credentials"]["access_key_id"]);
}

#[test]
fn a_role_chain_over_sso_refreshes_through_the_locked_cli_writer() {
    let session = unique("s");
    let s = Sandbox::new(&format!(
        "{}\n[profile mid]\nrole_arn = arn:aws:iam::555566667777:role/Auditor\nsource_profile = sso-src\nrole_session_name = audit\nregion = us-east-1\n\n\
         [profile top]\nrole_arn = arn:aws:iam::999988887777:role/Top\nsource_profile = mid\nregion = us-east-1\n",
        sso_config("sso-src", &session)
    ));
    let token = s.issue(Some(&session), 120, true);
    let path = s.write_cli_token(&session, &token);
    for _ in 0..3 {
        let who = call("sts.get_caller_identity", json!({"auth": {"profile": "top"}})).expect("chained call");
        assert!(who["result"]["arn"].as_str().unwrap().starts_with("arn:aws:sts::999988887777:assumed-role/Top/"), "{who}");
    }
    assert_eq!(s.fake.count("oidc:CreateToken:refresh_token"), 1, "one refresh, by this library");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("{\"startUrl\": ") && text.contains("\"refreshToken\": "), "the CLI's format, written by our writer");
    assert_eq!(s.fake.count("sso:GetRoleCredentials"), 1);
    assert_eq!(s.fake.count("sts:AssumeRole"), 2, "each hop once, then cached");
    let mid = call("sts.get_caller_identity", json!({"auth": {"profile": "mid"}})).expect("one hop");
    assert!(mid["result"]["arn"].as_str().unwrap().contains(":assumed-role/Auditor/audit"), "{mid}");
}
