//! Native SSO login: authorization code with PKCE (the default for sso-session profiles) and
//! device authorization (legacy profiles, or on request), writing the token exactly as the AWS
//! CLI does. Also logout.
//!
//! A login is a conversation with PowerShell, which shows the URL and a progress bar and may be
//! stopped with Ctrl+C at any time: `sso.login.begin` starts it (or reports that the cached token
//! is still valid or was refreshed), `sso.login.wait` waits a short slice for the outcome, and
//! `sso.login.cancel` abandons it. The login runs as a task that owns the loopback listener and
//! the per-session login lock; cancelling drops both, and the token file is written only once a
//! token was obtained, atomically, so no partial cache file is ever left.

use crate::aws::CommonParams;
use crate::config::{self, ProfileKind, ProfileSource, SsoProfile};
use crate::error::{Error, Result, Status};
use crate::secret::SecretString;
use crate::sso;
use crate::token_cache::{self, CachedToken};
use base64::Engine;
use once_cell::sync::Lazy;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;

/// The longest a login waits for the user (the AWS CLI's limit).
pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(600);
/// A cached client registration is reused unless it expires within this margin.
const REGISTRATION_MARGIN: time::Duration = time::Duration::minutes(15);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeginParams {
    #[serde(flatten)]
    pub common: CommonParams,
    pub session_name: Option<String>,
    #[serde(default)]
    pub use_device_code: bool,
    #[serde(default)]
    pub force: bool,
    pub redirect_port: Option<u16>,
    pub timeout_sec: Option<u64>,
    /// Whether a human can act: PowerShell decides (console input, -NonInteractive, ...).
    #[serde(default)]
    pub interactive: bool,
    /// The user will open the URL themselves (SSH, remote desktop).
    #[serde(default)]
    pub no_browser: bool,
}

#[derive(Debug, Serialize, Default)]
pub struct LoginState {
    /// valid, refreshed, pending, complete.
    pub state: &'static str,
    pub login_id: Option<u64>,
    /// pkce or device.
    pub flow: Option<&'static str>,
    pub profile_name: Option<String>,
    pub sso_session: Option<String>,
    pub start_url: Option<String>,
    /// The URL for the user's browser (the authorize URL, or the device verification URL with
    /// its code). Not a secret.
    pub url: Option<String>,
    pub verification_uri: Option<String>,
    pub user_code: Option<String>,
    pub expires_at: Option<String>,
    pub seconds_left: Option<u64>,
    pub message: Option<String>,
}

struct LoginSession {
    task: tokio::task::JoinHandle<()>,
    outcome: watch::Receiver<Option<std::result::Result<String, Error>>>,
    deadline: std::time::Instant,
}

static LOGINS: Lazy<Mutex<HashMap<u64, LoginSession>>> = Lazy::new(Default::default);
static NEXT_LOGIN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn logins() -> std::sync::MutexGuard<'static, HashMap<u64, LoginSession>> {
    LOGINS.lock().unwrap_or_else(|p| p.into_inner())
}

/// The profile or sso-session to log in.
pub async fn target(common: &CommonParams, session_name: Option<&str>) -> Result<(SsoProfile, ProfileSource)> {
    let source = ProfileSource { location: common.auth.profile_location.clone().filter(|l| !l.trim().is_empty()) };
    let profiles = source.load().await?;
    if let Some(session) = session_name.map(str::trim).filter(|s| !s.is_empty()) {
        let s = config::sso_session(&profiles, session, None)?;
        return Ok((SsoProfile::for_session(&s), source));
    }
    let (name, _) = config::selected_profile_name(common.auth.profile.as_deref());
    match config::resolve_profile(&profiles, &name)? {
        ProfileKind::Sso(p) => Ok((p, source)),
        ProfileKind::Other => Err(Error::with_code(
            Status::InvalidConfig,
            "NotAnSsoProfile",
            format!("The profile '{name}' is not an SSO profile (it has neither sso_session nor sso_start_url). Add one with Initialize-AWSSSOConfiguration."),
        )),
    }
}

