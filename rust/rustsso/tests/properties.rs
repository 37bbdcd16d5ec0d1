//! Property tests over everything the library parses from outside: the bytes of a C ABI request,
//! config file text and token cache text. No input may panic (a panic would cross the C ABI),
//! and every request ends in a valid result or an error status with a JSON error document.

mod common;

use aws_tools_rustsso::ffi::{rsso_call, rsso_string_free};
use common::*;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::ffi::{c_char, CStr};

const CASES: u32 = 10_000;

thread_local! {
    static SANDBOX_ENV: std::cell::RefCell<serde_json::Map<String, Value>> = std::cell::RefCell::default();
}

fn use_sandbox_env(s: &Sandbox) {
    SANDBOX_ENV.with(|e| *e.borrow_mut() = s.env_pairs().into_iter().map(|(k, v)| (k, Value::String(v))).collect());
}

/// Calls the C ABI with raw bytes (cut at the first NUL, as a C caller's string would be).
/// A well-formed request without an environment gets the sandbox's, so that no operation reads
/// (or edits) the real home directory's files.
fn call_raw(bytes: &[u8]) -> (u32, Value) {
    let mut bytes = bytes.to_vec();
    if let Ok(Value::Object(mut request)) = serde_json::from_slice::<Value>(&bytes) {
        if !request.contains_key("env") {
            request.insert("env".into(), json!(SANDBOX_ENV.with(|e| e.borrow().clone())));
            bytes = Value::Object(request).to_string().into_bytes();
        }
    }
    let mut owned: Vec<u8> = bytes.iter().copied().take_while(|b| *b != 0).collect();
    owned.push(0);
    let mut out: *mut c_char = std::ptr::null_mut();
    let status = unsafe { rsso_call(0, owned.as_ptr() as *const c_char, &mut out) };
    assert!(!out.is_null());
    let text = unsafe { CStr::from_ptr(out) }.to_str().expect("responses are UTF-8").to_string();
    unsafe { rsso_string_free(out) };
    let doc: Value = serde_json::from_str(&text).expect("responses are JSON");
    (status, doc)
}

fn assert_outcome(status: u32, doc: &Value) {
    assert_ne!(status, 4, "a panic was caught: {doc}");
    if status != 0 {
        assert_eq!(doc["status"], status);
        assert!(doc["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(doc["code"].as_str().is_some());
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        "[a-z_]{1,12}".prop_map(Value::String),
        proptest::collection::vec(any::<char>(), 0..2000).prop_map(|c| Value::String(c.into_iter().collect())),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("auth".to_string()),
                    Just("profile".to_string()),
                    Just("login_id".to_string()),
                    Just("sections".to_string()),
                    Just("path".to_string()),
                    "[a-z_]{1,10}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Operations that make no network call, whatever their parameters.
const LOCAL_OPS: &[&str] = &["library.info", "config.list_profiles", "sso.login.wait", "sso.login.cancel", "config.edit", "no.such.op", ""];
/// Operations that would call AWS: given a wrong-typed `auth`, they must fail before any call.
const NETWORK_OPS: &[&str] = &[
    "s3.list_buckets",
    "sts.get_caller_identity",
    "credentials.resolve",
    "sso.list_accounts",
    "sso.list_account_roles",
    "sso.get_role_credentials",
    "sso.login.begin",
    "sso.logout.plan",
];

#[test]
fn c_abi_requests_never_panic() {
    let s = Sandbox::new("[default]\nregion = us-east-1\n");
    use_sandbox_env(&s);
    let scratch = s.home.join("scratch-config");
    let mut runner =
        proptest::test_runner::TestRunner::new(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() });
    // Random bytes, including invalid UTF-8 and NULs.
    runner
        .run(&proptest::collection::vec(any::<u8>(), 0..512), |bytes| {
            let (status, doc) = call_raw(&bytes);
            assert_outcome(status, &doc);
            Ok(())
        })
        .unwrap();
    // Well-formed requests to local operations with random parameters and timeouts.
    runner
        .run(&(proptest::sample::select(LOCAL_OPS), json_value(), proptest::option::of(0u64..5_000)), |(op, params, timeout)| {
            let mut params = params;
            if op == "config.edit" {
                // Edits only ever touch a scratch file, and never for real.
                if let Value::Object(m) = &mut params {
                    m.insert("path".into(), json!(scratch.to_string_lossy()));
                    m.insert("dry_run".into(), json!(true));
                }
            }
            let request = json!({"op": op, "params": params, "timeout_ms": timeout}).to_string();
            let (status, doc) = call_raw(request.as_bytes());
            assert_outcome(status, &doc);
            Ok(())
        })
        .unwrap();
    // Network operations with a wrong-typed auth: refused as invalid before any call.
    let calls_before = s.total_calls();
    runner
        .run(
            &(proptest::sample::select(NETWORK_OPS), json_value().prop_filter("not an object", |v| !v.is_object() && !v.is_null())),
            |(op, auth)| {
                let request = json!({"op": op, "params": {"auth": auth}}).to_string();
                let (status, doc) = call_raw(request.as_bytes());
                assert_outcome(status, &doc);
                prop_assert_eq!(status, 3, "{} {}", op, doc);
                Ok(())
            },
        )
        .unwrap();
    assert_eq!(s.total_calls(), calls_before, "no request reached the network");
    println!("C ABI cases run: {} (random bytes, local operations, invalid network requests)", 3 * CASES);
}

fn ini_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "\\[(profile |sso-session |services )?[a-z0-9 _.-]{0,12}\\]",
        "(sso_session|sso_start_url|sso_region|sso_account_id|sso_role_name|region|role_arn|source_profile|credential_process|aws_access_key_id|sso_registration_scopes|endpoint_url) ?= ?[ -~]{0,30}",
        "[#;][ -~]{0,20}",
        "  [a-z_]{1,10} = [ -~]{0,10}",
        ".{0,30}",
        Just(String::new()),
    ];
    proptest::collection::vec(line, 0..25).prop_map(|l| l.join("\n"))
}

#[test]
fn config_text_never_panics() {
    let s = Sandbox::new("");
    let file = s.home.join("random-config");
    let env = aws_tools_rustsso::env::EnvView::from_pairs(s.env_pairs());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut runner =
        proptest::test_runner::TestRunner::new(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() });
    runner
        .run(&(ini_text(), "[a-z0-9 _.-]{0,12}"), |(text, name)| {
            std::fs::write(&file, &text).unwrap();
            let source = aws_tools_rustsso::config::ProfileSource::new(Some(&file.to_string_lossy()), &env);
            if let Ok(profiles) = rt.block_on(source.load(&env)) {
                let mut names: Vec<String> = profiles.profiles().map(str::to_string).collect();
                names.push(name);
                for n in names {
                    let _ = aws_tools_rustsso::config::resolve_profile(&profiles, &n);
                    let _ = aws_tools_rustsso::config::profile_region(&profiles, &n);
                }
            }
            let edit = aws_tools_rustsso::config_edit::edit_text(&text, &[]);
            prop_assert!(edit.is_ok());
            Ok(())
        })
        .unwrap();
    println!("config text cases run: {CASES}");
}

