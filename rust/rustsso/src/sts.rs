//! STS GetCallerIdentity: who the resolved credentials belong to.

use crate::aws::{map_sdk_error, sdk_config, CommonParams};
use crate::diagnostics::{CallMeta, EndpointRecorder, WithMeta};
use crate::error::Result;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct CallerIdentity {
    pub account: Option<String>,
    pub arn: Option<String>,
    pub user_id: Option<String>,
}

pub async fn get_caller_identity(p: CommonParams) -> Result<WithMeta<CallerIdentity>> {
    let started = std::time::Instant::now();
    let recorder = EndpointRecorder::default();
    let (sdk, resolution, config_key) = sdk_config(&p).await?;
    let endpoint = p.endpoint_url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let key = format!("sts|{}|{}", config_key, endpoint.unwrap_or_default());
    let client = crate::aws::cached_client(key, || {
        let mut conf = aws_sdk_sts::config::Builder::from(&sdk);
        if let Some(url) = endpoint {
            conf = conf.endpoint_url(url);
        }
        aws_sdk_sts::Client::from_conf(conf.build())
    });
    let out = client
        .get_caller_identity()
        .customize()
        .interceptor(recorder.clone())
        .send()
        .await
        .map_err(|e| map_sdk_error("STS GetCallerIdentity", e))?;
    let identity = CallerIdentity {
        account: out.account().map(str::to_string),
        arn: out.arn().map(str::to_string),
        user_id: out.user_id().map(str::to_string),
    };
    Ok(WithMeta { result: identity, meta: CallMeta::new("STS GetCallerIdentity", started, &recorder, &resolution) })
}
