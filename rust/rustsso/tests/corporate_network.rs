//! Corporate networks: the commands on the real AWS host names (no endpoint overrides at all),
//! through a proxy that inspects TLS with its own CA, as many companies' proxies do. The
//! proxy and trust settings come from the call's environment view only.

mod common;

use common::*;
use fake_aws::{FakeProxy, ProxyMode, ProxyOptions};
use serde_json::json;

/// A sandbox without endpoint overrides, behind an intercepting proxy, its CA in a file.
fn behind_proxy(options: ProxyOptions) -> (Sandbox, FakeProxy, std::path::PathBuf) {
    let s = Sandbox::new(&sso_config("dev", "corp"));
    s.set_env("AWS_ENDPOINT_URL", None);
    let proxy = FakeProxy::start(s.fake.addr(), options).expect("the proxy starts");
    let ca = s.home.join("corp-ca.pem");
    std::fs::write(&ca, proxy.ca_pem()).unwrap();
    s.write_cli_token("corp", &s.issue(Some("corp"), 3600, true));
    (s, proxy, ca)
}

fn intercept() -> ProxyOptions {
    ProxyOptions { mode: ProxyMode::Intercept, credentials: None }
}

#[test]
fn the_real_host_names_work_through_an_intercepting_proxy_with_aws_ca_bundle() {
    let (s, proxy, ca) = behind_proxy(intercept());
    s.set_env("HTTPS_PROXY", Some(&proxy.url()));
    s.set_env("AWS_CA_BUNDLE", Some(&ca.to_string_lossy()));
    let buckets = call("s3.list_buckets", json!({"auth": {"profile": "dev"}})).expect("S3 through the proxy");
    assert!(buckets["result"]["buckets"].as_array().is_some(), "{buckets}");
    call("sts.get_caller_identity", json!({"auth": {"profile": "dev"}})).expect("STS through the proxy");
    let hosts = proxy.hosts();
    for host in ["portal.sso.us-east-1.amazonaws.com", "s3.eu-west-1.amazonaws.com", "sts.eu-west-1.amazonaws.com"] {
        assert!(hosts.iter().any(|h| h == host), "{host} was asked for: {hosts:?}");
    }
    assert_eq!(s.fake.count("sso:GetRoleCredentials"), 1);
}

#[test]
fn the_profiles_ca_bundle_is_trusted_too() {
    let (s, proxy, ca) = behind_proxy(intercept());
    std::fs::write(
        &s.config,
        sso_config("dev", "corp").replace("region = eu-west-1\n", &format!("region = eu-west-1\nca_bundle = {}\n", ca.display())),
    )
    .unwrap();
    s.set_env("HTTPS_PROXY", Some(&proxy.url()));
    call("sts.get_caller_identity", json!({"auth": {"profile": "dev"}})).expect("trusted through ca_bundle");
}

#[test]
fn an_untrusted_certificate_names_the_host_and_how_to_trust_a_private_ca() {
    let (s, proxy, _) = behind_proxy(intercept());
    s.set_env("HTTPS_PROXY", Some(&proxy.url()));
    let (status, err) = call("sts.get_caller_identity", json!({"auth": {"profile": "dev"}, "max_attempts": 1})).expect_err("not trusted");
    let message = err["message"].as_str().unwrap();
    assert_eq!(err["code"], "CertificateNotTrusted", "{status}: {message}");
    assert_eq!(err["category"], "SecurityError");
    assert!(message.contains("portal.sso.us-east-1.amazonaws.com") && message.contains("AWS_CA_BUNDLE"), "{message}");
}

#[test]
fn no_proxy_bypasses_and_proxy_credentials_are_sent_and_never_shown() {
    let (s, proxy, ca) =
        behind_proxy(ProxyOptions { mode: ProxyMode::Intercept, credentials: Some(("corp-user".into(), "pr0xy-s3cret".into())) });
    s.set_env("AWS_CA_BUNDLE", Some(&ca.to_string_lossy()));
    let with_user = proxy.url().replace("http://", "http://corp-user:pr0xy-s3cret@");
    s.set_env("HTTPS_PROXY", Some(&with_user));
    call("sts.get_caller_identity", json!({"auth": {"profile": "dev"}})).expect("authenticated at the proxy");
    assert!(proxy.connects().iter().all(|c| c.authorized && c.status == 200), "{:?}", proxy.connects());
    // Wrong credentials: a 407, named as the proxy, without the credentials.
    s.set_env("HTTPS_PROXY", Some(&proxy.url().replace("http://", "http://corp-user:wrong-pass@")));
    s.caller.ctx.forget_configurations();
    let (_, err) = call(
        "s3.list_buckets",
        json!({"auth": {"access_key": "AKIDEXAMPLESTATIC", "secret_key": "static-secret-key-example"}, "max_attempts": 1}),
    )
    .expect_err("refused by the proxy");
    let message = err["message"].as_str().unwrap();
    assert!(!message.contains("wrong-pass") && !message.contains("pr0xy-s3cret"), "{message}");
    assert!(message.contains(&proxy.addr().to_string()), "names the proxy: {message}");
    // NO_PROXY: nothing goes to the proxy for those hosts.
    let before = proxy.connects().len();
    s.set_env("NO_PROXY", Some("amazonaws.com"));
    let _ = call_with_timeout("sts.get_caller_identity", json!({"auth": {"profile": "dev"}, "max_attempts": 1}), 15000);
    assert_eq!(proxy.connects().len(), before, "bypassed");
}
