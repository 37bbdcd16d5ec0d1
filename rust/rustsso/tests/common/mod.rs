//! Shared by the integration tests: a sandboxed home and config pointing at an in-process fake
//! AWS, and calls through the library's JSON entry point.
#![allow(dead_code)]
// The thread-local below is const already; clippy 1.96 (the Windows check's toolchain) reports
// missing_const_for_thread_local on it anyway.
#![allow(clippy::missing_const_for_thread_local)]

use aws_tools_rustsso::context::{Clock, Context};
use fake_aws::{FakeAws, IssueTokenRequest, IssuedToken};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub const START_URL: &str = "https://test-portal.awsapps.com/start";

/// A test's own library context and environment view. Tests never change the process
/// environment: each sandbox passes its view with every request, as PowerShell does, and has
/// its own context (caches, clock), so tests run in parallel without sharing anything.
#[derive(Clone)]
pub struct Caller {
    pub ctx: Arc<Context>,
    env: Arc<Mutex<BTreeMap<String, String>>>,
}

thread_local! {
    static CURRENT: RefCell<Option<Caller>> = const { RefCell::new(None) };
}

impl Caller {
    /// Makes this the caller of the free functions ([`call`], [`resolve`]) on this thread.
    pub fn enter(&self) {
        CURRENT.with(|c| *c.borrow_mut() = Some(self.clone()));
    }

    pub fn env_pairs(&self) -> Vec<(String, String)> {
        self.env.lock().unwrap().iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Runs a request (a JSON object) with this caller's environment.
    pub fn dispatch(&self, call_id: u64, mut request: Value) -> Result<String, aws_tools_rustsso::Error> {
        if request.get("env").is_none() {
            request["env"] = json!(self.env.lock().unwrap().clone());
        }
        aws_tools_rustsso::ops::dispatch_bytes(&self.ctx, call_id, request.to_string().as_bytes())
    }
}

pub struct Sandbox {
    pub fake: FakeAws,
    pub home: PathBuf,
    pub config: PathBuf,
    pub cache_dir: PathBuf,
    pub caller: Caller,
}

static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A unique name (for files that several tests create side by side).
pub fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    format!("{prefix}-{}-{n}", std::process::id())
}

impl Sandbox {
    pub fn new(config_text: &str) -> Sandbox {
        Self::with_context(config_text, Context::new().unwrap())
    }

    /// A sandbox whose library context reads this clock.
    pub fn with_clock(config_text: &str, clock: Arc<dyn Clock>) -> Sandbox {
        Self::with_context(config_text, Context::with_clock(clock).unwrap())
    }

    /// A sandbox of its own (home, config, fake AWS) that uses another sandbox's library
    /// context, as two configurations in one PowerShell session do.
    pub fn sharing(config_text: &str, ctx: Arc<Context>) -> Sandbox {
        Self::with_context(config_text, ctx)
    }

    fn with_context(config_text: &str, ctx: Arc<Context>) -> Sandbox {
        let fake = FakeAws::start();
        let home = std::env::temp_dir().join(unique("rustsso-test-home"));
        let aws = home.join(".aws");
        std::fs::create_dir_all(&aws).unwrap();
        let config = aws.join("config");
        std::fs::write(&config, config_text).unwrap();
        std::fs::write(aws.join("credentials"), "").unwrap();
        let endpoint = fake.endpoint();
        let home_text = home.to_string_lossy().to_string();
        let mut env = BTreeMap::new();
        for (k, v) in [
            ("HOME", home_text.clone()),
            ("USERPROFILE", home_text),
            ("AWS_CONFIG_FILE", config.to_string_lossy().to_string()),
            ("AWS_SHARED_CREDENTIALS_FILE", aws.join("credentials").to_string_lossy().to_string()),
            ("AWS_ENDPOINT_URL", endpoint),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
        ] {
            env.insert(k.to_string(), v);
        }
        let caller = Caller { ctx, env: Arc::new(Mutex::new(env)) };
        caller.enter();
        Sandbox { fake, cache_dir: aws.join("sso").join("cache"), home, config, caller }
    }

    /// Changes the sandbox's environment view (never the process environment).
    pub fn set_env(&self, key: &str, value: Option<&str>) {
        let mut env = self.caller.env.lock().unwrap();
        match value {
            Some(v) => env.insert(key.to_string(), v.to_string()),
            None => env.remove(key),
        };
    }