fn state_for(profile: &SsoProfile, state: &'static str) -> LoginState {
    LoginState {
        state,
        profile_name: (!profile.session_only).then(|| profile.profile_name.clone()),
        sso_session: profile.session_name.clone(),
        start_url: Some(profile.start_url.clone()),
        ..Default::default()
    }
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).map_err(|e| Error::internal(format!("no randomness available: {e}")))?;
    Ok(buf)
}

/// A PKCE verifier: 64 characters from the unreserved set.
fn pkce_verifier() -> Result<SecretString> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    let bytes = random_bytes::<64>()?;
    Ok(SecretString::new(bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect::<String>()))
}

pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

fn uuid4() -> Result<String> {
    let mut b = random_bytes::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    Ok(format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]))
}

/// Starts a login, or reports that none is needed.
pub async fn begin(p: BeginParams) -> Result<LoginState> {
    let started = OffsetDateTime::now_utc();
    let (profile, source) = target(&p.common, p.session_name.as_deref()).await?;
    let location = sso::token_location(&profile)?;
    if !p.force {
        if let Some(token) = sso::read_profile_token(&profile, &location.path) {
            if token.expires_at > started + sso::REFRESH_WINDOW {
                let mut s = state_for(&profile, "valid");
                s.expires_at = Some(token_cache::format_timestamp(token.expires_at));
                s.message = Some(format!("The SSO token of {} is valid until {}; re-authentication is not necessary.", profile.describe(), token_cache::format_timestamp(token.expires_at)));
                return Ok(s);
            }
            if profile.session_name.is_some() && token.is_refreshable(started) {
                if let Ok(t) = sso::valid_token(&profile, &source).await {
                    if t.expires_at > OffsetDateTime::now_utc() + sso::REFRESH_WINDOW {
                        let mut s = state_for(&profile, "refreshed");
                        s.expires_at = Some(token_cache::format_timestamp(t.expires_at));
                        s.message = Some(format!("The SSO token of {} was refreshed; it is valid until {}.", profile.describe(), token_cache::format_timestamp(t.expires_at)));
                        return Ok(s);
                    }
                }
            }
        }
    }
    if !p.interactive && !p.no_browser {
        return Err(Error::with_code(
            Status::LoginRequired,
            "InteractiveLoginRequired",
            format!(
                "An SSO login is needed for {}, but this session is not interactive, so no browser was opened and nothing waited for input. In an interactive PowerShell run 'Invoke-AWSSSOLogin {}' (or 'aws sso login {}'), or use -NoBrowser to print the URL.",
                profile.describe(),
                if profile.session_only { format!("-SessionName {}", profile.profile_name) } else { format!("-ProfileName {}", profile.profile_name) },
                match &profile.session_name { Some(s) => format!("--sso-session {s}"), None => format!("--profile {}", profile.profile_name) },
            ),
        ));
    }
    let timeout = p.timeout_sec.filter(|t| *t > 0).map(Duration::from_secs).unwrap_or(DEFAULT_LOGIN_TIMEOUT);
    // One login per session across processes: a second one waits here and reuses the first's token.
    let (dir, key) = (location.dir.clone(), format!("{}.login", location.key));
    let lock = tokio::task::spawn_blocking(move || token_cache::lock(&dir, &key, timeout))
        .await
        .map_err(|e| Error::internal(format!("lock task failed: {e}")))??;
    if let Some(token) = sso::read_profile_token(&profile, &location.path) {
        let written_since = std::fs::metadata(&location.path).and_then(|m| m.modified()).map(OffsetDateTime::from).map(|m| m >= started).unwrap_or(false);
        if (written_since || !p.force) && token.expires_at > OffsetDateTime::now_utc() + sso::REFRESH_WINDOW {
            let mut s = state_for(&profile, "valid");
            s.expires_at = Some(token_cache::format_timestamp(token.expires_at));
            s.message = Some(format!("Another login for {} has just finished; its token is valid until {}.", profile.describe(), token_cache::format_timestamp(token.expires_at)));
            return Ok(s);
        }
    }
    let clients = sso::clients(profile.config_profile(), &source, &profile.sso_region).await;
    let use_pkce = profile.session_name.is_some() && !p.use_device_code;
    let registration = registration(&clients, &profile, use_pkce).await?;
    let deadline = std::time::Instant::now() + timeout;
    let (tx, rx) = watch::channel(None);
    let login_id = NEXT_LOGIN.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let mut state = state_for(&profile, "pending");
    state.login_id = Some(login_id);
    state.seconds_left = Some(timeout.as_secs());
    let task = if use_pkce {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", p.redirect_port.unwrap_or(0))).await.map_err(|e| {
            Error::new(Status::Io, format!("Could not listen on 127.0.0.1:{} for the login callback: {e}", p.redirect_port.unwrap_or(0)))
        })?;
        let port = listener.local_addr().map_err(|e| Error::internal(e.to_string()))?.port();
        let redirect_uri = format!("http://127.0.0.1:{port}/oauth/callback");
        let verifier = pkce_verifier()?;
        let csrf_state = uuid4()?;
        let oidc_base = clients.oidc_base_url.clone();
        let scopes = registration.scopes.join(" ");
        let url = format!(
            "{oidc_base}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={}",
            enc(&registration.client_id),
            enc(&redirect_uri),
            enc(&csrf_state),
            enc(&scopes),
            enc(&pkce_challenge(verifier.expose()))
        );
        state.flow = Some("pkce");
        state.url = Some(url);
        let (profile, location) = (profile.clone(), location.path.clone());
        tokio::spawn(async move {
            let _lock = lock;
            let flow = pkce_flow(listener, csrf_state, verifier, redirect_uri, &clients, &registration, &profile, &location);
            let result = tokio::time::timeout(timeout, flow).await.unwrap_or_else(|_| Err(not_completed(&profile, timeout)));
            let _ = tx.send(Some(result));
        })
    } else {
        let auth = clients
            .oidc
            .start_device_authorization()
            .client_id(&registration.client_id)
            .client_secret(registration.client_secret.expose())
            .start_url(&profile.start_url)
            .send()
            .await
            .map_err(|e| crate::aws::map_sdk_error("SSO-OIDC StartDeviceAuthorization", e))?;
        state.flow = Some("device");
        state.verification_uri = auth.verification_uri().map(str::to_string);
        state.user_code = auth.user_code().map(str::to_string);
        state.url = auth.verification_uri_complete().or(auth.verification_uri()).map(str::to_string);
        let device_code = SecretString::new(auth.device_code().unwrap_or_default());
        let interval = Duration::from_secs(auth.interval().max(1) as u64);
        let device_deadline = std::time::Instant::now() + Duration::from_secs(auth.expires_in().max(1) as u64).min(timeout);
        let (profile, location) = (profile.clone(), location.path.clone());
        tokio::spawn(async move {
            let _lock = lock;
            let flow = device_flow(device_code, interval, device_deadline, &clients, &registration, &profile, &location);
            let result = tokio::time::timeout(timeout + Duration::from_secs(5), flow).await.unwrap_or_else(|_| Err(not_completed(&profile, timeout)));
            let _ = tx.send(Some(result));
        })
    };
    logins().insert(login_id, LoginSession { task, outcome: rx, deadline });
    Ok(state)
}

