//! Native SSO login: authorization code with PKCE (the default for sso-session profiles) and
//! device authorization (legacy profiles, or on request), writing the token exactly as the AWS
//! CLI does.
//!
//! A login is a conversation with PowerShell, which shows the URL and a progress bar and may be
//! stopped with Ctrl+C at any time: `sso.login.begin` starts it (or reports that the cached token
//! is still valid or was refreshed), `sso.login.wait` waits a short slice for the outcome, and
//! `sso.login.cancel` abandons it. The login runs as a task that owns the loopback listener and
//! the per-session login lock; cancelling drops both, and the token file is written only once a
//! token was obtained, atomically, so no partial cache file is ever left.
//!
//! The pieces live beside this file: [`crate::pkce`], [`crate::loopback`],
//! [`crate::registration`] and [`crate::device_flow`].

use crate::config::{self, ProfileKind, ProfileSource, SsoProfile};
use crate::context::{Call, Context, LoginSession};
use crate::error::{Error, Result, Status};
use crate::params::CommonParams;
use crate::pkce::enc;
use crate::secret::SecretString;
use crate::sso;
use crate::token_cache::{self, CachedToken};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::sync::watch;

/// The longest a login waits for the user (the AWS CLI's limit).
pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(600);

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

/// The profile or sso-session to log in.
/// Also returns the call with the selected profile's `ca_bundle` in its view.
pub async fn target(call: &Call, common: &CommonParams, session_name: Option<&str>) -> Result<(SsoProfile, ProfileSource, Call)> {
    let source = ProfileSource::new(common.auth.profile_location.as_deref(), &call.env);
    let profiles = source.load(&call.env).await?;
    let with_bundle = crate::net::with_profile_ca_bundle(call, &profiles, common);
    Ok((target_in(call, &profiles, common, session_name)?, source, with_bundle))
}

