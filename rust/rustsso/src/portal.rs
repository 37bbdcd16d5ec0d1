//! The SSO portal operations exposed as commands: accounts, roles and role credentials for the
//! token of an SSO profile, page by page.

use crate::config::{ProfileSource, SsoProfile};
use crate::context::Call;
use crate::error::Result;
use crate::params::CommonParams;
use crate::sdk_error::map_sdk_error_at;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalParams {
    #[serde(flatten)]
    pub common: CommonParams,
    pub account_id: Option<String>,
    pub role_name: Option<String>,
    /// List with the token of this sso-session instead of a profile's.
    pub session_name: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i32>,
}

/// The SSO profile named by the parameters (or selected by AWS_PROFILE / default), or the
/// sso-session named directly.
async fn sso_profile(call: &Call, common: &CommonParams, session_name: Option<&str>) -> Result<(SsoProfile, ProfileSource, Call)> {
    crate::login::target(call, common, session_name).await
}

#[derive(Debug, Serialize)]
pub struct AccountPage {
    pub accounts: Vec<Account>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Account {
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub email_address: Option<String>,
}

pub async fn list_accounts(call: Call, p: PortalParams) -> Result<AccountPage> {
    let (profile, source, call) = sso_profile(&call, &p.common, p.session_name.as_deref()).await?;
    let token = crate::sso::valid_token(&call, &profile, &source).await?;
    let clients = crate::sso_clients::clients(&call, profile.config_profile(), &source, &profile.sso_region).await?;
    let out = clients
        .portal
        .list_accounts()
        .access_token(token.access_token.expose())
        .set_next_token(p.next_token.filter(|t| !t.is_empty()))
        .set_max_results(p.max_results)
        .send()
        .await
        .map_err(|e| map_sdk_error_at("SSO ListAccounts", Some(&clients.portal_host), e))?;
    Ok(AccountPage {
        accounts: out
            .account_list()
            .iter()
            .map(|a| Account {
                account_id: a.account_id().map(str::to_string),
                account_name: a.account_name().map(str::to_string),
                email_address: a.email_address().map(str::to_string),
            })
            .collect(),
        next_token: out.next_token().map(str::to_string),
    })
}

#[derive(Debug, Serialize)]
pub struct RolePage {
    pub roles: Vec<Role>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Role {
    pub account_id: Option<String>,
    pub role_name: Option<String>,
}

pub async fn list_account_roles(call: Call, p: PortalParams) -> Result<RolePage> {
    let (profile, source, call) = sso_profile(&call, &p.common, p.session_name.as_deref()).await?;
    // -AccountId, else the account of an SSO role credential, else the profile's.
    let account_id = p
        .account_id
        .clone()
        .filter(|a| !a.trim().is_empty())
        .or_else(|| p.common.auth.account_id.clone().filter(|a| !a.trim().is_empty()))
        .unwrap_or_else(|| profile.account_id.clone());
    if account_id.trim().is_empty() {
        return Err(crate::error::Error::with_code(
            crate::error::Status::InvalidRequest,
            "AccountIdRequired",
            format!("{} names no account (sso_account_id). Pass -AccountId.", profile.describe()),
        ));
    }
    let token = crate::sso::valid_token(&call, &profile, &source).await?;
    let clients = crate::sso_clients::clients(&call, profile.config_profile(), &source, &profile.sso_region).await?;
    let out = clients
        .portal
        .list_account_roles()
        .access_token(token.access_token.expose())
        .account_id(account_id)
        .set_next_token(p.next_token.filter(|t| !t.is_empty()))
        .set_max_results(p.max_results)
        .send()
        .await
        .map_err(|e| map_sdk_error_at("SSO ListAccountRoles", Some(&clients.portal_host), e))?;
    Ok(RolePage {
        roles: out
            .role_list()
            .iter()
            .map(|r| Role { account_id: r.account_id().map(str::to_string), role_name: r.role_name().map(str::to_string) })
            .collect(),
        next_token: out.next_token().map(str::to_string),
    })
}

/// Role credentials for the profile's account and role, or for the given ones.
pub async fn get_role_credentials(call: Call, p: PortalParams) -> Result<crate::credentials::ExportedCredentials> {
    let (mut profile, source, call) = sso_profile(&call, &p.common, p.session_name.as_deref()).await?;
    // -AccountId/-RoleName, else those of an SSO role credential, else the profile's.
    let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    if let Some(a) = given(p.account_id).or_else(|| given(p.common.auth.account_id.clone())) {
        profile.account_id = a;
    }
    if let Some(r) = given(p.role_name).or_else(|| given(p.common.auth.role_name.clone())) {
        profile.role_name = r;
    }
    let creds = crate::sso::role_credentials(&call, &profile, &source).await?;
    let mut exported = crate::credentials::ExportedCredentials::new(&creds, Some(profile.account_id.clone()), true);
    exported.role_name = Some(profile.role_name.clone());
    Ok(exported)
}
