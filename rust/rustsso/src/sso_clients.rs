//! SSO portal and OIDC clients for one SSO region and profile, honouring the endpoint settings
//! (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC, the profile's
//! endpoint_url), built once per distinct setting and kept in the context.

use crate::config::ProfileSource;
use crate::context::{AnyValue, Call};
use aws_config::Region;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct SsoClients {
    pub portal: aws_sdk_sso::Client,
    pub oidc: aws_sdk_ssooidc::Client,
    /// Base URL of the OIDC service, for the browser's /authorize page.
    pub oidc_base_url: String,
    /// Base URL of the portal API.
    pub portal_url: String,
    /// Host of the portal API, for messages ("portal.sso.us-east-1.amazonaws.com").
    pub portal_host: String,
}

pub async fn clients(call: &Call, profile_name: Option<&str>, source: &ProfileSource, sso_region: &str) -> crate::Result<SsoClients> {
    let key = format!(
        "sso|{}|{}|{sso_region}|{}|{}",
        profile_name.unwrap_or_default(),
        source.location.as_deref().unwrap_or_default(),
        call.env.fingerprint(),
        crate::net::bundle_stamps(&call.env)
    );
    if let Some(c) = call.ctx.clients.get(&key).and_then(|v| v.downcast::<SsoClients>().ok()) {
        return Ok((*c).clone());
    }
    let mut loader = crate::service_config::loader(call)?
        .region(Region::new(sso_region.to_string()))
        .no_credentials()
        .profile_files(source.profile_files(&call.env));
    if let Some(name) = profile_name {
        loader = loader.profile_name(name);
    }
    let sdk = loader.load().await;
    let base = |specific: &str, default: String| {
        call.env
            .get(specific)
            .map(str::to_string)
            .or_else(|| sdk.endpoint_url().map(str::to_string))
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .unwrap_or(default)
    };
    let oidc_base_url = base("AWS_ENDPOINT_URL_SSO_OIDC", format!("https://oidc.{sso_region}.amazonaws.com"));
    let portal_url = base("AWS_ENDPOINT_URL_SSO", format!("https://portal.sso.{sso_region}.amazonaws.com"));
    let clients = SsoClients {
        portal: aws_sdk_sso::Client::from_conf(
            aws_sdk_sso::config::Builder::from(&sdk).retry_classifier(crate::net::NoRetryOnCertificateFailure).build(),
        ),
        oidc: aws_sdk_ssooidc::Client::from_conf(
            aws_sdk_ssooidc::config::Builder::from(&sdk).retry_classifier(crate::net::NoRetryOnCertificateFailure).build(),
        ),
        oidc_base_url,
        portal_host: host_of(&portal_url),
        portal_url,
    };
    let value: AnyValue = Arc::new(clients.clone());
    call.ctx.clients.insert(key, value);
    Ok(clients)
}

/// The host (and port) of a URL, without user information.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority.rsplit('@').next().unwrap_or(authority).to_string()
}
