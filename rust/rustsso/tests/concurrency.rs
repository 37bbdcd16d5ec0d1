//! Many callers at once: threads in one process share one refresh and one GetRoleCredentials;
//! 32 processes racing on one expiring token all succeed, the cache file is valid JSON whenever it
//! is read, and CreateToken is called at most twice.

mod common;

use common::*;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

const CHILD_ENV: &str = "RSSO_TEST_CHILD_PROFILE";

#[test]
fn thirty_two_threads_make_one_refresh_and_one_role_call() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), 90, true);
    s.write_cli_token(&session, &token);
    let barrier = Arc::new(std::sync::Barrier::new(32));
    let handles: Vec<_> = (0..32)
        .map(|_| {
            let (barrier, profile, caller) = (barrier.clone(), profile.clone(), s.caller.clone());
            std::thread::spawn(move || {
                caller.enter();
                barrier.wait();
                resolve(&profile).map(|r| r["credentials"]["access_key_id"].as_str().unwrap().to_string())
            })
        })
        .collect();
    let keys: Vec<String> = handles.into_iter().map(|h| h.join().unwrap().expect("every thread resolves")).collect();
    assert!(keys.iter().all(|k| k == &keys[0]), "all threads share one set of role credentials");
    assert_eq!(s.fake.count("oidc:CreateToken:refresh_token"), 1, "{:?}", s.fake.counters());
    assert_eq!(s.fake.count("sso:GetRoleCredentials"), 1);
    println!("threads raced: 32; CreateToken calls: 1; GetRoleCredentials calls: 1");
}

/// The body of each racing process (does nothing unless started by the race test).
#[test]
fn child_process_resolves() {
    let Ok(profile) = std::env::var(CHILD_ENV) else { return };
    match resolve_in_child(&profile) {
        Ok(()) => println!("CHILD-RESOLVED"),
        Err(e) => println!("CHILD-FAILED {e}"),
    }
}

fn resolve_in_child(profile: &str) -> Result<(), String> {
    let request = serde_json::json!({"op": "credentials.resolve", "params": {"auth": {"profile": profile}}}).to_string();
    // A process of its own: the process's environment (set by the parent) and a fresh context.
    let ctx = aws_tools_rustsso::context::Context::new().map_err(|e| e.to_string())?;
    aws_tools_rustsso::ops::dispatch_bytes(&ctx, 0, request.as_bytes()).map(|_| ()).map_err(|e| e.to_string())
}

#[test]
fn thirty_two_processes_race_on_an_expiring_token() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), 60, true);
    let path = s.write_cli_token(&session, &token);

    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let watcher = {
        let (stop, reads, path) = (stop.clone(), reads.clone(), path.clone());
        std::thread::spawn(move || -> Result<(), String> {
            while !stop.load(Ordering::SeqCst) {
                let text = std::fs::read_to_string(&path).map_err(|e| format!("cache file missing during the race: {e}"))?;
                serde_json::from_str::<serde_json::Value>(&text)
                    .map_err(|e| format!("cache file not JSON during the race: {e}: {text:?}"))?;
                reads.fetch_add(1, Ordering::SeqCst);
            }
            Ok(())
        })
    };
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..32)
        .map(|_| {
            Command::new(&exe)
                .args(["--exact", "child_process_resolves", "--nocapture", "--test-threads", "1"])
                .env(CHILD_ENV, &profile)
                .envs(s.env_pairs())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    stop.store(true, Ordering::SeqCst);
    watcher.join().unwrap().expect("the cache file parsed at every read");
    for out in &outputs {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("CHILD-RESOLVED"), "a process failed: {text} {}", String::from_utf8_lossy(&out.stderr));
    }
    let refreshes = s.fake.count("oidc:CreateToken:refresh_token");
    assert!((1..=2).contains(&refreshes), "CreateToken calls: {refreshes}");
    println!("processes raced: 32; CreateToken calls: {refreshes}; cache reads by the watcher: {}", reads.load(Ordering::SeqCst));
}

/// The body of the writer that gets killed (does nothing unless started by the kill test).
#[test]
fn child_writes_forever() {
    let Ok(path) = std::env::var("RSSO_TEST_CHILD_WRITER") else { return };
    let path = std::path::PathBuf::from(path);
    let base = aws_tools_rustsso::token_cache::read_token(&path).expect("a token to rewrite");
    for i in 0u64.. {
        let mut t = base.clone();
        // Large values make each write long enough to be interrupted.
        t.access_token = aws_tools_rustsso::secret::SecretString::new(format!("{i}-{}", "x".repeat(512 * 1024)));
        aws_tools_rustsso::token_cache::write_token(&path, &t).unwrap();
    }
}

#[test]
fn a_writer_killed_mid_write_leaves_a_whole_file() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let path = s.write_cli_token(&session, &s.issue(Some(&session), 3600, true));
    let exe = std::env::current_exe().unwrap();
    for round in 0..10u64 {
        let mut child = Command::new(&exe)
            .args(["--exact", "child_writes_forever", "--nocapture", "--test-threads", "1"])
            .env("RSSO_TEST_CHILD_WRITER", &path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(150 + 37 * round));
        child.kill().unwrap();
        child.wait().unwrap();
        let token = aws_tools_rustsso::token_cache::read_token(&path).expect("the file is a whole token after the kill");
        assert!(token.access_token.expose().len() > 10);
    }
    println!("writers killed mid-write: 10; the token file was whole every time");
}