fn not_completed(profile: &SsoProfile, timeout: Duration) -> Error {
    Error::with_code(
        Status::Timeout,
        "LoginExpired",
        format!("The login for {} was not completed within {} s; nothing was written. Run the login again.", profile.describe(), timeout.as_secs()),
    )
}

fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitParams {
    pub login_id: u64,
    pub wait_ms: Option<u64>,
}

/// Waits a slice of time for a login to finish.
pub async fn wait(p: WaitParams) -> Result<LoginState> {
    let (mut rx, deadline) = {
        let map = logins();
        let s = map.get(&p.login_id).ok_or_else(|| Error::invalid_request(format!("No login {} is running.", p.login_id)))?;
        (s.outcome.clone(), s.deadline)
    };
    let slice = Duration::from_millis(p.wait_ms.unwrap_or(500).clamp(10, 5000));
    let task_gone = matches!(tokio::time::timeout(slice, rx.wait_for(|v| v.is_some())).await, Ok(Err(_)));
    let outcome = rx.borrow().clone();
    if outcome.is_none() && (task_gone || std::time::Instant::now() > deadline + Duration::from_secs(5)) {
        // The login task ended without an outcome (it was aborted or failed): never "pending" forever.
        cancel(p.login_id);
        return Err(Error::with_code(Status::Timeout, "LoginExpired", "The login ended without a result; nothing was written. Run the login again."));
    }
    match outcome {
        None => Ok(LoginState {
            state: "pending",
            login_id: Some(p.login_id),
            seconds_left: Some(deadline.saturating_duration_since(std::time::Instant::now()).as_secs()),
            ..Default::default()
        }),
        Some(result) => {
            logins().remove(&p.login_id);
            let expires_at = result?;
            Ok(LoginState { state: "complete", login_id: Some(p.login_id), expires_at: Some(expires_at), ..Default::default() })
        }
    }
}

