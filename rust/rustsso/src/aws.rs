//! Turning the common parameters of every command (credentials, profile, region, endpoint) into
//! an SDK configuration, and SDK errors into this library's errors.
//!
//! Configurations are cached per distinct set of settings, so the credentials provider (and its
//! identity cache) is shared by every call in the process that uses the same settings.

use crate::error::{Error, Result, Status};
use crate::secret::SecretString;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
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
    pub endpoint_url: Option<String>,
}

/// Region used for S3 when nothing else names one, as AWS Tools and the CLI do.
pub const FALLBACK_REGION: &str = "us-east-1";

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl CommonParams {
    /// A cache key for the settings: identifies the configuration without containing a secret.
    fn cache_key(&self) -> String {
        use sha1::{Digest, Sha1};
        let mut h = Sha1::new();
        for part in [
            self.auth.access_key.as_deref(),
            self.auth.secret_key.as_ref().map(SecretString::expose),
            self.auth.session_token.as_ref().map(SecretString::expose),
            self.auth.profile.as_deref(),
            self.auth.profile_location.as_deref(),
            self.region.as_deref(),
            self.endpoint_url.as_deref(),
        ] {
            h.update(part.unwrap_or("\u{0}").as_bytes());
            h.update([0xff]);
        }
        hex::encode(h.finalize())
    }

    fn static_credentials(&self) -> Result<Option<Credentials>> {
        match (non_empty(&self.auth.access_key), &self.auth.secret_key) {
            (None, None) => Ok(None),
            (Some(ak), Some(sk)) if !sk.expose().trim().is_empty() => Ok(Some(Credentials::new(
                ak,
                sk.expose(),
                self.auth.session_token.as_ref().map(|t| t.expose().to_string()).filter(|t| !t.is_empty()),
                None,
                "parameters",
            ))),
            _ => Err(Error::with_code(
                Status::InvalidRequest,
                "IncompleteStaticCredentials",
                "Both -AccessKey and -SecretKey are required for static credentials.",
            )),
        }
    }
}

static CONFIGS: Lazy<Mutex<HashMap<String, SdkConfig>>> = Lazy::new(Default::default);

/// The SDK configuration for these settings, built once and reused.
#[allow(deprecated)] // the aliases name the same aws-runtime types; aws-runtime is not a direct dependency
pub async fn sdk_config(params: &CommonParams) -> Result<SdkConfig> {
    let key = params.cache_key();
    if let Some(cfg) = CONFIGS.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(cfg.clone());
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(creds) = params.static_credentials()? {
        loader = loader.credentials_provider(creds);
    }
    if let Some(profile) = non_empty(&params.auth.profile) {
        loader = loader.profile_name(profile);
    }
    if let Some(location) = non_empty(&params.auth.profile_location) {
        let files = aws_config::profile::profile_file::ProfileFiles::builder()
            .with_file(aws_config::profile::profile_file::ProfileFileKind::Config, location)
            .with_file(aws_config::profile::profile_file::ProfileFileKind::Credentials, location)
            .build();
        loader = loader.profile_files(files);
    }
    let region = match non_empty(&params.region) {
        Some(r) => Region::new(r.to_string()),
        None => default_region().await,
    };
    loader = loader.region(region);
    if let Some(url) = non_empty(&params.endpoint_url) {
        loader = loader.endpoint_url(url);
    }
    let cfg = loader.load().await;
    CONFIGS.lock().unwrap_or_else(|p| p.into_inner()).insert(key, cfg.clone());
    Ok(cfg)
}

async fn default_region() -> Region {
    for var in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        if let Ok(v) = std::env::var(var) {
            if !v.trim().is_empty() {
                return Region::new(v.trim().to_string());
            }
        }
    }
    Region::new(FALLBACK_REGION)
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

fn find_source<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
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
