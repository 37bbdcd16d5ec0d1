//! What PowerShell's -Verbose and -Debug streams show about a call: the endpoint it reached, how
//! long it took, and where its credentials and region came from. Never a secret: the endpoint is
//! recorded without its query string and no header is looked at.

use crate::credentials::Resolution;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Records the URL (scheme, host, port, path) of the last request an operation sent.
#[derive(Clone, Default, Debug)]
pub struct EndpointRecorder(Arc<Mutex<Option<String>>>);

impl EndpointRecorder {
    pub fn endpoint(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Intercept for EndpointRecorder {
    fn name(&self) -> &'static str {
        "EndpointRecorder"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let uri = context.request().uri();
        let without_query = uri.split('?').next().unwrap_or(uri);
        // Never keep user:password@ from an endpoint URL.
        let without_query = match without_query.split_once("://") {
            Some((scheme, rest)) => match rest.split_once('/') {
                Some((authority, path)) => format!("{scheme}://{}/{path}", authority.rsplit('@').next().unwrap_or(authority)),
                None => format!("{scheme}://{}", rest.rsplit('@').next().unwrap_or(rest)),
            },
            None => without_query.to_string(),
        };
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(without_query);
        Ok(())
    }
}

/// Diagnostics returned beside an operation's result.
#[derive(Debug, Serialize, Clone)]
pub struct CallMeta {
    pub operation: &'static str,
    pub endpoint: Option<String>,
    pub duration_ms: u64,
    pub credential_source: String,
    pub region: String,
    pub region_source: String,
    /// When the SSO token behind the credentials expires (SSO profiles only).
    pub token_expires_at: Option<String>,
    /// The proxy (host and port, never credentials) and the certificates trusted.
    pub network: String,
}

impl CallMeta {
    pub fn new(
        call: &crate::context::Call,
        operation: &'static str,
        started: Instant,
        recorder: &EndpointRecorder,
        resolution: &Resolution,
    ) -> Self {
        let token_expires_at = resolution.sso.as_ref().and_then(|sso| crate::sso::token_expiry(call, sso));
        CallMeta {
            operation,
            endpoint: recorder.endpoint(),
            duration_ms: started.elapsed().as_millis() as u64,
            credential_source: resolution.credential_source.clone(),
            region: resolution.region.clone(),
            region_source: resolution.region_source.clone(),
            token_expires_at,
            network: crate::net::describe(&resolution.env),
        }
    }
}

/// An operation's result with its diagnostics: `{"result": ..., "meta": {...}}`.
#[derive(Debug, Serialize)]
pub struct WithMeta<T: Serialize> {
    pub result: T,
    pub meta: CallMeta,
}