/// Abandons a login: the task stops, the listener closes, the lock is released, nothing is written.
pub fn cancel(login_id: u64) -> bool {
    match logins().remove(&login_id) {
        Some(s) => {
            s.task.abort();
            true
        }
        None => false,
    }
}

/// A client registration, as cached by the AWS CLI.
#[derive(Clone)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: SecretString,
    pub expires_at: OffsetDateTime,
    pub scopes: Vec<String>,
    pub grant_types: Vec<String>,
}

/// The CLI's registration cache key: SHA-1 of Python's `json.dumps(..., sort_keys=True)`.
pub fn registration_key(profile: &SsoProfile) -> String {
    use sha1::Digest as _;
    let mut text = String::from("{\"region\": ");
    token_cache::push_python_json_string(&mut text, &profile.sso_region);
    text.push_str(", \"scopes\": ");
    if profile.scopes.is_empty() {
        text.push_str("null");
    } else {
        text.push('[');
        for (i, s) in profile.scopes.iter().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            token_cache::push_python_json_string(&mut text, s);
        }
        text.push(']');
    }
    text.push_str(", \"session_name\": ");
    match &profile.session_name {
        Some(n) => token_cache::push_python_json_string(&mut text, n),
        None => text.push_str("null"),
    }
    text.push_str(", \"startUrl\": ");
    token_cache::push_python_json_string(&mut text, &profile.start_url);
    text.push_str(", \"tool\": \"botocore\"}");
    hex::encode(sha1::Sha1::digest(text.as_bytes()))
}

fn read_registration(path: &std::path::Path) -> Option<Registration> {
    let obj = token_cache::read_object(path)?;
    let s = |k: &str| obj.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let list = |k: &str| {
        obj.get(k)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    Some(Registration {
        client_id: s("clientId")?,
        client_secret: SecretString::new(s("clientSecret")?),
        expires_at: token_cache::parse_timestamp(&s("expiresAt")?)?,
        scopes: list("scopes"),
        grant_types: list("grantTypes"),
    })
}

fn write_registration(path: &std::path::Path, r: &Registration) -> Result<()> {
    let mut text = String::from("{\"clientId\": ");
    token_cache::push_python_json_string(&mut text, &r.client_id);
    text.push_str(", \"clientSecret\": ");
    token_cache::push_python_json_string(&mut text, r.client_secret.expose());
    text.push_str(", \"expiresAt\": ");
    token_cache::push_python_json_string(&mut text, &token_cache::format_timestamp(r.expires_at));
    for (key, values) in [("scopes", &r.scopes), ("grantTypes", &r.grant_types)] {
        if values.is_empty() {
            continue;
        }
        text.push_str(&format!(", \"{key}\": ["));
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            token_cache::push_python_json_string(&mut text, v);
        }
        text.push(']');
    }
    text.push('}');
    let result = token_cache::write_atomic(path, text.as_bytes());
    zeroize::Zeroize::zeroize(&mut text);
    result
}

