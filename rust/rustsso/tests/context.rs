//! The library's one context: its clock is the test's (refresh window and rate limit without
//! sleeping), each request's environment is a value (never written to the process), and a call
//! never waits for another caller's environment.

mod common;

use aws_tools_rustsso::context::ManualClock;
use common::*;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn sandbox_with_clock() -> (Sandbox, ManualClock, String) {
    let (profile, session) = (unique("p"), unique("s"));
    let clock = ManualClock::new(time::OffsetDateTime::now_utc());
    let s = Sandbox::with_clock(&sso_config(&profile, &session), Arc::new(clock.clone()));
    let token = s.issue(Some(&session), 3600, true);
    s.write_cli_token(&session, &token);
    (s, clock, profile)
}

#[test]
fn the_refresh_window_follows_the_contexts_clock() {
    let (s, clock, profile) = sandbox_with_clock();
    resolve(&profile).unwrap();
    assert_eq!(s.fake.count("oidc:CreateToken:refresh_token"), 0, "a token valid for an hour is not refreshed");
    // 56 minutes later the token is within five minutes of expiry (and so are the role
    // credentials): one refresh, then the refreshed token is served.
    clock.advance(time::Duration::minutes(56));
    resolve(&profile).unwrap();
    assert_eq!(s.fake.count("oidc:CreateToken:refresh_token"), 1);
    resolve(&profile).unwrap();
    assert_eq!(s.fake.count("oidc:CreateToken:refresh_token"), 1);
}

#[test]
fn a_failed_refresh_is_retried_only_after_thirty_seconds() {
    let (s, clock, profile) = sandbox_with_clock();
    clock.advance(time::Duration::minutes(57));
    s.fake.set_fault(fake_aws::Fault::error("oidc:CreateToken", 500, "InternalServerException").times(100));
    // Still valid: the failed refresh is not an error, the old token is served.
    resolve(&profile).unwrap();
    let after_first = s.fake.count("oidc:CreateToken");
    assert!(after_first >= 1);
    clock.advance(time::Duration::seconds(10));
    resolve(&profile).unwrap();
    assert_eq!(s.fake.count("oidc:CreateToken"), after_first, "no new attempt within 30 s");
    clock.advance(time::Duration::seconds(25));
    s.fake.clear_faults();
    resolve(&profile).unwrap();
    assert!(s.fake.count("oidc:CreateToken") > after_first, "a new attempt after 30 s");
}

#[test]
fn a_valid_token_never_waits_for_another_processs_refresh() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), 180, true); // three minutes: inside the refresh window
    let path = s.write_cli_token(&session, &token);
    let (dir, key) = (path.parent().unwrap().to_path_buf(), path.file_stem().unwrap().to_string_lossy().to_string());
    // Another holder of the cross-process cache lock (a separate open file: flock and
    // LockFileEx exclude it as they would another process) keeps it for 8 s.
    let held = aws_tools_rustsso::token_cache::lock(&dir, &key, Duration::from_secs(1)).unwrap();
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(8));
        drop(held);
    });
    let started = Instant::now();
    resolve(&profile).expect("the still-valid token is served");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "the call waited {took:?} for the other refresh");
    assert_eq!(s.fake.count("oidc:CreateToken:refresh_token"), 0);
    releaser.join().unwrap();
}

