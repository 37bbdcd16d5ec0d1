//! The operations reachable through `rsso_call`, by name, with their JSON parameters.

use crate::error::{Error, Result, Status};
use crate::runtime::block_on_call;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Every operation name the library accepts.
pub const OPERATIONS: &[&str] = &[
    "config.edit",
    "config.list_profiles",
    "credentials.resolve",
    "library.info",
    "s3.list_buckets",
    "sso.login.begin",
    "sso.login.cancel",
    "sso.login.wait",
    "sso.logout.apply",
    "sso.logout.plan",
    "sso.get_role_credentials",
    "sso.list_account_roles",
    "sso.list_accounts",
    "sts.get_caller_identity",
    "test.panic",
    "test.sleep",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    op: String,
    timeout_ms: Option<u64>,
    /// The caller's view of the environment (every `AWS_*` variable, HOME, USERPROFILE): see
    /// [`sync_environment`].
    env: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    params: serde_json::Value,
}

/// Parses a request and runs it; returns the result as JSON.
pub fn dispatch_bytes(call_id: u64, bytes: &[u8]) -> Result<String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::new(Status::InvalidUtf8, format!("The request is not valid UTF-8 (at byte {}).", e.valid_up_to()))
    })?;
    let request: Request = serde_json::from_str(text).map_err(|e| json_error("request", &e))?;
    if let Some(env) = &request.env {
        sync_environment(env)?;
    }
    let _running = CALLS.read().unwrap_or_else(|p| p.into_inner());
    let timeout = request.timeout_ms.filter(|t| *t > 0).map(Duration::from_millis);
    let params = request.params;
    match request.op.as_str() {
        "library.info" => to_json(&serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "abi_version": crate::ffi::RSSO_ABI_VERSION,
            "operations": OPERATIONS,
        })),
        "s3.list_buckets" => op(call_id, timeout, params, crate::s3::list_buckets_page),
        "config.edit" => to_json(&crate::config_edit::edit(parse(params)?)?),
        "config.list_profiles" => op(call_id, timeout, params, crate::profiles::list),
        "credentials.resolve" => op(call_id, timeout, params, crate::credentials::resolve_credentials),
        "sso.login.begin" => op(call_id, timeout, params, crate::login::begin),
        "sso.login.wait" => op(call_id, timeout, params, crate::login::wait),
        "sso.login.cancel" => {
            #[derive(Deserialize)]
            struct Cancel {
                login_id: u64,
            }
            let p: Cancel = parse(params)?;
            to_json(&serde_json::json!({ "cancelled": crate::login::cancel(p.login_id) }))
        }
        "sso.logout.plan" => op(call_id, timeout, params, crate::logout::plan),
        "sso.logout.apply" => op(call_id, timeout, params, crate::logout::apply),
        "sso.list_accounts" => op(call_id, timeout, params, crate::portal::list_accounts),
        "sso.list_account_roles" => op(call_id, timeout, params, crate::portal::list_account_roles),
        "sso.get_role_credentials" => op(call_id, timeout, params, crate::portal::get_role_credentials),
        "sts.get_caller_identity" => op(call_id, timeout, params, crate::sts::get_caller_identity),
        "test.panic" => panic!("panic requested by test.panic"),
        "test.sleep" => {
            #[derive(Deserialize)]
            struct Sleep {
                ms: u64,
            }
            let p: Sleep = parse(params)?;
            run(call_id, timeout, async move {
                tokio::time::sleep(Duration::from_millis(p.ms)).await;
                Ok(serde_json::json!({ "slept_ms": p.ms }))
            })
        }
        other => Err(Error::invalid_request(format!(
            "Unknown operation '{}'. Known operations: {}.",
            other.chars().take(64).collect::<String>(),
            OPERATIONS.join(", ")
        ))),
    }
}

/// Makes the process environment match the caller's view of it.
///
/// On Linux and macOS, .NET keeps `$env:` changes in a managed copy that native code never
/// sees, so a user's `$env:AWS_PROFILE = 'dev'` would be invisible here. PowerShell therefore
/// sends its view with each request, and the variables that matter are updated here, through
/// Rust's own environment lock (aws-config reads them with `std::env::var`). On Windows both
/// views are the same process environment and nothing changes.
fn sync_environment(env: &serde_json::Map<String, serde_json::Value>) -> Result<()> {
    let relevant = |name: &str| name.starts_with("AWS_") || matches!(name, "HOME" | "USERPROFILE" | "HOMEDRIVE" | "HOMEPATH");
    let mut changes: Vec<(String, Option<String>)> = Vec::new();
    for (name, value) in env {
        if !relevant(name) || name.is_empty() || name.contains(['=', '\0']) {
            continue;
        }
        let value = value.as_str().ok_or_else(|| Error::invalid_request(format!("The environment value of {name} is not a string.")))?;
        if value.contains('\0') {
            return Err(Error::invalid_request(format!("The environment value of {name} contains NUL.")));
        }
        if std::env::var(name).ok().as_deref() != Some(value) {
            changes.push((name.clone(), Some(value.to_string())));
        }
    }
    for (name, _) in std::env::vars_os() {
        if let Ok(name) = name.into_string() {
            if name.starts_with("AWS_") && !env.contains_key(&name) {
                changes.push((name, None));
            }
        }
    }
    if changes.is_empty() {
        return Ok(());
    }
    // Changing the environment while another thread reads it natively (getaddrinfo, say) is
    // unsafe: wait until no call of this library is running.
    let _exclusive = CALLS.write().unwrap_or_else(|p| p.into_inner());
    for (name, value) in changes {
        // SAFETY: no call of this library runs (CALLS is held exclusively), and the library's
        // own readers use std::env, which takes Rust's environment lock.
        unsafe {
            match value {
                Some(v) => std::env::set_var(&name, v),
                None => std::env::remove_var(&name),
            }
        }
    }
    Ok(())
}

/// Held shared by every running call, exclusively while the environment is changed.
static CALLS: std::sync::RwLock<()> = std::sync::RwLock::new(());

/// Parses an operation's parameters and runs it on the runtime.
fn op<P: DeserializeOwned, T: Serialize, F: std::future::Future<Output = Result<T>>>(
    call_id: u64,
    timeout: Option<Duration>,
    params: serde_json::Value,
    operation: impl FnOnce(P) -> F,
) -> Result<String> {
    run(call_id, timeout, operation(parse(params)?))
}

fn run<T: Serialize>(
    call_id: u64,
    timeout: Option<Duration>,
    fut: impl std::future::Future<Output = Result<T>>,
) -> Result<String> {
    to_json(&block_on_call(call_id, timeout, fut)?)
}

fn parse<T: DeserializeOwned>(params: serde_json::Value) -> Result<T> {
    let params = if params.is_null() { serde_json::Value::Object(Default::default()) } else { params };
    serde_json::from_value(params).map_err(|e| json_error("parameters", &e))
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::internal(format!("Could not encode the response: {e}")))
}

/// A JSON error message without the offending value, which could be a secret.
fn json_error(what: &str, e: &serde_json::Error) -> Error {
    let text = e.to_string();
    let safe = if text.starts_with("invalid type") || text.starts_with("invalid value") {
        match text.find(", expected") {
            Some(i) => format!("a value has the wrong type{}", text[i..].split(" at line").next().unwrap_or("")),
            None => "a value has the wrong type".to_string(),
        }
    } else {
        text.split(" at line").next().unwrap_or("").to_string()
    };
    Error::invalid_request(format!("Invalid {what} ({safe}; line {}, column {}).", e.line(), e.column()))
}