/// A cached registration fit for the flow, or a new one (cached for next time).
async fn registration(clients: &sso::SsoClients, profile: &SsoProfile, pkce: bool) -> Result<Registration> {
    let dir = token_cache::cache_dir()?;
    let path = token_cache::token_path(&dir, &registration_key(profile));
    let now = OffsetDateTime::now_utc();
    if let Some(r) = read_registration(&path) {
        let has_code_grant = r.grant_types.iter().any(|g| g == "authorization_code");
        if r.expires_at > now + REGISTRATION_MARGIN && has_code_grant == pkce {
            return Ok(r);
        }
    }
    let scopes = if profile.scopes.is_empty() { vec!["sso:account:access".to_string()] } else { profile.scopes.clone() };
    let name = match &profile.session_name {
        Some(s) => format!("botocore-client-{s}"),
        None => format!("botocore-client-{}", now.unix_timestamp()),
    };
    let mut request = clients.oidc.register_client().client_name(name).client_type("public").set_scopes(Some(scopes.clone()));
    let grant_types: Vec<String> = if pkce { vec!["authorization_code".into(), "refresh_token".into()] } else { Vec::new() };
    if pkce {
        request = request
            .set_grant_types(Some(grant_types.clone()))
            .redirect_uris("http://127.0.0.1/oauth/callback")
            .issuer_url(&profile.start_url);
    }
    let out = request.send().await.map_err(|e| crate::aws::map_sdk_error("SSO-OIDC RegisterClient", e))?;
    let r = Registration {
        client_id: out.client_id().unwrap_or_default().to_string(),
        client_secret: SecretString::new(out.client_secret().unwrap_or_default()),
        expires_at: OffsetDateTime::from_unix_timestamp(out.client_secret_expires_at()).unwrap_or(now + time::Duration::days(90)),
        scopes,
        grant_types,
    };
    if r.client_id.is_empty() || r.client_secret.is_empty() {
        return Err(Error::with_code(Status::ServiceError, "MalformedResponse", "SSO-OIDC RegisterClient returned no client credentials."));
    }
    write_registration(&path, &r)?;
    Ok(r)
}

/// Writes the token of a finished login as the AWS CLI does; returns its expiry.
fn save_token(
    out: &aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
    registration: &Registration,
    profile: &SsoProfile,
    path: &std::path::Path,
) -> std::result::Result<String, Error> {
    let access = out.access_token().filter(|t| !t.is_empty()).ok_or_else(|| {
        Error::with_code(Status::ServiceError, "MalformedResponse", "SSO-OIDC CreateToken returned no access token.")
    })?;
    let expires_at = OffsetDateTime::now_utc() + time::Duration::seconds(out.expires_in() as i64);
    let session = profile.session_name.is_some();
    let token = CachedToken {
        start_url: Some(profile.start_url.clone()),
        region: Some(profile.sso_region.clone()),
        access_token: SecretString::new(access),
        expires_at,
        client_id: session.then(|| registration.client_id.clone()),
        client_secret: session.then(|| registration.client_secret.clone()),
        registration_expires_at: session.then_some(registration.expires_at),
        refresh_token: if session { out.refresh_token().filter(|t| !t.is_empty()).map(SecretString::new) } else { None },
    };
    // Under the refresh lock, so a refresh in flight cannot overwrite the new login.
    let dir = path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
    let key = path.file_stem().and_then(|s| s.to_str()).unwrap_or("token").to_string();
    let _lock = token_cache::lock(&dir, &key, sso::LOCK_WAIT)?;
    token_cache::write_token(path, &token)?;
    sso::forget_session(profile.session_name.as_deref().unwrap_or(&profile.start_url));
    Ok(token_cache::format_timestamp(expires_at))
}

