//! SSO credentials: the cached token (refreshed when near expiry, single-flight within the process
//! and, through the cache lock, across processes) and role credentials from GetRoleCredentials,
//! cached in memory and shared by every caller in the process.

use crate::config::{ProfileSource, SsoProfile};
use crate::error::{Error, Result, Status};
use crate::token_cache::{self, CachedToken};
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::provider::{self, error::CredentialsError, ProvideCredentials};
use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use time::OffsetDateTime;

/// Refresh a token this long before it expires (the SDKs' rule).
pub const REFRESH_WINDOW: time::Duration = time::Duration::minutes(5);
/// At most one refresh attempt per token in this interval.
pub const REFRESH_RETRY_INTERVAL: Duration = Duration::from_secs(30);
/// Role credentials are reused until this long before they expire.
pub const ROLE_CREDENTIALS_BUFFER: Duration = Duration::from_secs(5 * 60);
/// Longest wait for another process's refresh or login.
pub const LOCK_WAIT: Duration = Duration::from_secs(15);

/// SSO portal and OIDC clients for one SSO region and profile, honouring the endpoint settings
/// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC, profile endpoint_url).
#[derive(Clone, Debug)]
pub struct SsoClients {
    pub portal: aws_sdk_sso::Client,
    pub oidc: aws_sdk_ssooidc::Client,
    /// Base URL of the OIDC service, for the browser's /authorize page.
    pub oidc_base_url: String,
}

static CLIENTS: Lazy<Mutex<HashMap<(String, ProfileSource, String, String), SsoClients>>> = Lazy::new(Default::default);

pub async fn clients(profile_name: Option<&str>, source: &ProfileSource, sso_region: &str) -> SsoClients {
    let key = (
        profile_name.unwrap_or_default().to_string(),
        source.clone(),
        sso_region.to_string(),
        crate::aws::env_fingerprint(),
    );
    if let Some(c) = lock(&CLIENTS).get(&key) {
        return c.clone();
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(sso_region.to_string()))
        .timeout_config(crate::aws::default_timeouts())
        .no_credentials()
        .profile_files(source.profile_files());
    if let Some(name) = profile_name {
        loader = loader.profile_name(name);
    }
    let sdk = loader.load().await;
    let oidc_base_url = std::env::var("AWS_ENDPOINT_URL_SSO_OIDC")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| sdk.endpoint_url().map(str::to_string))
        .map(|u| u.trim().trim_end_matches('/').to_string())
        .unwrap_or_else(|| format!("https://oidc.{sso_region}.amazonaws.com"));
    let clients = SsoClients {
        portal: aws_sdk_sso::Client::new(&sdk),
        oidc: aws_sdk_ssooidc::Client::new(&sdk),
        oidc_base_url,
    };
    lock(&CLIENTS).insert(key, clients.clone());
    clients
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Per-token-file state shared by every caller in the process.
#[derive(Default)]
struct TokenSlot {
    refresh: tokio::sync::Mutex<Option<Instant>>,
}

static TOKEN_SLOTS: Lazy<Mutex<HashMap<String, Arc<TokenSlot>>>> = Lazy::new(Default::default);

fn token_slot(key: &str) -> Arc<TokenSlot> {
    lock(&TOKEN_SLOTS).entry(key.to_string()).or_default().clone()
}

fn is_fresh(t: &CachedToken, now: OffsetDateTime) -> bool {
    t.expires_at > now + REFRESH_WINDOW
}

/// The cached token of a profile; a token written for another start URL (the session was
/// re-pointed at another portal) counts as none.
pub fn read_profile_token(profile: &SsoProfile, path: &std::path::Path) -> Option<CachedToken> {
    let token = token_cache::read_token(path)?;
    match &token.start_url {
        Some(url) if url.trim_end_matches('/') != profile.start_url.trim_end_matches('/') => None,
        _ => Some(token),
    }
}

/// Forgets the role credentials cached for a session (or legacy start URL) after a logout or a
/// new login, together with the cached configurations that could still serve them.
pub fn forget_session(session_or_start_url: &str) {
    lock(&ROLE_SLOTS).retain(|(key, _, _), _| key != session_or_start_url);
    crate::aws::forget_cached_configs();
}

/// Like [`forget_session`], for a token file's key (the SHA-1 of the session name or start URL).
pub fn forget_session_by_key(key: &str) {
    lock(&ROLE_SLOTS).retain(|(session, _, _), _| token_cache::cache_key(Some(session), session) != key);
    crate::aws::forget_cached_configs();
}

/// Where a profile's token lives.
pub struct TokenLocation {
    pub dir: std::path::PathBuf,
    pub key: String,
    pub path: std::path::PathBuf,
}

