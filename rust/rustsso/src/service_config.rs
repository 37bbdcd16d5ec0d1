//! Turning the common parameters of every command into an SDK configuration, built once per
//! distinct set of settings and kept in the context, so the credentials provider (and its
//! identity cache) and the service clients are shared by every call that uses the same settings.

use crate::context::{AnyValue, Call};
use crate::credentials::Resolution;
use crate::error::{Error, Result};
use crate::params::CommonParams;
use crate::secret::SecretString;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use std::sync::Arc;
use std::time::Duration;

/// Timeouts of every SDK call, so that an endpoint that never answers cannot hang a script
/// (a caller's -TimeoutSec applies on top).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(180);

pub fn default_timeouts() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_attempt_timeout(ATTEMPT_TIMEOUT)
        .operation_timeout(OPERATION_TIMEOUT)
        .build()
}

/// The identity cache of every configuration. Its load timeout is above the longest honest wait
/// for credentials (another process's refresh under the cache lock, then the SSO calls), so a
/// call that has to wait is never cut short by the SDK's default of five seconds.
pub fn identity_cache() -> aws_smithy_runtime_api::client::identity::SharedIdentityCache {
    aws_config::identity::IdentityCache::lazy().load_timeout(crate::sso::LOCK_WAIT + OPERATION_TIMEOUT + Duration::from_secs(5)).build()
}

/// A loader with the call's environment, its proxy and trust settings, and this library's
/// timeouts. Fails (before any network call) when a CA bundle or proxy setting cannot be used.
pub fn loader(call: &Call) -> Result<aws_config::ConfigLoader> {
    Ok(aws_config::defaults(BehaviorVersion::latest())
        .env(call.env.aws_env())
        .http_client(crate::net::http_client(call)?)
        .timeout_config(default_timeouts())
        .identity_cache(identity_cache()))
}

/// A cache key for the settings, the environment and the config files' timestamps: identifies
/// the configuration without containing a secret.
fn cache_key(call: &Call, params: &CommonParams) -> String {
    use sha1::{Digest, Sha1};
    let mut h = Sha1::new();
    let mut part = |p: Option<&str>| {
        h.update(p.unwrap_or("\u{0}").as_bytes());
        h.update([0xff]);
    };
    part(params.auth.access_key.as_deref());
    part(params.auth.secret_key.as_ref().map(SecretString::expose));
    part(params.auth.session_token.as_ref().map(SecretString::expose));
    part(params.auth.profile.as_deref());
    part(params.auth.profile_location.as_deref());
    part(params.auth.sso_session.as_deref());
    part(params.auth.account_id.as_deref());
    part(params.auth.role_name.as_deref());
    part(params.region.as_deref());
    part(params.default_region.as_deref());
    part(params.max_attempts.map(|m| m.to_string()).as_deref());
    part(Some(&call.env.fingerprint()));
    part(Some(&crate::net::bundle_stamps(&call.env)));
    let source = crate::config::ProfileSource::new(params.auth.profile_location.as_deref(), &call.env);
    for file in source.candidate_files(&call.env) {
        let stamp = std::fs::metadata(&file).and_then(|m| m.modified()).ok().map(|t| format!("{t:?}"));
        part(Some(&file.to_string_lossy()));
        part(stamp.as_deref());
    }
    hex::encode(h.finalize())
}

#[derive(Clone)]
struct Built {
    config: SdkConfig,
    resolution: Resolution,
}

/// The SDK configuration and its resolution for these settings, reused while the settings, the
/// environment and the config files stay the same. Configurations built from keys passed with
/// the call are not kept: they would hold the secret for the rest of the session.
/// Also returns the configuration's cache key, for caching clients built from it (empty when the
/// configuration is not cached).
pub async fn sdk_config(call: &Call, params: &CommonParams) -> Result<(SdkConfig, Resolution, String)> {
    let cacheable = !params.auth.has_static_keys();
    let key = if cacheable { cache_key(call, params) } else { String::new() };
    if cacheable {
        if let Some(built) = call.ctx.configs.get(&key).and_then(|v| v.downcast::<Built>().ok()) {
            return Ok((built.config.clone(), built.resolution.clone(), key));
        }
    }
    let resolution = crate::credentials::resolve(call, params).await?;
    // The resolution's environment carries the selected profile's ca_bundle.
    let mut loader = loader(&Call::new(call.ctx.clone(), resolution.env.clone()))?
        .credentials_provider(resolution.provider.clone())
        .region(Region::new(resolution.region.clone()))
        .profile_files(resolution.profile_source.profile_files(&call.env));
    if let Some(name) = &resolution.profile_name {
        loader = loader.profile_name(name);
    }
    if let Some(attempts) = params.max_attempts {
        if !(1..=20).contains(&attempts) {
            return Err(Error::invalid_request("The number of attempts must be between 1 and 20."));
        }
        // The standard retry mode (exponential backoff with jitter) with this many attempts.
        loader = loader.retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(attempts));
    }
    let config = loader.load().await;
    if cacheable {
        let built: AnyValue = Arc::new(Built { config: config.clone(), resolution: resolution.clone() });
        call.ctx.configs.insert(key.clone(), built);
    }
    Ok((config, resolution, key))
}

/// The cache key of a client: the configuration's key and the client's own settings; empty (not
/// cached) when the configuration is not cached.
pub fn client_key(config_key: &str, settings: &str) -> String {
    if config_key.is_empty() {
        String::new()
    } else {
        format!("{settings}|{config_key}")
    }
}

/// A client built once per distinct configuration and reused by later calls (building one per
/// call would cost more than the call to a nearby endpoint). `key` empty: not cached.
pub fn cached_client<C: Clone + Send + Sync + 'static>(call: &Call, key: String, build: impl FnOnce() -> C) -> C {
    if key.is_empty() {
        return build();
    }
    if let Some(c) = call.ctx.clients.get(&key).and_then(|b| b.downcast::<C>().ok()) {
        return (*c).clone();
    }
    let client = build();
    call.ctx.clients.insert(key, Arc::new(client.clone()));
    client
}
