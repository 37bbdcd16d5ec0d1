//! The parameters every command shares: where credentials come from, the region, the endpoint
//! and the retry budget, as bound by the PowerShell parameters.

use crate::secret::SecretString;
use serde::Deserialize;

/// Where credentials come from, as bound by the PowerShell parameters.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct AuthParams {
    pub access_key: Option<String>,
    pub secret_key: Option<SecretString>,
    pub session_token: Option<SecretString>,
    pub profile: Option<String>,
    pub profile_location: Option<String>,
    /// An SSO role credential: the sso-session whose token is used (instead of the profile's).
    pub sso_session: Option<String>,
    /// An SSO role credential: this account and role, with the token of the profile or session.
    pub account_id: Option<String>,
    pub role_name: Option<String>,
}

impl AuthParams {
    /// Whether static keys were passed with this call.
    pub fn has_static_keys(&self) -> bool {
        self.access_key.as_deref().is_some_and(|k| !k.trim().is_empty())
            || self.secret_key.as_ref().is_some_and(|k| !k.expose().trim().is_empty())
    }
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

/// A trimmed, non-empty value.
pub fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}