    pub fn env_pairs(&self) -> Vec<(String, String)> {
        self.caller.env_pairs()
    }

    /// Issues a login at the fake and returns its token.
    pub fn issue(&self, session: Option<&str>, expires_in: i64, with_refresh: bool) -> IssuedToken {
        self.fake.issue_sso_token(IssueTokenRequest {
            start_url: START_URL.into(),
            region: "us-east-1".into(),
            session_name: session.map(str::to_string),
            expires_in: Some(expires_in),
            scopes: vec!["sso:account:access".into()],
            with_refresh,
            registration_expires_in: None,
        })
    }

    pub fn token_path(&self, key_source: &str) -> PathBuf {
        self.cache_dir.join(format!("{}.json", sha1_hex(key_source)))
    }

    /// Writes a cache file as the AWS CLI would.
    pub fn write_cli_token(&self, key_source: &str, token: &IssuedToken) -> PathBuf {
        let mut map = serde_json::Map::new();
        map.insert("startUrl".into(), json!(token.start_url));
        map.insert("region".into(), json!(token.region));
        map.insert("accessToken".into(), json!(token.access_token));
        map.insert("expiresAt".into(), json!(token.expires_at));
        map.insert("clientId".into(), json!(token.client_id));
        map.insert("clientSecret".into(), json!(token.client_secret));
        map.insert("registrationExpiresAt".into(), json!(token.registration_expires_at));
        if let Some(rt) = &token.refresh_token {
            map.insert("refreshToken".into(), json!(rt));
        }
        self.write_raw(key_source, &Value::Object(map).to_string())
    }

    pub fn write_raw(&self, key_source: &str, text: &str) -> PathBuf {
        std::fs::create_dir_all(&self.cache_dir).unwrap();
        let path = self.token_path(key_source);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn total_calls(&self) -> u64 {
        self.fake.counters().iter().filter(|(k, _)| !k.contains(':') || k.matches(':').count() == 1).map(|(_, v)| *v).sum()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        CURRENT.with(|c| *c.borrow_mut() = None);
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

pub fn sha1_hex(s: &str) -> String {
    use sha1::{Digest, Sha1};
    hex::encode(Sha1::digest(s.as_bytes()))
}

/// An sso-session profile and its session.
pub fn sso_config(profile: &str, session: &str) -> String {
    format!(
        "[profile {profile}]\nsso_session = {session}\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = eu-west-1\n\n[sso-session {session}]\nsso_region = us-east-1\nsso_start_url = {START_URL}\nsso_registration_scopes = sso:account:access\n"
    )
}

/// Calls the library's JSON entry point as this thread's sandbox; Ok(result) or Err((status
/// name, error document)).
pub fn call(op: &str, params: Value) -> Result<Value, (String, Value)> {
    call_with_timeout(op, params, 30000)
}

/// Like [`call`], with a request timeout.
pub fn call_with_timeout(op: &str, params: Value, timeout_ms: u64) -> Result<Value, (String, Value)> {
    let caller = CURRENT.with(|c| c.borrow().clone()).expect("a Sandbox on this thread (or Caller::enter)");
    let request = json!({ "op": op, "params": params, "timeout_ms": timeout_ms });
    match caller.dispatch(0, request) {
        Ok(text) => Ok(serde_json::from_str(&text).unwrap()),
        Err(e) => Err((e.status.name().to_string(), serde_json::from_str(&e.to_json()).unwrap())),
    }
}

pub fn resolve(profile: &str) -> Result<Value, (String, Value)> {
    call("credentials.resolve", json!({ "auth": { "profile": profile } }))
}

pub fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The first python on PATH that can import botocore (a system python may come first).
pub fn python_with_botocore() -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["python3", "python3.exe", "python.exe"] {
            let candidate = dir.join(name);
            if candidate.is_file()
                && std::process::Command::new(&candidate)
                    .args(["-c", "import botocore, boto3"])
                    .output()
                    .map(|o| o.status.success())
                    .unwrap_or(false)
            {
                return candidate;
            }
        }
    }
    panic!("no python with botocore and boto3 on PATH (pip install boto3)");
}

/// The environment view of this thread's sandbox, for child processes (python, the CLI).
pub fn sandbox_env() -> Vec<(String, String)> {
    CURRENT.with(|c| c.borrow().as_ref().map(Caller::env_pairs).unwrap_or_default())
}