pub fn token_location(profile: &SsoProfile) -> Result<TokenLocation> {
    let dir = token_cache::cache_dir()?;
    let key = token_cache::cache_key(profile.session_name.as_deref(), &profile.start_url);
    let path = token_cache::token_path(&dir, &key);
    Ok(TokenLocation { dir, key, path })
}

/// A valid access token for the profile: the cached one, refreshed when it is within five
/// minutes of expiry and refreshable. Never starts a login.
pub async fn valid_token(profile: &SsoProfile, source: &ProfileSource) -> Result<CachedToken> {
    let loc = token_location(profile)?;
    let now = OffsetDateTime::now_utc();
    let token = read_profile_token(profile, &loc.path).ok_or_else(|| no_token(profile))?;
    if is_fresh(&token, now) {
        return Ok(token);
    }
    if profile.session_name.is_none() || !token.is_refreshable(now) {
        // Legacy tokens are never refreshed; others without a refresh token or registration.
        return if token.is_expired(now) { Err(expired(profile, &token)) } else { Ok(token) };
    }
    refresh(profile, source, &loc).await
}

async fn refresh(profile: &SsoProfile, source: &ProfileSource, loc: &TokenLocation) -> Result<CachedToken> {
    let slot = token_slot(&loc.key);
    // Single flight within the process: one caller refreshes, the others wait and re-read.
    let mut last_attempt = slot.refresh.lock().await;
    let now = OffsetDateTime::now_utc();
    let token = read_profile_token(profile, &loc.path).ok_or_else(|| no_token(profile))?;
    if is_fresh(&token, now) {
        return Ok(token);
    }
    if last_attempt.is_some_and(|t| t.elapsed() < REFRESH_RETRY_INTERVAL) {
        return if token.is_expired(now) { Err(expired(profile, &token)) } else { Ok(token) };
    }
    // Across processes: the cache lock, then a re-read in case another process refreshed.
    let (dir, key) = (loc.dir.clone(), loc.key.clone());
    let locked = tokio::task::spawn_blocking(move || token_cache::lock(&dir, &key, LOCK_WAIT))
        .await
        .map_err(|e| Error::internal(format!("lock task failed: {e}")))?;
    let _file_lock = match locked {
        Ok(lock) => lock,
        // Another process holds the lock for long: serve the token while it is still valid.
        Err(e) if !token.is_expired(OffsetDateTime::now_utc()) => {
            let _ = e;
            return Ok(token);
        }
        Err(e) => return Err(e),
    };
    let now = OffsetDateTime::now_utc();
    let token = read_profile_token(profile, &loc.path).ok_or_else(|| no_token(profile))?;
    if is_fresh(&token, now) {
        return Ok(token);
    }
    if !token.is_refreshable(now) {
        return if token.is_expired(now) { Err(expired(profile, &token)) } else { Ok(token) };
    }
    *last_attempt = Some(Instant::now());
    let clients = clients(profile.config_profile(), source, &profile.sso_region).await;
    let response = clients
        .oidc
        .create_token()
        .client_id(token.client_id.clone().unwrap_or_default())
        .client_secret(token.client_secret.as_ref().map(|s| s.expose().to_string()).unwrap_or_default())
        .grant_type("refresh_token")
        .refresh_token(token.refresh_token.as_ref().map(|s| s.expose().to_string()).unwrap_or_default())
        .send()
        .await;
    match response {
        Ok(out) => {
            let access = out.access_token().filter(|t| !t.is_empty()).ok_or_else(|| {
                Error::with_code(Status::ServiceError, "MalformedResponse", "SSO-OIDC CreateToken returned no access token.")
            })?;
            let mut refreshed = token.clone();
            refreshed.access_token = crate::secret::SecretString::new(access);
            refreshed.expires_at = OffsetDateTime::now_utc() + time::Duration::seconds(out.expires_in() as i64);
            // The SDKs keep the old refresh token when the response carries none (the AWS CLI
            // drops it); keeping it lets the session go on refreshing.
            if let Some(rt) = out.refresh_token().filter(|t| !t.is_empty()) {
                refreshed.refresh_token = Some(crate::secret::SecretString::new(rt));
            }
            token_cache::write_token(&loc.path, &refreshed)?;
            Ok(refreshed)
        }
        Err(err) => {
            let now = OffsetDateTime::now_utc();
            if !token.is_expired(now) {
                // Keep serving the still-valid token; the next attempt comes after the interval.
                return Ok(token);
            }
            Err(refresh_error(profile, err))
        }
    }
}

