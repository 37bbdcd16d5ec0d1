//! The operations reachable through `rsso_call`, by name, with their JSON parameters.

use crate::context::{Call, Context};
use crate::env::EnvView;
use crate::error::{Error, Result, Status};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
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
    #[cfg(feature = "test-hooks")]
    "test.malformed_answer",
    #[cfg(feature = "test-hooks")]
    "test.panic",
    #[cfg(feature = "test-hooks")]
    "test.panic_in_operation",
    #[cfg(feature = "test-hooks")]
    "test.sleep",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    op: String,
    timeout_ms: Option<u64>,
    /// The caller's view of the environment (every `AWS_*` variable, HOME, USERPROFILE). Without
    /// it, the process environment is read (on Windows both are the same).
    env: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    params: serde_json::Value,
}

fn env_view(env: Option<&serde_json::Map<String, serde_json::Value>>) -> Result<EnvView> {
    let Some(env) = env else { return Ok(EnvView::from_process()) };
    let mut pairs = Vec::with_capacity(env.len());
    for (name, value) in env {
        if !crate::env::is_relevant(name) {
            continue;
        }
        let value = value.as_str().ok_or_else(|| Error::invalid_request(format!("The environment value of {name} is not a string.")))?;
        if value.contains('\0') {
            return Err(Error::invalid_request(format!("The environment value of {name} contains NUL.")));
        }
        pairs.push((name.clone(), value.to_string()));
    }
    Ok(EnvView::from_pairs(pairs))
}

/// Parses a request and runs it in `ctx`; returns the result as JSON. Warnings the operation
/// has for the user travel in `meta.warnings` (the result is wrapped as `{result, meta}` when
/// it has no `meta` of its own).
pub fn dispatch_bytes(ctx: &Arc<Context>, call_id: u64, bytes: &[u8]) -> Result<String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| Error::new(Status::InvalidUtf8, format!("The request is not valid UTF-8 (at byte {}).", e.valid_up_to())))?;
    let mut request: Request = serde_json::from_str(text).map_err(|e| json_error("request", &e))?;
    let view = env_view(request.env.as_ref());
    // The request's copy of the environment may hold AWS_SECRET_ACCESS_KEY: the view keeps
    // its own (zeroed when dropped), and this one is zeroed now.
    if let Some(env) = request.env.take() {
        zeroize_value(&mut serde_json::Value::Object(env));
    }
    let call = Call::new(ctx.clone(), view?);
    let timeout = request.timeout_ms.filter(|t| *t > 0).map(Duration::from_millis);
    let mut json = dispatch(&call, call_id, timeout, &request.op, request.params)?;
    let warnings = call.take_warnings();
    if warnings.is_empty() {
        return Ok(json);
    }
    // Rare: the answer is read back to add the warnings to its diagnostics.
    let parsed = serde_json::from_str::<serde_json::Value>(&json);
    zeroize::Zeroize::zeroize(&mut json);
    let mut result = parsed.map_err(|e| Error::internal(format!("Could not encode the response: {e}")))?;
    if let Some(meta) = result.as_object_mut().and_then(|o| o.get_mut("meta")).and_then(|m| m.as_object_mut()) {
        meta.insert("warnings".into(), serde_json::json!(warnings));
    } else {
        result = serde_json::json!({ "result": result, "meta": { "warnings": warnings } });
    }
    let answer = to_json(&result);
    zeroize_value(&mut result);
    answer
}

