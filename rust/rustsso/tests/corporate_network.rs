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
    let (status, err) = call("sts.get_caller_identity", json!({"auth": {"profile": "dev"}, "max_attempts": 3})).expect_err("not trusted");
    let message = err["message"].as_str().unwrap();
    assert_eq!(err["code"], "CertificateNotTrusted", "{status}: {message}");
    assert_eq!(err["category"], "SecurityError");
    assert!(message.contains("portal.sso.us-east-1.amazonaws.com") && message.contains("AWS_CA_BUNDLE"), "{message}");
    assert_eq!(proxy.connects().len(), 1, "a certificate failure is not retried: {:?}", proxy.connects());
}

#[test]
fn no_proxy_bypasses_and_proxy_credentials_are_sent_and_never_shown() {
    let (s, proxy, ca) =
        behind_proxy(ProxyOptions { mode: ProxyMode::Intercept, credentials: Some(("corp@user".into(), "pr0xy:s3cret/#".into())) });
    s.set_env("AWS_CA_BUNDLE", Some(&ca.to_string_lossy()));
    // Reserved characters in both, percent-encoded in the URL as they must be.
    let with_user = proxy.url().replace("http://", "http://corp%40user:pr0xy%3As3cret%2F%23@");
    s.set_env("HTTPS_PROXY", Some(&with_user));
    call("sts.get_caller_identity", json!({"auth": {"profile": "dev"}})).expect("authenticated at the proxy");
    assert!(proxy.connects().iter().all(|c| c.authorized && c.status == 200), "{:?}", proxy.connects());
    // Wrong credentials: a 407, named as the proxy, without the credentials.
    s.set_env("HTTPS_PROXY", Some(&proxy.url().replace("http://", "http://corp%40user:wrong-pass@")));
    s.caller.ctx.forget_configurations();
    let (_, err) = call(
        "s3.list_buckets",
        json!({"auth": {"access_key": "AKIDEXAMPLESTATIC", "secret_key": "static-secret-key-example"}, "max_attempts": 1}),
    )
    .expect_err("refused by the proxy");
    let message = err["message"].as_str().unwrap();
    assert!(!message.contains("wrong-pass") && !message.contains("s3cret"), "{message}");
    assert!(message.contains(&proxy.addr().to_string()), "names the proxy: {message}");
    // NO_PROXY: nothing goes to the proxy for those hosts.
    let before = proxy.connects().len();
    s.set_env("NO_PROXY", Some("amazonaws.com"));
    let _ = call_with_timeout("sts.get_caller_identity", json!({"auth": {"profile": "dev"}, "max_attempts": 1}), 15000);
    assert_eq!(proxy.connects().len(), before, "bypassed");
}

#[test]
fn a_device_code_login_works_through_the_proxy_on_the_real_oidc_host() {
    let (s, proxy, ca) = behind_proxy(intercept());
    s.set_env("HTTPS_PROXY", Some(&proxy.url()));
    s.set_env("AWS_CA_BUNDLE", Some(&ca.to_string_lossy()));
    let begun = call("sso.login.begin", json!({"auth": {"profile": "dev"}, "use_device_code": true, "no_browser": true, "force": true}))
        .expect("the login starts through the proxy");
    let login_id = begun["login_id"].as_u64().unwrap_or_else(|| panic!("a login id: {begun}"));
    let code = begun["user_code"].as_str().unwrap_or_else(|| panic!("a user code: {begun}")).to_string();
    assert!(s.fake.decide_device(&code, true), "the fake knows the code");
    let mut last = json!(null);
    for _ in 0..40 {
        last = call("sso.login.wait", json!({"login_id": login_id, "wait_ms": 500})).expect("waits");
        if last["state"] != "pending" {
            break;
        }
    }
    assert_ne!(last["state"], "pending", "the login ended: {last}");
    assert!(last["expires_at"].as_str().is_some(), "{last}");
    let hosts = proxy.hosts();
    assert!(hosts.iter().any(|h| h == "oidc.us-east-1.amazonaws.com"), "{hosts:?}");
    let written = read(&s.token_path("corp"));
    assert!(written["refreshToken"].as_str().is_some(), "{written}");
}