/// Many threads call the C ABI, each with its own environment view, while other threads resolve
/// host names (glibc's getaddrinfo reads the environment natively) and read the environment.
/// Nothing crashes, no call sees another's view, and the process environment is never changed.
#[test]
fn environment_views_never_reach_the_process_environment() {
    use aws_tools_rustsso::ffi::{rsso_call, rsso_string_free};
    use std::ffi::{c_char, CStr, CString};
    let before: Vec<(String, String)> = std::env::vars().filter(|(k, _)| k.starts_with("AWS_")).collect();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..4)
        .map(|i| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut lookups = 0u64;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    if i % 2 == 0 {
                        let _ = std::net::ToSocketAddrs::to_socket_addrs(&("localhost", 80));
                    } else {
                        let _ = std::env::vars().count();
                    }
                    lookups += 1;
                }
                lookups
            })
        })
        .collect();
    let callers: Vec<_> = (0..8)
        .map(|t| {
            std::thread::spawn(move || {
                let home = std::env::temp_dir().join(unique("rustsso-env-view"));
                std::fs::create_dir_all(home.join(".aws")).unwrap();
                std::fs::write(home.join(".aws/config"), "[default]\nregion = us-east-1\n").unwrap();
                for i in 0..50 {
                    let region = format!("eu-test-{t}-{i}");
                    let request = json!({
                        "op": "credentials.resolve",
                        "env": {
                            "HOME": home.to_string_lossy(),
                            "USERPROFILE": home.to_string_lossy(),
                            "AWS_REGION": region,
                            "AWS_ACCESS_KEY_ID": format!("AKIDTHREAD{t}"),
                            "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
                        },
                        "params": {}
                    });
                    let request = CString::new(request.to_string()).unwrap();
                    let mut out: *mut c_char = std::ptr::null_mut();
                    let status = unsafe { rsso_call(0, request.as_ptr(), &mut out) };
                    let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_string();
                    unsafe { rsso_string_free(out) };
                    assert_eq!(status, 0, "{text}");
                    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
                    assert_eq!(doc["region"], region.as_str(), "a call saw another call's environment");
                    assert_eq!(doc["credentials"]["access_key_id"], format!("AKIDTHREAD{t}").as_str());
                }
                let _ = std::fs::remove_dir_all(&home);
            })
        })
        .collect();
    for c in callers {
        c.join().expect("a calling thread failed");
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let lookups: u64 = readers.into_iter().map(|r| r.join().unwrap()).sum();
    let after: Vec<(String, String)> = std::env::vars().filter(|(k, _)| k.starts_with("AWS_")).collect();
    assert_eq!(before, after, "the process environment changed");
    println!("calls: 400 with 8 environment views; concurrent lookups and environment reads: {lookups}");
}

/// A call with another environment view starts at once (it never waits for a busy caller) and
/// Ctrl+C (rsso_cancel) reaches it within a second.
#[cfg(feature = "test-hooks")]
#[test]
fn a_call_beside_a_busy_one_starts_at_once_and_is_cancelled_within_a_second() {
    use aws_tools_rustsso::ffi::{rsso_call, rsso_cancel, rsso_string_free};
    use std::ffi::{c_char, CString};
    let call = |id: u64, request: serde_json::Value| {
        let request = CString::new(request.to_string()).unwrap();
        let mut out: *mut c_char = std::ptr::null_mut();
        let status = unsafe { rsso_call(id, request.as_ptr(), &mut out) };
        unsafe { rsso_string_free(out) };
        status
    };
    let busy =
        std::thread::spawn(move || call(0xB051, json!({ "op": "test.sleep", "env": { "AWS_PROFILE": "one" }, "params": { "ms": 20000 } })));
    std::thread::sleep(Duration::from_millis(200));
    let canceller = std::thread::spawn(|| {
        std::thread::sleep(Duration::from_millis(300));
        let sent = Instant::now();
        while rsso_cancel(0xCA11) != 0 && sent.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        sent
    });
    let status = call(0xCA11, json!({ "op": "test.sleep", "env": { "AWS_PROFILE": "two" }, "params": { "ms": 20000 } }));
    let cancelled_at = canceller.join().unwrap();
    assert_eq!(status, 6, "Cancelled");
    assert!(cancelled_at.elapsed() < Duration::from_secs(1), "the cancel took {:?}", cancelled_at.elapsed());
    assert_eq!(rsso_cancel(0xB051), 0);
    assert_eq!(busy.join().unwrap(), 6);
}