fn refresh_error<E, R>(profile: &SsoProfile, err: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let SdkError::ServiceError(s) = &err {
        let code = s.err().code().unwrap_or("Unknown");
        if matches!(code, "InvalidGrantException" | "InvalidClientException" | "UnauthorizedClientException" | "ExpiredTokenException") {
            return Error::with_code(
                Status::RefreshRejected,
                "SsoRefreshRejected",
                format!(
                    "The SSO session of {} has ended: the token refresh was rejected ({code}). {}",
                    profile.describe(),
                    profile.login_hint()
                ),
            );
        }
    }
    let inner = crate::aws::map_sdk_error("SSO-OIDC CreateToken", err);
    Error::with_code(
        inner.status,
        inner.code,
        format!("The SSO token of {} has expired and could not be refreshed: {} {}", profile.describe(), inner.message, profile.login_hint()),
    )
}

fn no_token(profile: &SsoProfile) -> Error {
    Error::new(
        Status::NoCachedToken,
        format!("No cached SSO token was found for {}. {}", profile.describe(), profile.login_hint()),
    )
}

fn expired(profile: &SsoProfile, token: &CachedToken) -> Error {
    Error::new(
        Status::TokenExpired,
        format!(
            "SSO Token has expired (at {}) and cannot be refreshed for {}. {}",
            token_cache::format_timestamp(token.expires_at),
            profile.describe(),
            profile.login_hint()
        ),
    )
}

/// Role credentials cached per (session or start URL, account, role).
#[derive(Default)]
struct RoleSlot {
    credentials: tokio::sync::Mutex<Option<Credentials>>,
}

static ROLE_SLOTS: Lazy<Mutex<HashMap<(String, String, String), Arc<RoleSlot>>>> = Lazy::new(Default::default);

/// Role credentials for the profile, fetched once and shared until five minutes before expiry.
pub async fn role_credentials(profile: &SsoProfile, source: &ProfileSource) -> Result<Credentials> {
    let key = (
        profile.session_name.clone().unwrap_or_else(|| profile.start_url.clone()),
        profile.account_id.clone(),
        profile.role_name.clone(),
    );
    let slot = lock(&ROLE_SLOTS).entry(key).or_default().clone();
    let mut cached = slot.credentials.lock().await;
    if let Some(c) = cached.as_ref() {
        if c.expiry().is_some_and(|e| e > SystemTime::now() + ROLE_CREDENTIALS_BUFFER) {
            return Ok(c.clone());
        }
    }
    let token = valid_token(profile, source).await?;
    let clients = clients(profile.config_profile(), source, &profile.sso_region).await;
    let out = clients
        .portal
        .get_role_credentials()
        .account_id(&profile.account_id)
        .role_name(&profile.role_name)
        .access_token(token.access_token.expose())
        .send()
        .await
        .map_err(|e| role_error(profile, e))?;
    let rc = out.role_credentials().ok_or_else(|| {
        Error::with_code(Status::ServiceError, "MalformedResponse", "SSO GetRoleCredentials returned no credentials.")
    })?;
    let (Some(ak), Some(sk)) = (rc.access_key_id(), rc.secret_access_key()) else {
        return Err(Error::with_code(Status::ServiceError, "MalformedResponse", "SSO GetRoleCredentials returned incomplete credentials."));
    };
    let expiry = SystemTime::UNIX_EPOCH + Duration::from_millis(rc.expiration().max(0) as u64);
    let creds = Credentials::new(ak, sk, rc.session_token().map(str::to_string), Some(expiry), "SSO");
    *cached = Some(creds.clone());
    Ok(creds)
}

fn role_error<E, R>(profile: &SsoProfile, err: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let SdkError::ServiceError(s) = &err {
        let code = s.err().code().unwrap_or("Unknown").to_string();
        match code.as_str() {
            "UnauthorizedException" => {
                return Error::with_code(
                    Status::TokenExpired,
                    "SsoTokenRejected",
                    format!("The SSO portal rejected the cached token of {} (the session may have ended). {}", profile.describe(), profile.login_hint()),
                )
            }
            "ForbiddenException" | "ResourceNotFoundException" => {
                return Error::with_code(
                    Status::AccessDenied,
                    "SsoRoleAccessDenied",
                    format!(
                        "SSO denied role '{}' in account '{}' for {} ({code}). Check sso_account_id and sso_role_name, or list what you may use with Get-SSOAccountList and Get-SSOAccountRoleList.",
                        profile.role_name,
                        profile.account_id,
                        profile.describe()
                    ),
                )
            }
            _ => {}
        }
    }
    crate::aws::map_sdk_error("SSO GetRoleCredentials", err)
}

/// A credentials provider for the SDK clients, backed by the shared role-credentials cache.
#[derive(Debug, Clone)]
pub struct SsoCredentialsProvider {
    pub profile: SsoProfile,
    pub source: ProfileSource,
}

impl ProvideCredentials for SsoCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(async move {
            role_credentials(&self.profile, &self.source).await.map_err(CredentialsError::provider_error)
        })
    }
}
