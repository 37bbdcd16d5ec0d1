//! The real aws-sdk-rust clients against the fake: answers and errors must parse exactly as
//! the real services'. Heavy to build, so behind a feature:
//! `cargo test -p fake-aws --features sdk-tests`.
#![cfg(feature = "sdk-tests")]

use aws_credential_types::Credentials;
use aws_sdk_s3::config::{BehaviorVersion, Region};
use aws_sdk_s3::error::ProvideErrorMetadata;
use fake_aws::{FakeAws, Fault, GenerateBuckets, IssueTokenRequest, DEFAULT_STATIC_KEY_ID, DEFAULT_STATIC_SECRET};

fn static_creds() -> Credentials {
    Credentials::new(DEFAULT_STATIC_KEY_ID, DEFAULT_STATIC_SECRET, None, None, "test")
}

fn s3(fake: &FakeAws, creds: Credentials) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(fake.endpoint())
        .credentials_provider(creds)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

fn sts(fake: &FakeAws, creds: Credentials) -> aws_sdk_sts::Client {
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new("us-east-1"))
        .endpoint_url(fake.endpoint())
        .credentials_provider(creds)
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}

fn sso(fake: &FakeAws) -> aws_sdk_sso::Client {
    let conf = aws_sdk_sso::Config::builder()
        .behavior_version(aws_sdk_sso::config::BehaviorVersion::latest())
        .region(aws_sdk_sso::config::Region::new("us-east-1"))
        .endpoint_url(fake.endpoint())
        .build();
    aws_sdk_sso::Client::from_conf(conf)
}

fn oidc(fake: &FakeAws) -> aws_sdk_ssooidc::Client {
    let conf = aws_sdk_ssooidc::Config::builder()
        .behavior_version(aws_sdk_ssooidc::config::BehaviorVersion::latest())
        .region(aws_sdk_ssooidc::config::Region::new("us-east-1"))
        .endpoint_url(fake.endpoint())
        .build();
    aws_sdk_ssooidc::Client::from_conf(conf)
}

#[tokio::test]
async fn s3_list_buckets_paging_errors_and_retries() {
    let fake = FakeAws::start();
    fake.generate_buckets(GenerateBuckets {
        count: 2500,
        prefix: "sdk-".into(),
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        replace: true,
        ..Default::default()
    });
    let client = s3(&fake, static_creds());

    let mut stream = client.list_buckets().max_buckets(1000).into_paginator().send();
    let mut buckets = Vec::new();
    let mut pages = 0;
    while let Some(page) = stream.next().await {
        let page = page.expect("page");
        pages += 1;
        assert!(page.owner().and_then(|o| o.display_name()).is_some());
        buckets.extend(page.buckets().iter().cloned());
    }
    assert_eq!((pages, buckets.len()), (3, 2500));
    let b = &buckets[1];
    assert_eq!(b.name(), Some("sdk-000001"));
    assert_eq!(b.bucket_region(), Some("eu-west-1"));
    assert_eq!(b.bucket_arn(), Some("arn:aws:s3:::sdk-000001"));
    assert!(b.creation_date().is_some());

    let out = client.list_buckets().prefix("sdk-0024").bucket_region("us-east-1").send().await.unwrap();
    assert_eq!(out.buckets().len(), 50);
    assert_eq!(out.prefix(), Some("sdk-0024"));
    assert_eq!(out.continuation_token(), None);

    // SlowDown is retried by the SDK's standard retry strategy.
    fake.reset_counters();
    fake.set_fault(Fault::error("s3:ListBuckets", 503, "SlowDown").times(1));
    client.list_buckets().max_buckets(1).send().await.unwrap();
    assert_eq!(fake.count("s3:ListBuckets"), 2);
    // A malformed body is an SDK parse error, not a success.
    fake.set_fault(Fault::raw_body("s3:ListBuckets", "<ListAllMyBucketsResult><Buckets><Bucket><CreationDate>yesterday").times(1));
    assert!(client.list_buckets().send().await.is_err());
    fake.clear_faults();

    let e = s3(&fake, Credentials::new("AKIDNOPE", "x", None, None, "t")).list_buckets().send().await.unwrap_err();
    assert_eq!(e.code(), Some("InvalidAccessKeyId"));
    let e = s3(&fake, Credentials::new(DEFAULT_STATIC_KEY_ID, "bad", None, None, "t")).list_buckets().send().await.unwrap_err();
    assert_eq!(e.code(), Some("SignatureDoesNotMatch"));
}

