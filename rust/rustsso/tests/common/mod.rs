//! Shared by the integration tests: a sandboxed home and config pointing at an in-process fake
//! AWS, and calls through the library's JSON entry point.
#![allow(dead_code)]

use fake_aws::{FakeAws, IssueTokenRequest, IssuedToken};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Tests change process-wide environment variables: one test at a time.
static ENV_LOCK: Mutex<()> = Mutex::new(());

pub const START_URL: &str = "https://test-portal.awsapps.com/start";

pub struct Sandbox {
    pub fake: FakeAws,
    pub home: PathBuf,
    pub config: PathBuf,
    pub cache_dir: PathBuf,
    saved: Vec<(String, Option<String>)>,
    _guard: MutexGuard<'static, ()>,
}

static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A unique name, so the process-wide caches of one test never serve another.
pub fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    format!("{prefix}-{}-{n}", std::process::id())
}

impl Sandbox {
    pub fn new(config_text: &str) -> Sandbox {
        let guard = ENV_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let fake = FakeAws::start();
        let home = std::env::temp_dir().join(unique("rustsso-test-home"));
        let aws = home.join(".aws");
        std::fs::create_dir_all(&aws).unwrap();
        let config = aws.join("config");
        std::fs::write(&config, config_text).unwrap();
        std::fs::write(aws.join("credentials"), "").unwrap();
        let mut sandbox = Sandbox {
            fake,
            cache_dir: aws.join("sso").join("cache"),
            home,
            config,
            saved: Vec::new(),
            _guard: guard,
        };
        let endpoint = sandbox.fake.endpoint();
        let home_text = sandbox.home.to_string_lossy().to_string();
        let config_text = sandbox.config.to_string_lossy().to_string();
        let creds_text = aws.join("credentials").to_string_lossy().to_string();
        for (k, v) in [
            ("HOME", Some(home_text.as_str())),
            ("USERPROFILE", Some(home_text.as_str())),
            ("AWS_CONFIG_FILE", Some(config_text.as_str())),
            ("AWS_SHARED_CREDENTIALS_FILE", Some(creds_text.as_str())),
            ("AWS_ENDPOINT_URL", Some(endpoint.as_str())),
            ("AWS_EC2_METADATA_DISABLED", Some("true")),
            ("AWS_PROFILE", None),
            ("AWS_DEFAULT_PROFILE", None),
            ("AWS_REGION", None),
            ("AWS_DEFAULT_REGION", None),
            ("AWS_ACCESS_KEY_ID", None),
            ("AWS_SECRET_ACCESS_KEY", None),
            ("AWS_SESSION_TOKEN", None),
            ("AWS_ENDPOINT_URL_SSO", None),
            ("AWS_ENDPOINT_URL_SSO_OIDC", None),
            ("AWS_ENDPOINT_URL_S3", None),
            ("AWS_ENDPOINT_URL_STS", None),
        ] {
            sandbox.set_env(k, v);
        }
        sandbox
    }

    pub fn set_env(&mut self, key: &str, value: Option<&str>) {
        if !self.saved.iter().any(|(k, _)| k == key) {
            self.saved.push((key.to_string(), std::env::var(key).ok()));
        }
        // SAFETY: tests that touch the environment hold ENV_LOCK.
        unsafe {
            match value {
                Some(v) => std::env::set_var(key, v),
                None => std::env::remove_var(key),
            }
        }
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
        for (k, v) in self.saved.drain(..).rev() {
            unsafe {
                match v {
                    Some(v) => std::env::set_var(&k, v),
                    None => std::env::remove_var(&k),
                }
            }
        }
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

/// Calls the library's JSON entry point; Ok(result) or Err((status name, error document)).
pub fn call(op: &str, params: Value) -> Result<Value, (String, Value)> {
    let request = json!({ "op": op, "params": params, "timeout_ms": 30000 }).to_string();
    match aws_tools_rustsso::ops::dispatch_bytes(0, request.as_bytes()) {
        Ok(text) => Ok(serde_json::from_str(&text).unwrap()),
        Err(e) => {
            let doc: Value = serde_json::from_str(&e.to_json()).unwrap();
            Err((e.status.name().to_string(), doc))
        }
    }
}

/// Like [`call`], with a request timeout.
pub fn call_with_timeout(op: &str, params: Value, timeout_ms: u64) -> Result<Value, (String, Value)> {
    let request = json!({ "op": op, "params": params, "timeout_ms": timeout_ms }).to_string();
    match aws_tools_rustsso::ops::dispatch_bytes(0, request.as_bytes()) {
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
