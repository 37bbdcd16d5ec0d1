//! Turning the common parameters of every command (credentials, profile, region, endpoint) into
//! an SDK configuration, and SDK errors into this library's errors.
//!
//! Configurations are cached per distinct set of settings, so the credentials provider (and its
//! identity cache) is shared by every call in the process that uses the same settings.

use crate::credentials::Resolution;
use crate::error::{Error, Result, Status};
use crate::secret::SecretString;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use once_cell::sync::Lazy;
use serde::Deserialize;
use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::Mutex;

/// Where credentials come from, as bound by the PowerShell parameters.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct AuthParams {
    pub access_key: Option<String>,
    pub secret_key: Option<SecretString>,
    pub session_token: Option<SecretString>,
    pub profile: Option<String>,
    pub profile_location: Option<String>,
}

/// Settings shared by every service call.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct CommonParams {
    #[serde(default)]
    pub auth: AuthParams,
    pub region: Option<String>,
    /// The shell's default region ($StoredAWSRegion), used after an explicit region.
    pub default_region: Option<String>,
    /// Endpoint of the service called (not of the SSO calls behind the credentials).
    pub endpoint_url: Option<String>,
    /// Attempts per call, first included (default: the profile's max_attempts, else 3).
    pub max_attempts: Option<u32>,
}

static CONFIGS: Lazy<Mutex<HashMap<String, (SdkConfig, Resolution)>>> = Lazy::new(Default::default);

/// Environment variables and files that change the outcome of resolution.
const CONFIG_ENV: &[&str] = &[
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SSO",
    "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_EC2_METADATA_DISABLED", "HOME", "USERPROFILE",
    "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE",
];

/// The values of the environment variables that change resolution, joined (no secrets: the
/// secret key variable is hashed by the callers' keys, never shown).
pub fn env_fingerprint() -> String {
    use sha1::{Digest, Sha1};
    let mut h = Sha1::new();
    for name in CONFIG_ENV {
        h.update(std::env::var(name).unwrap_or_default().as_bytes());
        h.update([0xff]);
    }
    hex::encode(h.finalize())
}

impl CommonParams {
    /// A cache key for the settings, the relevant environment and the config files' timestamps:
    /// identifies the configuration without containing a secret.
    fn cache_key(&self) -> String {
        use sha1::{Digest, Sha1};
        let mut h = Sha1::new();
        let mut part = |p: Option<&str>| {
            h.update(p.unwrap_or("\u{0}").as_bytes());
            h.update([0xff]);
        };
        part(self.auth.access_key.as_deref());
        part(self.auth.secret_key.as_ref().map(SecretString::expose));
        part(self.auth.session_token.as_ref().map(SecretString::expose));
        part(self.auth.profile.as_deref());
        part(self.auth.profile_location.as_deref());
        part(self.region.as_deref());
        part(self.default_region.as_deref());
        part(self.max_attempts.map(|m| m.to_string()).as_deref());
        part(Some(&env_fingerprint()));
        let source = crate::config::ProfileSource { location: self.auth.profile_location.clone() };
        for file in source.candidate_files() {
            let stamp = std::fs::metadata(&file).and_then(|m| m.modified()).ok().map(|t| format!("{t:?}"));
            part(Some(&file.to_string_lossy()));
            part(stamp.as_deref());
        }
        hex::encode(h.finalize())
    }
}

/// The SDK configuration and its resolution for these settings, built once per distinct set of
/// settings (and config file version) and reused.
/// Also returns the configuration's cache key, for caching clients built from it.
pub async fn sdk_config(params: &CommonParams) -> Result<(SdkConfig, Resolution, String)> {
    let key = params.cache_key();
    if let Some((cfg, resolution)) = CONFIGS.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok((cfg.clone(), resolution.clone(), key));
    }
    let resolution = crate::credentials::resolve(params).await?;
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .credentials_provider(resolution.provider.clone())
        .region(Region::new(resolution.region.clone()))
        .profile_files(resolution.profile_source.profile_files());
    if let Some(name) = &resolution.profile_name {
        loader = loader.profile_name(name);
    }
    loader = loader.timeout_config(default_timeouts());
    if let Some(attempts) = params.max_attempts {
        if !(1..=20).contains(&attempts) {
            return Err(Error::invalid_request("The number of attempts must be between 1 and 20."));
        }
        // The standard retry mode (exponential backoff with jitter) with this many attempts.
        loader = loader.retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(attempts));
    }
    let cfg = loader.load().await;
    CONFIGS.lock().unwrap_or_else(|p| p.into_inner()).insert(key.clone(), (cfg.clone(), resolution.clone()));
    Ok((cfg, resolution, key))
}

