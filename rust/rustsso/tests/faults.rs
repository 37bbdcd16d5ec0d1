//! Faults injected by the fake into each service the library calls (S3, STS, the SSO portal,
//! SSO-OIDC): retried server errors and throttling, slow answers against the call timeout,
//! dropped connections and malformed bodies. Every case ends in a result or an error, never a
//! panic or a hang.

mod common;

use common::*;
use fake_aws::Fault;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const STATIC: &str = r#"{"access_key":"AKIDEXAMPLESTATIC","secret_key":"static-secret-key-example"}"#;

/// One way of reaching a service: the operation's counter name and a call that needs it.
type CallResult = Result<Value, (String, Value)>;

struct Target {
    counter: &'static str,
    run: fn(&Sandbox, u64) -> CallResult,
}

fn static_auth() -> Value {
    serde_json::from_str(STATIC).unwrap()
}

fn s3(_: &Sandbox, timeout: u64) -> Result<Value, (String, Value)> {
    call_with_timeout("s3.list_buckets", json!({"auth": static_auth(), "max_attempts": 3}), timeout)
}

fn sts(_: &Sandbox, timeout: u64) -> Result<Value, (String, Value)> {
    call_with_timeout("sts.get_caller_identity", json!({"auth": static_auth(), "max_attempts": 3}), timeout)
}

/// A fresh SSO profile with a valid token: the call needs GetRoleCredentials.
fn portal(s: &Sandbox, timeout: u64) -> Result<Value, (String, Value)> {
    let (profile, session) = (unique("p"), unique("s"));
    std::fs::write(&s.config, sso_config(&profile, &session)).unwrap();
    s.write_cli_token(&session, &s.issue(Some(&session), 3600, true));
    call_with_timeout("credentials.resolve", json!({"auth": {"profile": profile}}), timeout)
}

/// A fresh SSO profile with an expired, refreshable token: the call needs CreateToken.
fn oidc(s: &Sandbox, timeout: u64) -> Result<Value, (String, Value)> {
    let (profile, session) = (unique("p"), unique("s"));
    std::fs::write(&s.config, sso_config(&profile, &session)).unwrap();
    s.write_cli_token(&session, &s.issue(Some(&session), -30, true));
    call_with_timeout("credentials.resolve", json!({"auth": {"profile": profile}}), timeout)
}

const TARGETS: [Target; 4] = [
    Target { counter: "s3:ListBuckets", run: s3 },
    Target { counter: "sts:GetCallerIdentity", run: sts },
    Target { counter: "sso:GetRoleCredentials", run: portal },
    Target { counter: "oidc:CreateToken", run: oidc },
];

fn throttle_code(counter: &str) -> (u16, &'static str) {
    match counter {
        "s3:ListBuckets" => (503, "SlowDown"),
        "sts:GetCallerIdentity" => (400, "Throttling"),
        _ => (429, "TooManyRequestsException"),
    }
}

#[test]
fn every_service_survives_every_fault() {
    let s = Sandbox::new("");
    let mut injected = 0;
    for t in &TARGETS {
        let (throttle_status, throttle) = throttle_code(t.counter);
        // Transient server errors and throttling: retried with backoff, then success.
        for (status, code) in [(500, "InternalError"), (503, "ServiceUnavailable"), (throttle_status, throttle)] {
            s.fake.clear_faults();
            s.fake.reset_counters();
            s.fake.set_fault(Fault::error(t.counter, status, code).times(2));
            injected += 2;
            let r = (t.run)(&s, 30_000);
            assert!(r.is_ok(), "{} after two {status} {code}: {r:?}", t.counter);
            assert_eq!(s.fake.count(t.counter), 3, "{}: two failures and one retry that worked", t.counter);
        }
        // A persistent error is reported clearly once the attempts are used up.
        s.fake.clear_faults();
        s.fake.reset_counters();
        s.fake.set_fault(Fault::error(t.counter, 500, "InternalError"));
        let (status, err) = (t.run)(&s, 30_000).unwrap_err();
        injected += s.fake.count(t.counter);
        assert_eq!(s.fake.count(t.counter), 3, "{}: three attempts", t.counter);
        assert!(matches!(status.as_str(), "ServiceError" | "InternalError"), "{}: {status} {err}", t.counter);
        assert!(err["message"].as_str().unwrap().contains("InternalError"), "{}: {err}", t.counter);
        // Slower than the call timeout: a timeout error within timeout + 1 s.
        s.fake.clear_faults();
        s.fake.set_fault(Fault::delay(t.counter, 5_000));
        injected += 1;
        let started = Instant::now();
        let (status, _) = (t.run)(&s, 1_000).unwrap_err();
        assert_eq!(status, "Timeout", "{}", t.counter);
        assert!(started.elapsed() < Duration::from_secs(2), "{}: {:?}", t.counter, started.elapsed());
        // Dropped connections and malformed bodies: errors, not crashes or hangs.
        let malformed = if t.counter.starts_with("s3") || t.counter.starts_with("sts") {
            ["<ListAllMyBucketsResult><Buckets><Bucket><Name>", "<<<not xml", "<GetCallerIdentityResponse/>"]
        } else {
            ["{\"roleCredentials\": {", "not json at all", "{\"unexpected\": true}"]
        };
        let mut faults = vec![Fault::drop_connection(t.counter)];
        faults.extend(malformed.iter().map(|b| Fault::raw_body(t.counter, b)));
        for fault in faults {
            s.fake.clear_faults();
            s.fake.set_fault(fault);
            injected += 1;
            let started = Instant::now();
            let r = (t.run)(&s, 20_000);
            assert!(started.elapsed() < Duration::from_secs(15), "{} took {:?}", t.counter, started.elapsed());
            if let Err((status, err)) = &r {
                assert!(!matches!(status.as_str(), "Panic" | "InternalError"), "{}: {status} {err}", t.counter);
                assert!(err["message"].as_str().unwrap().len() > 10);
            } else if t.counter != "s3:ListBuckets" && t.counter != "sts:GetCallerIdentity" {
                // A body missing fields may parse as an empty answer; for credentials it must not.
                panic!("{}: a malformed answer gave credentials: {r:?}", t.counter);
            }
        }
    }
    s.fake.clear_faults();
    println!("faults injected: {injected} across {} services", TARGETS.len());
}

#[test]
fn an_expiration_past_the_year_9999_is_an_invalid_response_not_a_panic() {
    let s = Sandbox::new("");
    for expiration in ["253402300800000", "9223372036854775807"] {
        s.fake.set_fault(Fault::raw_body(
            "sso:GetRoleCredentials",
            &format!(r#"{{"roleCredentials":{{"accessKeyId":"ASIAEXAMPLE","secretAccessKey":"c2VjcmV0","sessionToken":"dG9rZW4=","expiration":{expiration}}}}}"#),
        ));
        let (status, err) = portal(&s, 10000).expect_err("refused");
        assert_eq!(status, "ServiceError", "{err}");
        assert_eq!(err["code"], "InvalidResponse", "{err}");
        let message = err["message"].as_str().unwrap();
        assert!(message.contains("9999") && message.contains("127.0.0.1"), "names the endpoint: {message}");
    }
}