#[tokio::test]
async fn sso_portal_sts_and_s3_with_role_credentials() {
    let fake = FakeAws::start();
    let tok = fake.issue_sso_token(IssueTokenRequest::default());
    let sso = sso(&fake);

    let e = sso.get_role_credentials().access_token("nope").account_id("111122223333").role_name("ReadOnly").send().await.unwrap_err();
    assert!(e.into_service_error().is_unauthorized_exception());
    let e =
        sso.get_role_credentials().access_token(&tok.access_token).account_id("111122223333").role_name("Nope").send().await.unwrap_err();
    assert_eq!(e.code(), Some("ForbiddenException"));

    let out = sso
        .get_role_credentials()
        .access_token(&tok.access_token)
        .account_id("444455556666")
        .role_name("PowerUserAccess")
        .send()
        .await
        .unwrap();
    let rc = out.role_credentials().unwrap();
    assert!(rc.expiration() > 1_000_000_000_000, "epoch milliseconds");
    let creds =
        Credentials::new(rc.access_key_id().unwrap(), rc.secret_access_key().unwrap(), rc.session_token().map(str::to_string), None, "sso");

    let me = sts(&fake, creds.clone()).get_caller_identity().send().await.unwrap();
    assert_eq!(me.account(), Some("444455556666"));
    assert!(me.arn().unwrap().contains(":assumed-role/AWSReservedSSO_PowerUserAccess_"));
    assert!(me.user_id().unwrap().ends_with(":fake-user"));
    s3(&fake, creds.clone()).list_buckets().send().await.unwrap();

    let mut accounts = Vec::new();
    let mut pages = sso.list_accounts().access_token(&tok.access_token).max_results(1).into_paginator().send();
    while let Some(p) = pages.next().await {
        accounts.extend(p.unwrap().account_list().iter().map(|a| a.account_name().unwrap_or_default().to_string()));
    }
    assert_eq!(accounts, ["Production", "Development"]);
    let roles = sso.list_account_roles().access_token(&tok.access_token).account_id("111122223333").send().await.unwrap();
    assert_eq!(roles.role_list().len(), 2);

    // Throttling errors have the right codes and are retried.
    fake.set_fault(Fault::error("sts:GetCallerIdentity", 400, "Throttling").times(1));
    fake.reset_counters();
    sts(&fake, creds.clone()).get_caller_identity().send().await.unwrap();
    assert_eq!(fake.count("sts:GetCallerIdentity"), 2);
    fake.set_fault(Fault::error("sso:GetRoleCredentials", 429, "TooManyRequestsException"));
    let e = sso
        .get_role_credentials()
        .access_token(&tok.access_token)
        .account_id("111122223333")
        .role_name("ReadOnly")
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_too_many_requests_exception());
    fake.clear_faults();

    // Expired role keys, then logout.
    fake.advance_clock(4000);
    let e = sts(&fake, creds).get_caller_identity().send().await.unwrap_err();
    assert_eq!(e.code(), Some("ExpiredToken"));
    fake.advance_clock(-4000);
    sso.logout().access_token(&tok.access_token).send().await.unwrap();
    let e = sso.list_accounts().access_token(&tok.access_token).send().await.unwrap_err();
    assert!(e.into_service_error().is_unauthorized_exception());
}