#[allow(clippy::too_many_arguments)]
async fn pkce_flow(
    listener: tokio::net::TcpListener,
    csrf_state: String,
    verifier: SecretString,
    redirect_uri: String,
    clients: &sso::SsoClients,
    registration: &Registration,
    profile: &SsoProfile,
    path: &std::path::Path,
) -> std::result::Result<String, Error> {
    let code = loop {
        let (mut stream, _) = listener.accept().await.map_err(|e| Error::new(Status::Io, format!("The login callback listener failed: {e}")))?;
        match read_callback(&mut stream).await {
            Callback::NotOurs => {
                respond(&mut stream, "404 Not Found", "Not found", "This address only accepts the AWS SSO login callback.").await;
            }
            Callback::Params(params) => {
                let state_ok = params.get("state").is_some_and(|s| constant_time_eq(s.as_bytes(), csrf_state.as_bytes()));
                if !state_ok {
                    respond(&mut stream, "400 Bad Request", "Login failed", "The login response did not match this login request, so it was refused. Start the login again from PowerShell.").await;
                    return Err(Error::with_code(Status::AccessDenied, "LoginStateMismatch", "The login callback carried a state that does not match this login; it was refused and nothing was written."));
                }
                if let Some(err) = params.get("error") {
                    respond(&mut stream, "200 OK", "Login failed", "The login was not approved. You can close this window.").await;
                    let safe: String = err.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(64).collect();
                    return Err(Error::with_code(Status::AccessDenied, "LoginDenied", format!("The SSO login was not approved ({safe}).")));
                }
                match params.get("code") {
                    Some(code) if !code.is_empty() => {
                        respond(&mut stream, "200 OK", "Login complete", "You are logged in to AWS SSO. You can close this window and return to PowerShell.").await;
                        break SecretString::new(code.clone());
                    }
                    _ => {
                        respond(&mut stream, "400 Bad Request", "Login failed", "The login response carried no authorization code.").await;
                        return Err(Error::with_code(Status::ServiceError, "LoginNoCode", "The login callback carried no authorization code."));
                    }
                }
            }
        }
    };
    drop(listener);
    let out = clients
        .oidc
        .create_token()
        .client_id(&registration.client_id)
        .client_secret(registration.client_secret.expose())
        .grant_type("authorization_code")
        .code(code.expose())
        .code_verifier(verifier.expose())
        .redirect_uri(&redirect_uri)
        .send()
        .await
        .map_err(|e| crate::aws::map_sdk_error("SSO-OIDC CreateToken", e))?;
    save_token(&out, registration, profile, path)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

enum Callback {
    NotOurs,
    Params(HashMap<String, String>),
}

async fn read_callback(stream: &mut tokio::net::TcpStream) -> Callback {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while buf.len() < 16 * 1024 && !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&buf);
    let line = text.lines().next().unwrap_or("");
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if method != "GET" || path != "/oauth/callback" {
        return Callback::NotOurs;
    }
    let mut params = HashMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        params.insert(decode(k), decode(v));
    }
    Callback::Params(params)
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

/// The page shown in the user's browser: a fixed text, never a code or token.
async fn respond(stream: &mut tokio::net::TcpStream, status: &str, title: &str, text: &str) {
    let body = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body style=\"font-family:sans-serif;margin:3em\"><h1>{title}</h1><p>{text}</p><p>AWS.Tools.RustSSO</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

async fn device_flow(
    device_code: SecretString,
    mut interval: Duration,
    deadline: std::time::Instant,
    clients: &sso::SsoClients,
    registration: &Registration,
    profile: &SsoProfile,
    path: &std::path::Path,
) -> std::result::Result<String, Error> {
    use aws_sdk_ssooidc::operation::create_token::CreateTokenError as E;
    loop {
        if std::time::Instant::now() >= deadline {
            return Err(Error::with_code(Status::Timeout, "LoginExpired", format!("The device authorization for {} expired before it was approved. Run the login again.", profile.describe())));
        }
        tokio::time::sleep(interval).await;
        let result = clients
            .oidc
            .create_token()
            .client_id(&registration.client_id)
            .client_secret(registration.client_secret.expose())
            .grant_type("urn:ietf:params:oauth:grant-type:device_code")
            .device_code(device_code.expose())
            .send()
            .await;
        match result {
            Ok(out) => return save_token(&out, registration, profile, path),
            Err(err) => match err.as_service_error() {
                Some(E::AuthorizationPendingException(_)) => continue,
                Some(E::SlowDownException(_)) => interval += Duration::from_secs(5),
                Some(E::ExpiredTokenException(_)) => {
                    return Err(Error::with_code(Status::Timeout, "LoginExpired", format!("The device authorization for {} expired before it was approved. Run the login again.", profile.describe())))
                }
                Some(E::AccessDeniedException(_)) => {
                    return Err(Error::with_code(Status::AccessDenied, "LoginDenied", format!("The SSO login for {} was denied.", profile.describe())))
                }
                _ => return Err(crate::aws::map_sdk_error("SSO-OIDC CreateToken", err)),
            },
        }
    }
}
