//! S3 ListBuckets, one page per call so the caller can stream pages and stop early.

use crate::context::Call;
use crate::diagnostics::{CallMeta, EndpointRecorder, WithMeta};
use crate::error::Result;
use crate::params::CommonParams;
use crate::sdk_error::map_sdk_error_at;
use crate::service_config::{cached_client, client_key, sdk_config};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListBucketsParams {
    #[serde(flatten)]
    pub common: CommonParams,
    /// Path-style addressing; defaults to on when an endpoint URL is given, as in AWS Tools.
    pub force_path_style: Option<bool>,
    pub max_buckets: Option<i32>,
    pub continuation_token: Option<String>,
    pub prefix: Option<String>,
    pub bucket_region: Option<String>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Bucket {
    pub name: String,
    /// RFC 3339, UTC.
    pub creation_date: Option<String>,
    pub bucket_region: Option<String>,
    pub bucket_arn: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Owner {
    pub id: Option<String>,
    pub display_name: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ListBucketsPage {
    pub buckets: Vec<Bucket>,
    pub continuation_token: Option<String>,
    pub prefix: Option<String>,
    pub owner: Option<Owner>,
}

pub async fn list_buckets_page(call: Call, p: ListBucketsParams) -> Result<WithMeta<ListBucketsPage>> {
    let started = std::time::Instant::now();
    let recorder = EndpointRecorder::default();
    let (sdk, resolution, config_key) = sdk_config(&call, &p.common).await?;
    let endpoint = p.common.endpoint_url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let path_style = p.force_path_style.unwrap_or(endpoint.is_some());
    let key = client_key(&config_key, &format!("s3|{}|{path_style}", endpoint.unwrap_or_default()));
    let client = cached_client(&call, key, || {
        let mut conf =
            aws_sdk_s3::config::Builder::from(&sdk).force_path_style(path_style).retry_classifier(crate::net::NoRetryOnCertificateFailure);
        if let Some(url) = endpoint {
            conf = conf.endpoint_url(url);
        }
        aws_sdk_s3::Client::from_conf(conf.build())
    });
    let out = client
        .list_buckets()
        .set_max_buckets(p.max_buckets)
        .set_continuation_token(p.continuation_token.filter(|t| !t.is_empty()))
        .set_prefix(p.prefix.filter(|t| !t.is_empty()))
        .set_bucket_region(p.bucket_region.filter(|t| !t.is_empty()))
        .customize()
        .interceptor(recorder.clone())
        .send()
        .await
        .map_err(|e| map_sdk_error_at("S3 ListBuckets", recorder.endpoint().map(|u| crate::sso_clients::host_of(&u)).as_deref(), e))?;
    let buckets = out
        .buckets()
        .iter()
        .map(|b| Bucket {
            name: b.name().unwrap_or_default().to_string(),
            creation_date: b
                .creation_date()
                .and_then(|d| time::OffsetDateTime::from_unix_timestamp_nanos(d.as_nanos()).ok()?.format(&Rfc3339).ok()),
            bucket_region: b.bucket_region().map(str::to_string),
            bucket_arn: b.bucket_arn().map(str::to_string),
        })
        .collect();
    let page = ListBucketsPage {
        buckets,
        continuation_token: out.continuation_token().map(str::to_string),
        prefix: out.prefix().map(str::to_string),
        owner: out.owner().map(|o| Owner { id: o.id().map(str::to_string), display_name: o.display_name().map(str::to_string) }),
    };
    Ok(WithMeta { result: page, meta: CallMeta::new(&call, "S3 ListBuckets", started, &recorder, &resolution) })
}