/// Runs one operation; its answer as JSON text, written straight from the operation's typed
/// result (no intermediate JSON tree: a page of a thousand buckets would build one per bucket).
fn dispatch(call: &Call, call_id: u64, timeout: Option<Duration>, op_name: &str, params: serde_json::Value) -> Result<String> {
    match op_name {
        "library.info" => to_json(&serde_json::json!({
            "version": env!("CARGO_PKG_VERSION"),
            "abi_version": crate::ABI_VERSION,
            "abi_marker": crate::ABI_MARKER,
            "operations": OPERATIONS,
        })),
        "s3.list_buckets" => op(call, call_id, timeout, params, crate::s3::list_buckets_page),
        "config.edit" => to_json(&crate::config_edit::edit(call, parse(params)?)?),
        "config.list_profiles" => op(call, call_id, timeout, params, crate::profiles::list),
        "credentials.resolve" => op(call, call_id, timeout, params, crate::credentials::resolve_credentials),
        "sso.login.begin" => op(call, call_id, timeout, params, crate::login::begin),
        "sso.login.wait" => op(call, call_id, timeout, params, crate::login::wait),
        "sso.login.cancel" => {
            #[derive(Deserialize)]
            struct Cancel {
                login_id: u64,
            }
            let p: Cancel = parse(params)?;
            to_json(&serde_json::json!({ "cancelled": crate::login::cancel(&call.ctx, p.login_id) }))
        }
        "sso.logout.plan" => op(call, call_id, timeout, params, crate::logout::plan),
        "sso.logout.apply" => op(call, call_id, timeout, params, crate::logout::apply),
        "sso.list_accounts" => op(call, call_id, timeout, params, crate::portal::list_accounts),
        "sso.list_account_roles" => op(call, call_id, timeout, params, crate::portal::list_account_roles),
        "sso.get_role_credentials" => op(call, call_id, timeout, params, crate::portal::get_role_credentials),
        "sts.get_caller_identity" => op(call, call_id, timeout, params, crate::sts::get_caller_identity),
        // An answer that is not JSON, as a defect would produce: the module must still fail
        // with an error record.
        #[cfg(feature = "test-hooks")]
        "test.malformed_answer" => Ok(r#"{"result":[1,"#.to_string()),
        #[cfg(feature = "test-hooks")]
        "test.panic" => panic!("panic requested by test.panic"),
        // A panic inside a running operation, after it has yielded to the runtime once.
        #[cfg(feature = "test-hooks")]
        "test.panic_in_operation" => run(call, call_id, timeout, async move {
            tokio::task::yield_now().await;
            if call_id != u64::MAX {
                panic!("panic requested by test.panic_in_operation");
            }
            Ok(serde_json::Value::Null)
        }),
        #[cfg(feature = "test-hooks")]
        "test.sleep" => {
            #[derive(Deserialize)]
            struct Sleep {
                ms: u64,
            }
            let p: Sleep = parse(params)?;
            run(call, call_id, timeout, async move {
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

/// Parses an operation's parameters and runs it on the context's runtime.
fn op<P: DeserializeOwned, T: Serialize, F: std::future::Future<Output = Result<T>>>(
    call: &Call,
    call_id: u64,
    timeout: Option<Duration>,
    params: serde_json::Value,
    operation: impl FnOnce(Call, P) -> F,
) -> Result<String> {
    let params = parse(params)?;
    run(call, call_id, timeout, operation(call.clone(), params))
}

fn run<T: Serialize>(
    call: &Call,
    call_id: u64,
    timeout: Option<Duration>,
    fut: impl std::future::Future<Output = Result<T>>,
) -> Result<String> {
    let result = call.ctx.block_on_call(call_id, timeout, call.scope(fut)).map_err(|e| crate::net::explain(&call.env, e))?;
    to_json(&result)
}

/// The parameters as the operation's type. The request tree may carry a secret key or a
/// session token: every string in it is zeroed before it is freed, whatever the outcome (the
/// typed parameters keep secrets in zeroing strings of their own).
fn parse<T: DeserializeOwned>(params: serde_json::Value) -> Result<T> {
    let mut params = if params.is_null() { serde_json::Value::Object(Default::default()) } else { params };
    let parsed = T::deserialize(&params).map_err(|e| json_error("parameters", &e));
    zeroize_value(&mut params);
    parsed
}

/// Zeroes every string (keys too) of a JSON tree.
pub(crate) fn zeroize_value(value: &mut serde_json::Value) {
    use zeroize::Zeroize;
    match value {
        serde_json::Value::String(s) => s.zeroize(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(zeroize_value),
        serde_json::Value::Object(map) => {
            for (mut key, mut item) in std::mem::take(map) {
                key.zeroize();
                zeroize_value(&mut item);
            }
        }
        _ => {}
    }
}

/// An answer's JSON text. Answers may carry exported secrets: the buffer is grown by copying
/// into a new one and zeroing the old, so no copy of the text is freed unzeroed.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String> {
    let mut out = ZeroingBuffer(Vec::with_capacity(256));
    serde_json::to_writer(&mut out, value).map_err(|e| Error::internal(format!("Could not encode the response: {e}")))?;
    // serde_json writes valid UTF-8.
    String::from_utf8(std::mem::take(&mut out.0)).map_err(|_| Error::internal("The response was not UTF-8."))
}

/// A byte buffer that zeroes what it leaves behind when it grows.
pub(crate) struct ZeroingBuffer(pub Vec<u8>);

impl ZeroingBuffer {
    /// Room for `additional` more bytes, in a new allocation when needed (the old one zeroed).
    pub fn reserve(&mut self, additional: usize) {
        let needed = self.0.len().saturating_add(additional);
        if needed > self.0.capacity() {
            let mut grown = Vec::with_capacity(needed.max(self.0.capacity().saturating_mul(2)));
            grown.extend_from_slice(&self.0);
            zeroize::Zeroize::zeroize(&mut self.0);
            self.0 = grown;
        }
    }
}

impl std::io::Write for ZeroingBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.reserve(buf.len());
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for ZeroingBuffer {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
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