/// [`target`] in profiles already loaded: the session named directly, else the one a stored SSO
/// role credential names, else the selected profile, which must be an SSO profile.
pub fn target_in(
    call: &Call,
    profiles: &aws_config::profile::ProfileSet,
    common: &CommonParams,
    session_name: Option<&str>,
) -> Result<SsoProfile> {
    let session_name = session_name.map(str::trim).filter(|s| !s.is_empty()).or_else(|| crate::params::non_empty(&common.auth.sso_session));
    if let Some(session) = session_name {
        let s = config::sso_session(profiles, session, None)?;
        return Ok(SsoProfile::for_session(&s));
    }
    let (name, _) = config::selected_profile_name(common.auth.profile.as_deref(), &call.env);
    match config::resolve_profile(profiles, &name)? {
        ProfileKind::Sso(p) => Ok(p),
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

/// Starts a login, or reports that none is needed.
pub async fn begin(call: Call, p: BeginParams) -> Result<LoginState> {
    let started = call.now();
    let started_at = std::time::SystemTime::now();
    let (profile, source, call) = target(&call, &p.common, p.session_name.as_deref()).await?;
    let location = sso::token_location(&call, &profile)?;
    if !p.force {
        if let Some(token) = sso::read_profile_token(&call, &profile, &location.path) {
            if token.expires_at > started + sso::REFRESH_WINDOW {
                let mut s = state_for(&profile, "valid");
                s.expires_at = Some(token_cache::format_timestamp(token.expires_at));
                s.message = Some(format!(
                    "The SSO token of {} is valid until {}; re-authentication is not necessary.",
                    profile.describe(),
                    token_cache::format_timestamp(token.expires_at)
                ));
                return Ok(s);
            }
            if profile.session_name.is_some() && token.is_refreshable(started) {
                if let Ok(t) = sso::valid_token(&call, &profile, &source).await {
                    if t.expires_at > call.now() + sso::REFRESH_WINDOW {
                        let mut s = state_for(&profile, "refreshed");
                        s.expires_at = Some(token_cache::format_timestamp(t.expires_at));
                        s.message = Some(format!(
                            "The SSO token of {} was refreshed; it is valid until {}.",
                            profile.describe(),
                            token_cache::format_timestamp(t.expires_at)
                        ));
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
    let lock = token_cache::lock_async(&location.dir, &format!("{}.login", location.key), timeout).await?;
    if let Some(token) = sso::read_profile_token(&call, &profile, &location.path) {
        let written_since = std::fs::metadata(&location.path).and_then(|m| m.modified()).map(|m| m >= started_at).unwrap_or(false);
        if (written_since || !p.force) && token.expires_at > call.now() + sso::REFRESH_WINDOW {
            let mut s = state_for(&profile, "valid");
            s.expires_at = Some(token_cache::format_timestamp(token.expires_at));
            s.message = Some(format!(
                "Another login for {} has just finished; its token is valid until {}.",
                profile.describe(),
                token_cache::format_timestamp(token.expires_at)
            ));
            return Ok(s);
        }
    }
    let clients = crate::sso_clients::clients(&call, profile.config_profile(), &source, &profile.sso_region).await?;
    let use_pkce = profile.session_name.is_some() && !p.use_device_code;
    let registration = crate::registration::registration(&call, &clients, &profile, use_pkce).await?;
    let deadline = std::time::Instant::now() + timeout;
    let (tx, rx) = watch::channel(None);
    let mut state = state_for(&profile, "pending");
    state.seconds_left = Some(timeout.as_secs());
    let task = if use_pkce {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", p.redirect_port.unwrap_or(0))).await.map_err(|e| {
            Error::new(Status::Io, format!("Could not listen on 127.0.0.1:{} for the login callback: {e}", p.redirect_port.unwrap_or(0)))
        })?;
        let port = listener.local_addr().map_err(|e| Error::internal(e.to_string()))?.port();
        let redirect_uri = format!("http://127.0.0.1:{port}/oauth/callback");
        let verifier = crate::pkce::verifier()?;
        let csrf_state = crate::pkce::uuid4()?;
        let oidc_base = clients.oidc_base_url.clone();
        let scopes = registration.scopes.join(" ");
        let url = format!(
            "{oidc_base}/authorize?response_type=code&client_id={}&redirect_uri={}&state={}&code_challenge_method=S256&scopes={}&code_challenge={}",
            enc(&registration.client_id),
            enc(&redirect_uri),
            enc(&csrf_state),
            enc(&scopes),
            enc(&crate::pkce::challenge(verifier.expose()))
        );
        state.flow = Some("pkce");
        state.url = Some(url);
        let (profile, location, call) = (profile.clone(), location.path.clone(), call.clone());
        tokio::spawn(async move {
            let _lock = lock;
            let flow = pkce_flow(&call, listener, csrf_state, verifier, redirect_uri, &clients, &registration, &profile, &location);
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
            .map_err(|e| crate::sdk_error::map_sdk_error("SSO-OIDC StartDeviceAuthorization", e))?;
        state.flow = Some("device");
        state.verification_uri = auth.verification_uri().map(str::to_string);
        state.user_code = auth.user_code().map(str::to_string);
        state.url = auth.verification_uri_complete().or(auth.verification_uri()).map(str::to_string);
        let device_code = SecretString::new(auth.device_code().unwrap_or_default());
        let interval = Duration::from_secs(auth.interval().max(1) as u64);
        let device_deadline = std::time::Instant::now() + Duration::from_secs(auth.expires_in().max(1) as u64).min(timeout);
        let (profile, location, call) = (profile.clone(), location.path.clone(), call.clone());
        tokio::spawn(async move {
            let _lock = lock;
            let flow = crate::device_flow::device_flow(
                &call,
                device_code,
                interval,
                device_deadline,
                &clients,
                &registration,
                &profile,
                &location,
            );
            let result = tokio::time::timeout(timeout + Duration::from_secs(5), flow)
                .await
                .unwrap_or_else(|_| Err(not_completed(&profile, timeout)));
            let _ = tx.send(Some(result));
        })
    };
    state.login_id = Some(call.ctx.add_login(LoginSession { task, outcome: rx, deadline }));
    Ok(state)
}

fn not_completed(profile: &SsoProfile, timeout: Duration) -> Error {
    Error::with_code(
        Status::Timeout,
        "LoginExpired",
        format!(
            "The login for {} was not completed within {} s; nothing was written. Run the login again.",
            profile.describe(),
            timeout.as_secs()
        ),
    )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitParams {
    pub login_id: u64,
    pub wait_ms: Option<u64>,
}

/// Waits a slice of time for a login to finish.
pub async fn wait(call: Call, p: WaitParams) -> Result<LoginState> {
    let (mut rx, deadline) =
        call.ctx.login_state(p.login_id).ok_or_else(|| Error::invalid_request(format!("No login {} is running.", p.login_id)))?;
    let slice = Duration::from_millis(p.wait_ms.unwrap_or(500).clamp(10, 5000));
    let task_gone = matches!(tokio::time::timeout(slice, rx.wait_for(|v| v.is_some())).await, Ok(Err(_)));
    let outcome = rx.borrow().clone();
    if outcome.is_none() && (task_gone || std::time::Instant::now() > deadline + Duration::from_secs(5)) {
        // The login task ended without an outcome (it was aborted or failed): never "pending" forever.
        cancel(&call.ctx, p.login_id);
        return Err(Error::with_code(
            Status::Timeout,
            "LoginExpired",
            "The login ended without a result; nothing was written. Run the login again.",
        ));
    }
    match outcome {
        None => Ok(LoginState {
            state: "pending",
            login_id: Some(p.login_id),
            seconds_left: Some(deadline.saturating_duration_since(std::time::Instant::now()).as_secs()),
            ..Default::default()
        }),
        Some(result) => {
            call.ctx.remove_login(p.login_id);
            let expires_at = result?;
            Ok(LoginState { state: "complete", login_id: Some(p.login_id), expires_at: Some(expires_at), ..Default::default() })
        }
    }
}

/// Abandons a login: the task stops, the listener closes, the lock is released, nothing is written.
pub fn cancel(ctx: &Context, login_id: u64) -> bool {
    match ctx.remove_login(login_id) {
        Some(s) => {
            s.task.abort();
            true
        }
        None => false,
    }
}

/// Writes the token of a finished login as the AWS CLI does; returns its expiry.
pub async fn save_token(
    call: &Call,
    out: &aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
    registration: &crate::registration::Registration,
    profile: &SsoProfile,
    path: &std::path::Path,
) -> std::result::Result<String, Error> {
    let access = out
        .access_token()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::with_code(Status::ServiceError, "InvalidResponse", "SSO-OIDC CreateToken returned no access token."))?;
    let expires_at = call.now() + time::Duration::seconds(out.expires_in() as i64);
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
    let _lock = token_cache::lock_async(&dir, &key, sso::LOCK_WAIT).await?;
    token_cache::write_token_async(path, &token).await?;
    call.ctx.invalidate_token(path);
    Ok(token_cache::format_timestamp(expires_at))
}

#[allow(clippy::too_many_arguments)]
async fn pkce_flow(
    call: &Call,
    listener: tokio::net::TcpListener,
    csrf_state: String,
    verifier: SecretString,
    redirect_uri: String,
    clients: &crate::sso_clients::SsoClients,
    registration: &crate::registration::Registration,
    profile: &SsoProfile,
    path: &std::path::Path,
) -> std::result::Result<String, Error> {
    let code = crate::loopback::wait_for_code(listener, csrf_state, profile.describe()).await?;
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
        .map_err(|e| crate::sdk_error::map_sdk_error("SSO-OIDC CreateToken", e))?;
    save_token(call, &out, registration, profile, path).await
}
