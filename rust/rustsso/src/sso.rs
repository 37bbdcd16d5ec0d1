//! SSO credentials: the cached token (refreshed when near expiry, single-flight within the process
//! and, through the cache lock, across processes) and role credentials from GetRoleCredentials,
//! cached in memory and shared by every caller in the process.

use crate::config::{ProfileSource, SsoProfile};
use crate::context::{Call, RoleKey};
use crate::error::{Error, Result, Status};
use crate::sso_clients::clients;
use crate::token_cache::{self, CachedToken};
use aws_credential_types::provider::{self, error::CredentialsError, ProvideCredentials};
use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::time::{Duration, SystemTime};
use time::OffsetDateTime;

/// Refresh a token this long before it expires (the SDKs' rule).
pub const REFRESH_WINDOW: time::Duration = time::Duration::minutes(5);
/// At most one refresh attempt per token in this interval.
pub const REFRESH_RETRY_INTERVAL: time::Duration = time::Duration::seconds(30);
/// Role credentials are reused until this long before they expire.
pub const ROLE_CREDENTIALS_BUFFER: Duration = Duration::from_secs(5 * 60);
/// Longest wait for another process's refresh or login.
pub const LOCK_WAIT: Duration = Duration::from_secs(15);

fn is_fresh(t: &CachedToken, now: OffsetDateTime) -> bool {
    t.expires_at > now + REFRESH_WINDOW
}

/// Where a profile's token lives.
pub struct TokenLocation {
    pub dir: std::path::PathBuf,
    pub key: String,
    pub path: std::path::PathBuf,
}

pub fn token_location(call: &Call, profile: &SsoProfile) -> Result<TokenLocation> {
    let dir = token_cache::cache_dir(&call.env)?;
    let key = token_cache::cache_key(profile.session_name.as_deref(), &profile.start_url);
    let path = token_cache::token_path(&dir, &key);
    Ok(TokenLocation { dir, key, path })
}

/// Whether a token may serve a profile with this start URL (a token that names none may).
fn for_start_url(token: &CachedToken, start_url: &str) -> bool {
    match &token.start_url {
        Some(url) => url.trim_end_matches('/') == start_url.trim_end_matches('/'),
        None => true,
    }
}

/// The one reader of a profile's cached token. A token written for another start URL (the
/// session was re-pointed at another portal) counts as none. A token this session refreshed but
/// could not write back is served from memory while it is newer than the file's.
pub fn read_profile_token(call: &Call, profile: &SsoProfile, path: &std::path::Path) -> Option<CachedToken> {
    let from_file = token_cache::read_token(path).filter(|t| for_start_url(t, &profile.start_url));
    let in_memory = call.ctx.token_slot(path).unsaved().filter(|t| for_start_url(t, &profile.start_url));
    match (from_file, in_memory) {
        (Some(f), Some(m)) if m.expires_at > f.expires_at => Some(m),
        (None, Some(m)) => Some(m),
        (f, _) => f,
    }
}

/// The expiry of a profile's cached token, for diagnostics.
pub fn token_expiry(call: &Call, profile: &SsoProfile) -> Option<String> {
    let location = token_location(call, profile).ok()?;
    read_profile_token(call, profile, &location.path).map(|t| token_cache::format_timestamp(t.expires_at))
}

/// A valid access token for the profile: the cached one, refreshed when it is within five
/// minutes of expiry and refreshable. Never starts a login.
pub async fn valid_token(call: &Call, profile: &SsoProfile, source: &ProfileSource) -> Result<CachedToken> {
    let loc = token_location(call, profile)?;
    let now = call.now();
    let token = read_profile_token(call, profile, &loc.path).ok_or_else(|| no_token(profile, &loc))?;
    if is_fresh(&token, now) {
        return Ok(token);
    }
    if profile.session_name.is_none() || !token.is_refreshable(now) {
        // Legacy tokens are never refreshed; others without a refresh token or registration.
        return if token.is_expired(now) { Err(expired(profile, &token)) } else { Ok(token) };
    }
    refresh(call, profile, source, &loc).await
}