#[tokio::test]
async fn oidc_device_flow_refresh_and_pkce() {
    let fake = FakeAws::start();
    fake.merge_state(serde_json::json!({"device_flow": {"pending_polls": 1, "slow_down_on_poll": 2}})).unwrap();
    let oidc = oidc(&fake);
    let reg = oidc.register_client().client_name("sdk-test").client_type("public").scopes("sso:account:access").send().await.unwrap();
    let (id, secret) = (reg.client_id().unwrap().to_string(), reg.client_secret().unwrap().to_string());
    assert!(reg.client_secret_expires_at() > reg.client_id_issued_at());

    let dev = oidc
        .start_device_authorization()
        .client_id(&id)
        .client_secret(&secret)
        .start_url("https://my-sso-portal.awsapps.com/start")
        .send()
        .await
        .unwrap();
    assert_eq!(dev.interval(), 1);
    let poll = || {
        oidc.create_token()
            .client_id(&id)
            .client_secret(&secret)
            .grant_type("urn:ietf:params:oauth:grant-type:device_code")
            .device_code(dev.device_code().unwrap())
            .send()
    };
    let e = poll().await.unwrap_err().into_service_error();
    assert!(e.is_authorization_pending_exception(), "{e:?}");
    let e = poll().await.unwrap_err().into_service_error();
    assert!(e.is_slow_down_exception(), "{e:?}");
    let tok = poll().await.unwrap();
    assert_eq!(tok.expires_in(), 28800);
    let rt = tok.refresh_token().unwrap().to_string();

    let refreshed =
        oidc.create_token().client_id(&id).client_secret(&secret).grant_type("refresh_token").refresh_token(&rt).send().await.unwrap();
    assert_eq!(refreshed.expires_in(), 3600);
    assert_ne!(refreshed.refresh_token(), Some(rt.as_str()));
    let e = oidc
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("refresh_token")
        .refresh_token(&rt)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_grant_exception(), "{e:?}");
    let e = oidc
        .create_token()
        .client_id(&id)
        .client_secret("wrong")
        .grant_type("refresh_token")
        .refresh_token(&rt)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_client_exception(), "{e:?}");

    // Denied device flow.
    fake.merge_state(serde_json::json!({"device_flow": {"pending_polls": 0, "slow_down_on_poll": null, "outcome": "deny"}})).unwrap();
    let dev = oidc.start_device_authorization().client_id(&id).client_secret(&secret).start_url("https://x/start").send().await.unwrap();
    let e = oidc
        .create_token()
        .client_id(&id)
        .client_secret(&secret)
        .grant_type("urn:ietf:params:oauth:grant-type:device_code")
        .device_code(dev.device_code().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");

    // PKCE registration and exchange.
    let reg = oidc
        .register_client()
        .client_name("botocore-client-my-sso")
        .client_type("public")
        .scopes("sso:account:access")
        .grant_types("authorization_code")
        .grant_types("refresh_token")
        .redirect_uris("http://127.0.0.1/oauth/callback")
        .issuer_url("https://my-sso-portal.awsapps.com/start")
        .send()
        .await
        .unwrap();
    let id = reg.client_id().unwrap();
    let verifier = "a".repeat(64);
    let challenge = fake_aws::util::b64url(&fake_aws::util::sha256(verifier.as_bytes()));
    let redirect = "http://127.0.0.1:5555/oauth/callback";
    let url = format!(
        "{}/authorize?{}",
        fake.endpoint(),
        fake_aws::util::build_query(&[
            ("response_type", "code"),
            ("client_id", id),
            ("redirect_uri", redirect),
            ("state", "st"),
            ("code_challenge_method", "S256"),
            ("scopes", "sso:account:access"),
            ("code_challenge", &challenge)
        ])
    );
    let r = tokio::task::spawn_blocking(move || fake_aws::client::get(&url).unwrap()).await.unwrap();
    let loc = r.header("location").unwrap().to_string();
    let q = fake_aws::util::parse_query(loc.split_once('?').unwrap().1);
    let code = q.iter().find(|(k, _)| k == "code").unwrap().1.clone();
    let tok = oidc
        .create_token()
        .client_id(id)
        .client_secret(reg.client_secret().unwrap())
        .grant_type("authorization_code")
        .code(&code)
        .code_verifier(&verifier)
        .redirect_uri(redirect)
        .send()
        .await
        .unwrap();
    assert!(tok.refresh_token().is_some());
}

