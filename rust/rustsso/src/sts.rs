//! STS GetCallerIdentity: who the resolved credentials belong to.

use crate::context::Call;
use crate::diagnostics::{CallMeta, EndpointRecorder, WithMeta};
use crate::error::Result;
use crate::params::CommonParams;
use crate::sdk_error::map_sdk_error_at;
use crate::service_config::{cached_client, client_key, sdk_config};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct CallerIdentity {
    pub account: Option<String>,
    pub arn: Option<String>,
    pub user_id: Option<String>,
}

pub async fn get_caller_identity(call: Call, p: CommonParams) -> Result<WithMeta<CallerIdentity>> {
    let started = std::time::Instant::now();
    let recorder = EndpointRecorder::default();
    let (sdk, resolution, config_key) = sdk_config(&call, &p).await?;
    let endpoint = p.endpoint_url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let key = client_key(&config_key, &format!("sts|{}", endpoint.unwrap_or_default()));
    let client = cached_client(&call, key, || {
        let mut conf = aws_sdk_sts::config::Builder::from(&sdk).retry_classifier(crate::net::NoRetryOnCertificateFailure);
        if let Some(url) = endpoint {
            conf = conf.endpoint_url(url);
        }
        aws_sdk_sts::Client::from_conf(conf.build())
    });
    let out = client.get_caller_identity().customize().interceptor(recorder.clone()).send().await.map_err(|e| {
        map_sdk_error_at("STS GetCallerIdentity", recorder.endpoint().map(|u| crate::sso_clients::host_of(&u)).as_deref(), e)
    })?;
    let identity = CallerIdentity {
        account: out.account().map(str::to_string),
        arn: out.arn().map(str::to_string),
        user_id: out.user_id().map(str::to_string),
    };
    Ok(WithMeta { result: identity, meta: CallMeta::new(&call, "STS GetCallerIdentity", started, &recorder, &resolution) })
}