async fn refresh(call: &Call, profile: &SsoProfile, source: &ProfileSource, loc: &TokenLocation) -> Result<CachedToken> {
    let slot = call.ctx.token_slot(&loc.path);
    // Single flight within the process: one caller refreshes, the others wait and re-read.
    let mut last_attempt = slot.last_attempt.lock().await;
    let now = call.now();
    let token = read_profile_token(call, profile, &loc.path).ok_or_else(|| no_token(profile, loc))?;
    if is_fresh(&token, now) {
        return Ok(token);
    }
    if last_attempt.is_some_and(|t| now - t < REFRESH_RETRY_INTERVAL) {
        return if token.is_expired(now) { Err(expired(profile, &token)) } else { Ok(token) };
    }
    // Across processes: the cache lock, then a re-read in case another process refreshed. While
    // the token is still valid, a refresh that another process has in flight holds up nothing:
    // the token is served at once. Only an expired token waits for the lock.
    let wait = if token.is_expired(now) { LOCK_WAIT } else { Duration::ZERO };
    let _file_lock = match token_cache::lock_async(&loc.dir, &loc.key, wait).await {
        Ok(lock) => lock,
        Err(_) if !token.is_expired(call.now()) => return Ok(token),
        Err(e) => return Err(e),
    };
    let now = call.now();
    let token = read_profile_token(call, profile, &loc.path).ok_or_else(|| no_token(profile, loc))?;
    if is_fresh(&token, now) {
        return Ok(token);
    }
    if !token.is_refreshable(now) {
        return if token.is_expired(now) { Err(expired(profile, &token)) } else { Ok(token) };
    }
    *last_attempt = Some(now);
    let clients = clients(call, profile.config_profile(), source, &profile.sso_region).await?;
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
                Error::with_code(
                    Status::ServiceError,
                    "InvalidResponse",
                    format!("SSO-OIDC CreateToken (at {}) returned no access token.", crate::sso_clients::host_of(&clients.oidc_base_url)),
                )
            })?;
            let mut refreshed = token.clone();
            refreshed.access_token = crate::secret::SecretString::new(access);
            refreshed.expires_at = call.now() + time::Duration::seconds(out.expires_in() as i64);
            // The SDKs keep the old refresh token when the response carries none (the AWS CLI
            // drops it); keeping it lets the session go on refreshing.
            if let Some(rt) = out.refresh_token().filter(|t| !t.is_empty()) {
                refreshed.refresh_token = Some(crate::secret::SecretString::new(rt));
            }
            if let Err(e) = token_cache::write_token_async(&loc.path, &refreshed).await {
                // The server may already have rotated the refresh token: throwing the new one
                // away would end the session. Keep it for this session and say so.
                slot.keep_unsaved(refreshed.clone());
                call.warn(format!(
                    "The refreshed SSO token of {} could not be saved to '{}' ({}); it is used for this session only, and the next session may need a new login.",
                    profile.describe(),
                    loc.path.display(),
                    e.message
                ));
            } else {
                slot.forget_unsaved();
            }
            Ok(refreshed)
        }
        Err(err) => {
            if !token.is_expired(call.now()) {
                // Keep serving the still-valid token; the next attempt comes after the interval.
                return Ok(token);
            }
            Err(refresh_error(profile, &crate::sso_clients::host_of(&clients.oidc_base_url), err))
        }
    }
}

fn refresh_error<E>(profile: &SsoProfile, host: &str, err: SdkError<E, aws_smithy_runtime_api::http::Response>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
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
    let inner = crate::sdk_error::map_sdk_error_at("SSO-OIDC CreateToken", Some(host), err);
    Error::with_code(
        inner.status,
        inner.code,
        format!(
            "The SSO token of {} has expired and could not be refreshed: {} {}",
            profile.describe(),
            inner.message,
            profile.login_hint()
        ),
    )
}

