//! A refresh whose write-back fails keeps the new token for the session and warns. Alone in its
//! test binary: it limits the size of files this process may write (which also holds for root,
//! unlike a read-only folder), so no other test may write at the same time.

#[cfg(unix)]
mod common;

#[cfg(unix)]
use common::*;
#[cfg(unix)]
use serde_json::json;

#[cfg(unix)]
#[test]
fn a_refresh_whose_write_back_fails_keeps_the_new_token_and_warns() {
    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let token = s.issue(Some(&session), 60, true);
    let path = s.write_cli_token(&session, &token);
    let before = std::fs::read(&path).unwrap();
    let limit = |bytes: libc::rlim_t| {
        let l = libc::rlimit { rlim_cur: bytes, rlim_max: libc::RLIM_INFINITY };
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_FSIZE, &l) }, 0);
    };
    // SAFETY: a plain signal disposition; writes past the limit then fail with EFBIG.
    unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
    limit(64);
    let first = s.caller.dispatch(0, json!({ "op": "credentials.resolve", "params": { "auth": { "profile": profile } } }));
    limit(libc::RLIM_INFINITY);
    let doc: serde_json::Value = serde_json::from_str(&first.expect("the refreshed token is used")).unwrap();
    let warning = doc["meta"]["warnings"][0].as_str().unwrap_or_else(|| panic!("a warning: {doc}"));
    assert!(warning.contains(&path.to_string_lossy().to_string()), "{warning}");
    assert!(!warning.contains(&token.access_token), "no secret in the warning");
    assert_eq!(std::fs::read(&path).unwrap(), before, "the cache file is unchanged");
    let reported = doc["result"]["token_expires_at"].as_str().unwrap_or_else(|| panic!("an expiry: {doc}"));
    assert!(
        reported > token.expires_at.as_str(),
        "the new token's expiry is reported ({reported}), not the old one's ({})",
        token.expires_at
    );
    assert_eq!(s.fake.count("oidc:CreateToken:refresh_token"), 1);
    // The next commands of the session use the token kept in memory: no second refresh.
    s.caller.dispatch(0, json!({ "op": "sso.list_accounts", "params": { "auth": { "profile": profile } } })).unwrap();
    // -Debug's "token valid until" of a service call names the new token's expiry too.
    let listed: serde_json::Value = serde_json::from_str(
        &s.caller.dispatch(0, json!({ "op": "s3.list_buckets", "params": { "auth": { "profile": profile } } })).unwrap(),
    )
    .unwrap();
    assert_eq!(listed["meta"]["token_expires_at"].as_str(), Some(reported), "{listed}");
    resolve(&profile).unwrap();
    assert_eq!(s.fake.count("oidc:CreateToken:refresh_token"), 1);
}
