//! No secret issued by the fake (access and refresh tokens, client secrets, role secret keys and
//! session tokens) appears in any log line at the most verbose level, in the Debug output of the
//! library's types, or in any error message.

mod common;

use common::*;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn no_secret_in_trace_logs_debug_output_or_errors() {
    let capture = Capture::default();
    let writer = capture.clone();
    // The most verbose logging that may ever be switched on around this library: TRACE for the
    // library, DEBUG for the SDK and HTTP stack. (aws-smithy-runtime's TRACE level dumps raw
    // requests, bearer-token header included, so it must never be enabled for users.)
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = Targets::new().with_default(LevelFilter::DEBUG).with_target("aws_tools_rustsso", LevelFilter::TRACE);
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(move || writer.clone()).with_ansi(false))
        .with(filter)
        .init();

    let (profile, session) = (unique("p"), unique("s"));
    let s = Sandbox::new(&sso_config(&profile, &session));
    let mut seen = String::new();

    // Refresh, role credentials, S3 and STS, with everything logged at TRACE.
    let token = s.issue(Some(&session), 100, true);
    let path = s.write_cli_token(&session, &token);
    let r = resolve(&profile).unwrap();
    seen.push_str(&r.to_string());
    seen.push_str(&call("s3.list_buckets", json!({"auth": {"profile": profile}})).unwrap().to_string());
    seen.push_str(&call("sts.get_caller_identity", json!({"auth": {"profile": profile}})).unwrap().to_string());
    let parsed = aws_tools_rustsso::token_cache::read_token(&path).unwrap();
    seen.push_str(&format!("{parsed:?}"));

    // Errors: rejected refresh, denied role, wrong keys, a malformed response.
    s.write_cli_token(&session, &s.issue(Some(&session), -5, true));
    s.fake.revoke_sso(fake_aws::SessionSelector { session_name: Some(session.clone()), ..Default::default() });
    let other = unique("p2");
    std::fs::write(&s.config, sso_config(&other, &session).replace("ReadOnly", "AdministratorAccess")).unwrap();
    seen.push_str(&resolve(&other).unwrap_err().1.to_string());
    seen.push_str(
        &call("s3.list_buckets", json!({"auth": {"access_key": "AKIDEXAMPLESTATIC", "secret_key": "wrong-secret-for-the-scan"}}))
            .unwrap_err()
            .1
            .to_string(),
    );
    s.fake.set_fault(fake_aws::Fault::raw_body("s3:ListBuckets", "<not-xml"));
    seen.push_str(
        &call("s3.list_buckets", json!({"auth": {"access_key": "AKIDEXAMPLESTATIC", "secret_key": "static-secret-key-example"}}))
            .unwrap_err()
            .1
            .to_string(),
    );

    let logs = String::from_utf8_lossy(&capture.0.lock().unwrap()).to_string();
    assert!(logs.lines().count() > 20, "TRACE logging captured too little to mean anything");
    let mut secrets = s.fake.issued_secrets();
    secrets.push("wrong-secret-for-the-scan".into());
    secrets.retain(|x| x.len() >= 8);
    assert!(secrets.len() >= 6, "the fake issued the secrets to look for: {}", secrets.len());
    for secret in &secrets {
        if let Some(line) = logs.lines().find(|l| l.contains(secret.as_str())) {
            let kind: String = secret.chars().take(12).collect();
            let shown: String = line.replace(secret.as_str(), "<SECRET>").chars().take(600).collect();
            panic!("a secret ({kind}...) appeared in the TRACE log: {shown}");
        }
        assert!(!seen.contains(secret.as_str()), "a secret appeared in an error message or Debug output");
    }
    println!("secrets scanned: {} over {} log lines", secrets.len(), logs.lines().count());
}
