//! STS GetCallerIdentity: who the resolved credentials belong to.

use crate::aws::{map_sdk_error, sdk_config, CommonParams};
use crate::error::Result;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct CallerIdentity {
    pub account: Option<String>,
    pub arn: Option<String>,
    pub user_id: Option<String>,
}

pub async fn get_caller_identity(p: CommonParams) -> Result<CallerIdentity> {
    let sdk = sdk_config(&p).await?;
    let client = aws_sdk_sts::Client::new(&sdk);
    let out = client
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| map_sdk_error("STS GetCallerIdentity", e))?;
    Ok(CallerIdentity {
        account: out.account().map(str::to_string),
        arn: out.arn().map(str::to_string),
        user_id: out.user_id().map(str::to_string),
    })
}