fn no_token(profile: &SsoProfile, loc: &TokenLocation) -> Error {
    let derived_from = match &profile.session_name {
        Some(session) => format!("the sso-session name '{session}'"),
        None => format!("the start URL {}", profile.start_url),
    };
    Error::new(
        Status::NoCachedToken,
        format!(
            "No cached SSO token was found for {} (looked for '{}', named by the SHA-1 of {derived_from}). {}",
            profile.describe(),
            loc.path.display(),
            profile.login_hint()
        ),
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

/// Role credentials for the profile, fetched once and shared until five minutes before expiry.
pub async fn role_credentials(call: &Call, profile: &SsoProfile, source: &ProfileSource) -> Result<Credentials> {
    profile.require_role()?;
    let loc = token_location(call, profile)?;
    let clients = clients(call, profile.config_profile(), source, &profile.sso_region).await?;
    let key = RoleKey {
        token_path: loc.path.to_string_lossy().into_owned(),
        start_url: profile.start_url.trim_end_matches('/').to_string(),
        sso_region: profile.sso_region.clone(),
        portal_url: clients.portal_url.clone(),
        account_id: profile.account_id.clone(),
        role_name: profile.role_name.clone(),
    };
    let slot = call.ctx.role_slot(key);
    let mut cached = slot.credentials.lock().await;
    if let Some(c) = cached.as_ref() {
        if c.expiry().is_some_and(|e| e > SystemTime::from(call.now()) + ROLE_CREDENTIALS_BUFFER) {
            return Ok(c.clone());
        }
    }
    let token = valid_token(call, profile, source).await?;
    let out = clients
        .portal
        .get_role_credentials()
        .account_id(&profile.account_id)
        .role_name(&profile.role_name)
        .access_token(token.access_token.expose())
        .send()
        .await
        .map_err(|e| role_error(profile, &clients.portal_host, e))?;
    let incomplete = |what: &str| {
        Error::with_code(
            Status::ServiceError,
            "InvalidResponse",
            format!(
                "SSO GetRoleCredentials at {} returned an incomplete answer ({what}) for role '{}' in account '{}'; no credentials were used.",
                clients.portal_host, profile.role_name, profile.account_id
            ),
        )
    };
    let rc = out.role_credentials().ok_or_else(|| incomplete("no roleCredentials"))?;
    let non_empty = |v: Option<&str>| v.filter(|s| !s.is_empty()).map(str::to_string);
    let ak = non_empty(rc.access_key_id()).ok_or_else(|| incomplete("no accessKeyId"))?;
    let sk = non_empty(rc.secret_access_key()).ok_or_else(|| incomplete("no secretAccessKey"))?;
    let st = non_empty(rc.session_token()).ok_or_else(|| incomplete("no sessionToken"))?;
    if rc.expiration() <= 0 {
        return Err(incomplete("no expiration"));
    }
    let expiry = OffsetDateTime::UNIX_EPOCH
        .checked_add(time::Duration::milliseconds(rc.expiration()))
        .filter(|d| d.year() <= 9999)
        .map(SystemTime::from)
        .ok_or_else(|| incomplete("an expiration past the year 9999"))?;
    let creds = Credentials::new(ak, sk, Some(st), Some(expiry), "SSO");
    *cached = Some(creds.clone());
    Ok(creds)
}

fn role_error<E>(profile: &SsoProfile, host: &str, err: SdkError<E, aws_smithy_runtime_api::http::Response>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
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
    crate::sdk_error::map_sdk_error_at("SSO GetRoleCredentials", Some(host), err)
}

/// A credentials provider for the SDK clients, backed by the shared role-credentials cache.
/// It holds the context weakly: the context's configuration cache holds the provider.
#[derive(Debug, Clone)]
pub struct SsoCredentialsProvider {
    pub ctx: std::sync::Weak<crate::context::Context>,
    pub env: crate::env::EnvView,
    pub profile: SsoProfile,
    pub source: ProfileSource,
}

impl SsoCredentialsProvider {
    pub fn new(call: &Call, profile: SsoProfile, source: ProfileSource) -> Self {
        SsoCredentialsProvider { ctx: std::sync::Arc::downgrade(&call.ctx), env: call.env.clone(), profile, source }
    }
}

impl ProvideCredentials for SsoCredentialsProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(async move {
            let ctx = self.ctx.upgrade().ok_or_else(|| CredentialsError::not_loaded("the library context has ended"))?;
            let call = Call::new(ctx, self.env.clone());
            role_credentials(&call, &self.profile, &self.source).await.map_err(CredentialsError::provider_error)
        })
    }
}