static CLIENTS: Lazy<Mutex<HashMap<String, Box<dyn std::any::Any + Send>>>> = Lazy::new(Default::default);

/// Timeouts of every SDK call, so that an endpoint that never answers cannot hang a script
/// (a caller's -TimeoutSec applies on top).
pub fn default_timeouts() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .operation_attempt_timeout(std::time::Duration::from_secs(60))
        .operation_timeout(std::time::Duration::from_secs(180))
        .build()
}

/// Forgets every cached configuration and client (after a logout or login, so no credentials
/// of an ended session are served from memory).
pub fn forget_cached_configs() {
    CONFIGS.lock().unwrap_or_else(|p| p.into_inner()).clear();
    CLIENTS.lock().unwrap_or_else(|p| p.into_inner()).clear();
}

/// A service client built once per distinct configuration and reused by later calls (building
/// one per call would cost more than the call to a nearby endpoint).
pub fn cached_client<C: Clone + Send + 'static>(key: String, build: impl FnOnce() -> C) -> C {
    let mut clients = CLIENTS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = clients.get(&key).and_then(|b| b.downcast_ref::<C>()) {
        return c.clone();
    }
    let client = build();
    clients.insert(key, Box::new(client.clone()));
    client
}

/// Maps an SDK error to this library's error, naming the operation and never the request.
pub fn map_sdk_error<E, R>(operation: &str, err: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().unwrap_or("Unknown").to_string();
            let message = e.message().unwrap_or("no message").to_string();
            let status = match code.as_str() {
                "AccessDenied" | "AccessDeniedException" | "Forbidden" | "ForbiddenException"
                | "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "ExpiredToken"
                | "UnauthorizedException" | "InvalidClientTokenId" => Status::AccessDenied,
                _ => Status::ServiceError,
            };
            Error::with_code(status, code.clone(), format!("{operation} failed: {code}: {message}"))
        }
        SdkError::TimeoutError(_) => {
            Error::new(Status::Timeout, format!("{operation} timed out."))
        }
        SdkError::DispatchFailure(dispatch) => {
            if let Some(cred_err) = find_source::<aws_credential_types::provider::error::CredentialsError>(&err) {
                return credentials_error(cred_err);
            }
            let status = if dispatch.is_timeout() { Status::Timeout } else { Status::Network };
            Error::new(status, format!("{operation} could not reach the endpoint: {}", error_chain(&err)))
        }
        SdkError::ResponseError(_) => Error::with_code(
            Status::ServiceError,
            "MalformedResponse",
            format!("{operation} returned a response that could not be read: {}", error_chain(&err)),
        ),
        _ => {
            if let Some(cred_err) = find_source::<aws_credential_types::provider::error::CredentialsError>(&err) {
                return credentials_error(cred_err);
            }
            Error::new(Status::Internal, format!("{operation} failed: {}", error_chain(&err)))
        }
    }
}

fn credentials_error(err: &aws_credential_types::provider::error::CredentialsError) -> Error {
    use aws_credential_types::provider::error::CredentialsError as C;
    if let Some(own) = find_source::<Error>(err) {
        return own.clone();
    }
    let status = match err {
        C::CredentialsNotLoaded(_) => Status::NoCredentials,
        C::InvalidConfiguration(_) => Status::InvalidConfig,
        C::ProviderTimedOut(_) => Status::Timeout,
        _ => Status::NoCredentials,
    };
    let detail = error_chain(err);
    if status == Status::NoCredentials && matches!(err, C::CredentialsNotLoaded(_)) {
        return Error::new(
            status,
            format!("No credentials specified or obtained from persisted/shell defaults. ({detail})"),
        );
    }
    Error::new(status, format!("Credentials could not be resolved: {detail}"))
}

pub fn find_source<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// The messages of an error and its sources, joined.
pub fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut current = err.source();
    while let Some(e) = current {
        let s = e.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        current = e.source();
    }
    parts.join(": ")
}
