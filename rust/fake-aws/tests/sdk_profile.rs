//! aws-config's own SSO chain (sso-session profile, token cache, refresh, role credentials)
//! against the fake, with every endpoint from `AWS_ENDPOINT_URL`. Sets process environment
//! variables, so it is the only test in this binary.
//! `cargo test -p fake-aws --features sdk-tests`.
#![cfg(feature = "sdk-tests")]

use fake_aws::{FakeAws, IssueTokenRequest};

#[tokio::test]
async fn aws_config_sso_profile_refreshes_and_fetches_role_credentials() {
    let fake = FakeAws::start();
    let home = std::env::temp_dir().join(format!("fake-aws-profile-test-{}", std::process::id()));
    let cache = home.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        home.join(".aws/config"),
        "[profile p]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = us-east-1\n\n\
         [sso-session my-sso]\nsso_region = us-east-1\nsso_start_url = https://my-sso-portal.awsapps.com/start\nsso_registration_scopes = sso:account:access\n",
    )
    .unwrap();
    // A token that expires in 2 minutes: aws-config refreshes it (5 minute window).
    let tok = fake.issue_sso_token(IssueTokenRequest { session_name: Some("my-sso".into()), expires_in: Some(120), ..Default::default() });
    let cache_file = cache.join("0ad374308c5a4e22f723adf10145eafad7c4031c.json");
    std::fs::write(&cache_file, serde_json::to_string(&tok).unwrap()).unwrap();

    std::env::set_var("HOME", &home);
    std::env::set_var("AWS_CONFIG_FILE", home.join(".aws/config"));
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"));
    std::env::set_var("AWS_ENDPOINT_URL", fake.endpoint());
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    for v in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"] {
        std::env::remove_var(v);
    }

    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest()).profile_name("p").load().await;
    let me = aws_sdk_sts::Client::new(&conf).get_caller_identity().send().await.unwrap();
    assert_eq!(me.account(), Some("111122223333"));
    assert!(me.arn().unwrap().contains("AWSReservedSSO_ReadOnly_"));

    assert_eq!(fake.count("oidc:CreateToken:refresh_token"), 1, "{:?}", fake.counters());
    assert_eq!(fake.count("sso:GetRoleCredentials"), 1);
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cache_file).unwrap()).unwrap();
    assert_ne!(written["accessToken"], serde_json::json!(tok.access_token), "refreshed token written back");
    let _ = std::fs::remove_dir_all(&home);
}