/// tinyproxy (Debian's package) in front, with the fake's intercepting proxy as its upstream:
/// the library speaks to a real proxy implementation, on the real host names.
#[test]
fn a_real_tinyproxy_carries_the_calls_with_basic_authentication() {
    if cfg!(windows) {
        println!("skipped: tinyproxy is a Linux program (the Windows build runs this test under Wine, where it cannot start)");
        return;
    }
    let Some(tinyproxy) = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"].into_iter().map(std::path::PathBuf::from).find(|p| p.is_file())
    else {
        println!("skipped: tinyproxy is not installed (./build.sh installs it on Debian and Ubuntu: apt-get install tinyproxy)");
        return;
    };
    let (s, upstream, ca) = behind_proxy(intercept());
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = s.home.join("tinyproxy");
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("tinyproxy.log");
    let conf = dir.join("tinyproxy.conf");
    std::fs::write(
        &conf,
        format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nLogFile \"{}\"\nLogLevel Connect\nMaxClients 20\nAllow 127.0.0.1\nConnectPort 443\nDisableViaHeader Yes\nBasicAuth corp-user tiny-Pa55\nUpstream http {}\n",
            log.display(),
            upstream.addr()
        ),
    )
    .unwrap();
    let mut child = std::process::Command::new(&tinyproxy)
        .arg("-d")
        .arg("-c")
        .arg(&conf)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("tinyproxy starts");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    s.set_env("AWS_CA_BUNDLE", Some(&ca.to_string_lossy()));
    s.set_env("HTTPS_PROXY", Some(&format!("http://corp-user:tiny-Pa55@127.0.0.1:{port}")));
    let ok = call("sts.get_caller_identity", json!({"auth": {"profile": "dev"}}));
    s.set_env("HTTPS_PROXY", Some(&format!("http://corp-user:wrong@127.0.0.1:{port}")));
    s.caller.ctx.forget_configurations();
    let refused = call(
        "s3.list_buckets",
        json!({"auth": {"access_key": "AKIDEXAMPLESTATIC", "secret_key": "static-secret-key-example"}, "max_attempts": 1}),
    );
    let _ = child.kill();
    let _ = child.wait();
    let who = ok.expect("through tinyproxy");
    assert_eq!(who["result"]["account"], "111122223333", "{who}");
    let hosts = upstream.hosts();
    assert!(hosts.iter().any(|h| h == "sts.eu-west-1.amazonaws.com"), "tinyproxy passed the real host name on: {hosts:?}");
    let (_, err) = refused.expect_err("wrong proxy credentials are refused");
    assert_eq!(err["code"], "ProxyError", "{err}");
    assert!(!err["message"].as_str().unwrap().contains("wrong"), "{err}");
}

#[test]
fn a_pkce_login_exchanges_its_code_through_the_proxy_on_the_real_oidc_host() {
    let (s, proxy, ca) = behind_proxy(intercept());
    s.set_env("HTTPS_PROXY", Some(&proxy.url()));
    s.set_env("AWS_CA_BUNDLE", Some(&ca.to_string_lossy()));
    let begun = call("sso.login.begin", json!({"auth": {"profile": "dev"}, "no_browser": true, "force": true})).expect("the login starts");
    let login_id = begun["login_id"].as_u64().unwrap_or_else(|| panic!("a login id: {begun}"));
    let url = begun["url"].as_str().unwrap_or_else(|| panic!("an authorization URL: {begun}"));
    assert!(url.starts_with("https://oidc.us-east-1.amazonaws.com/authorize?"), "{url}");
    // The user's browser: the authorization page (served by the fake in place of the real host),
    // then its redirect to the module's loopback listener.
    let visited = fake_aws::control::browse(&url.replace("https://oidc.us-east-1.amazonaws.com", &s.fake.endpoint()));
    assert_eq!(visited["ok"], true, "{visited}");
    let mut last = json!(null);
    for _ in 0..40 {
        last = call("sso.login.wait", json!({"login_id": login_id, "wait_ms": 500})).expect("waits");
        if last["state"] != "pending" {
            break;
        }
    }
    assert_eq!(last["state"], "complete", "{last}");
    assert!(proxy.hosts().iter().any(|h| h == "oidc.us-east-1.amazonaws.com"), "registration and code exchange went through the proxy");
    assert!(s.fake.count("oidc:CreateToken:authorization_code") >= 1);
}