#[test]
fn cache_text_never_panics_and_round_trips() {
    use aws_tools_rustsso::token_cache::{parse_token, serialize_token};
    let mut runner =
        proptest::test_runner::TestRunner::new(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() });
    let field = prop_oneof![".{0,30}", "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|UTC|\\+00:00|\\.[0-9]{1,6}Z)?"];
    let key = prop_oneof![
        Just("accessToken"),
        Just("expiresAt"),
        Just("refreshToken"),
        Just("clientId"),
        Just("clientSecret"),
        Just("registrationExpiresAt"),
        Just("region"),
        Just("startUrl"),
        Just("ACCESSTOKEN"),
        Just("other")
    ];
    runner
        .run(&(proptest::collection::vec((key, field), 0..10), ".{0,200}"), |(pairs, noise)| {
            let obj: serde_json::Map<String, Value> = pairs.into_iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
            for text in [Value::Object(obj).to_string(), noise] {
                if let Some(token) = parse_token(&text) {
                    let written = serialize_token(&token);
                    let again = parse_token(&written).expect("what we write, we read");
                    prop_assert_eq!(serialize_token(&again), written);
                }
            }
            Ok(())
        })
        .unwrap();
    println!("cache text cases run: {CASES}");
}

#[test]
fn written_config_values_read_back_as_given_or_are_refused() {
    use aws_tools_rustsso::config_edit::{edit_owned, Owner, SectionEdit};
    let s = Sandbox::new("");
    let file = s.home.join("written-config");
    let env = aws_tools_rustsso::env::EnvView::from_pairs(s.env_pairs());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let owner = Owner { key: "managed_by".into(), value: "sync".into() };
    let mut runner =
        proptest::test_runner::TestRunner::new(ProptestConfig { cases: CASES / 5, failure_persistence: None, ..ProptestConfig::default() });
    // Hostile role names: comment markers, every kind of space, controls, brackets, non-ASCII.
    let value = "([a-zA-Z0-9]|[#;=\\[\\] \\t]|\u{a0}|\u{2003}|\u{3000}|[\u{0}-\u{1f}]|\u{7f}|\u{85}|\u{202e}|é){0,12}";
    runner
        .run(&(value, ini_text()), |(role, existing)| {
            let edit = |role: &str| {
                vec![
                    SectionEdit {
                        header: "profile p".into(),
                        values: vec![("sso_role_name".into(), role.into()), ("managed_by".into(), "sync".into())],
                    },
                    SectionEdit {
                        header: "profile other".into(),
                        values: vec![("region".into(), "eu-west-1".into()), ("managed_by".into(), "sync".into())],
                    },
                ]
            };
            let base = format!("{existing}\n[profile p]\nsso_role_name = Old # keep\nmanaged_by = sync\n");
            let Ok(out) = edit_owned(&base, &edit(&role), &[], Some(&owner), false) else { return Ok(()) };
            prop_assert!(
                out.written.contains(&"profile other".to_string()) || base.contains("[profile other]"),
                "the other section is written"
            );
            std::fs::write(&file, &out.text).unwrap();
            let source = aws_tools_rustsso::config::ProfileSource::new(Some(&file.to_string_lossy()), &env);
            let Ok(profiles) = rt.block_on(source.load(&env)) else { return Ok(()) };
            if out.rejected.is_empty() {
                let read = profiles.get_profile("p").and_then(|p| p.get("sso_role_name")).map(str::to_string);
                prop_assert_eq!(read.as_deref(), Some(role.as_str()), "read back as written");
                let again = edit_owned(&out.text, &edit(&role), &[], Some(&owner), false).unwrap();
                prop_assert_eq!(&again.text, &out.text, "a rerun is byte-identical");
            } else {
                prop_assert!(aws_tools_rustsso::config_edit::unwritable_value(&role).is_some());
                prop_assert!(out.text.contains("sso_role_name = Old # keep"), "the refused section is left as it was");
            }
            Ok(())
        })
        .unwrap();
    println!("written config value cases run: {}", CASES / 5);
}