#[tokio::test]
async fn sts_assume_role_and_web_identity() {
    use aws_credential_types::provider::ProvideCredentials;
    let fake = FakeAws::start();
    let arn = "arn:aws:iam::210987654321:role/Deployer";

    let out =
        sts(&fake, static_creds()).assume_role().role_arn(arn).role_session_name("sdk-session").duration_seconds(900).send().await.unwrap();
    let c = out.credentials().unwrap();
    assert!(c.access_key_id().starts_with("ASIA"));
    let left = c.expiration().secs() - std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((895..=905).contains(&left), "{left}");
    let user = out.assumed_role_user().unwrap();
    assert_eq!(user.arn(), "arn:aws:sts::210987654321:assumed-role/Deployer/sdk-session");
    assert!(user.assumed_role_id().ends_with(":sdk-session"));
    let creds = Credentials::new(c.access_key_id(), c.secret_access_key(), Some(c.session_token().to_string()), None, "assumed");
    let me = sts(&fake, creds.clone()).get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some(user.arn()));
    assert_eq!(me.account(), Some("210987654321"));
    assert_eq!(me.user_id(), Some(user.assumed_role_id()));
    s3(&fake, creds).list_buckets().send().await.unwrap();

    // Errors parse with their codes; Throttling is retried.
    let e = sts(&fake, static_creds()).assume_role().role_arn("nope").role_session_name("s1").send().await.unwrap_err();
    assert_eq!(e.code(), Some("ValidationError"));
    let e = sts(&fake, Credentials::new("AKIDNOPE", "x", None, None, "t"))
        .assume_role()
        .role_arn(arn)
        .role_session_name("s1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidClientTokenId"));
    fake.reset_counters();
    fake.set_fault(Fault::error("sts:AssumeRole", 400, "Throttling").times(1));
    sts(&fake, static_creds()).assume_role().role_arn(arn).role_session_name("s1").send().await.unwrap();
    assert_eq!(fake.count("sts:AssumeRole"), 2);

    // aws-config's AssumeRoleProvider.
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(fake.endpoint())
        .load()
        .await;
    let provider = aws_config::sts::AssumeRoleProvider::builder(arn)
        .session_name("provider-session")
        .configure(&conf)
        .build_from_provider(static_creds())
        .await;
    let pc = provider.provide_credentials().await.unwrap();
    assert!(pc.access_key_id().starts_with("ASIA") && pc.expiry().is_some());
    let me = sts(&fake, pc).get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some("arn:aws:sts::210987654321:assumed-role/Deployer/provider-session"));

    // AssumeRoleWithWebIdentity: unsigned (a client without credentials).
    let anon = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .region(aws_sdk_sts::config::Region::new("us-east-1"))
            .endpoint_url(fake.endpoint())
            .build(),
    );
    let claims = fake_aws::util::b64url(br#"{"iss":"https://oidc.example.com","sub":"workload-1","aud":"sts.amazonaws.com"}"#);
    let jwt = format!("e30.{claims}.c2ln");
    let out = anon
        .assume_role_with_web_identity()
        .role_arn("arn:aws:iam::111122223333:role/Workload")
        .role_session_name("wi")
        .web_identity_token(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(out.subject_from_web_identity_token(), Some("workload-1"));
    assert_eq!(out.audience(), Some("sts.amazonaws.com"));
    assert_eq!(out.provider(), Some("oidc.example.com"));
    let c = out.credentials().unwrap();
    let creds = Credentials::new(c.access_key_id(), c.secret_access_key(), Some(c.session_token().to_string()), None, "web");
    let me = sts(&fake, creds).get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some("arn:aws:sts::111122223333:assumed-role/Workload/wi"));
    fake.set_fault(Fault::error("sts:AssumeRoleWithWebIdentity", 400, "InvalidIdentityToken").times(1));
    let e = anon
        .assume_role_with_web_identity()
        .role_arn("arn:aws:iam::111122223333:role/Workload")
        .role_session_name("wi")
        .web_identity_token(&jwt)
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_invalid_identity_token_exception());
    assert_eq!(fake.count("sts:AssumeRoleWithWebIdentity"), 2);
}
