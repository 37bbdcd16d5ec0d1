//! A listing of every profile for Get-AWSCredential -ListProfileDetail and the -ProfileName
//! completer: read from disk only, no network call.

use crate::config::{self, ProfileKind, ProfileSource};
use crate::context::Call;
use crate::error::Result;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub profile_location: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ProfileDetail {
    pub profile_name: String,
    /// sso, sso-legacy, static, credential-process, assume-role, web-identity, other.
    pub kind: &'static str,
    pub profile_location: Option<String>,
    pub region: Option<String>,
    pub sso_session: Option<String>,
    pub sso_start_url: Option<String>,
    pub account_id: Option<String>,
    pub role_name: Option<String>,
    /// valid, refreshable, expired, missing (SSO profiles only).
    pub token_status: Option<&'static str>,
    pub token_expires_at: Option<String>,
    /// A validation problem of the profile, if any.
    pub problem: Option<String>,
}

pub async fn list(call: Call, p: ListParams) -> Result<Vec<ProfileDetail>> {
    let source = ProfileSource::new(p.profile_location.as_deref(), &call.env);
    let profiles = source.load(&call.env).await?;
    let files = source.candidate_files(&call.env);
    let file_text: Vec<(String, String)> =
        files.iter().filter_map(|f| Some((f.to_string_lossy().to_string(), std::fs::read_to_string(f).ok()?))).collect();
    let mut names: Vec<&str> = profiles.profiles().collect();
    names.sort_unstable();
    let now = call.now();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let profile = profiles.get_profile(name);
        let has = |key: &str| profile.and_then(|p| p.get(key)).is_some();
        let location = file_text
            .iter()
            .find(|(_, text)| {
                text.lines().any(|l| {
                    let l = l.trim();
                    l == format!("[{name}]") || l == format!("[profile {name}]")
                })
            })
            .map(|(path, _)| path.clone());
        let mut detail = ProfileDetail {
            profile_name: name.to_string(),
            kind: "other",
            profile_location: location,
            region: config::profile_region(&profiles, name),
            sso_session: None,
            sso_start_url: None,
            account_id: None,
            role_name: None,
            token_status: None,
            token_expires_at: None,
            problem: None,
        };
        match config::resolve_profile(&profiles, name) {
            Ok(ProfileKind::Sso(sso)) => {
                detail.kind = if sso.session_name.is_some() { "sso" } else { "sso-legacy" };
                let token = crate::sso::token_location(&call, &sso).ok().and_then(|l| crate::sso::read_profile_token(&call, &sso, &l.path));
                detail.token_status = Some(match &token {
                    None => "missing",
                    Some(t) if !t.is_expired(now) => "valid",
                    Some(t) if sso.session_name.is_some() && t.is_refreshable(now) => "refreshable",
                    Some(_) => "expired",
                });
                detail.token_expires_at = token.map(|t| crate::token_cache::format_timestamp(t.expires_at));
                detail.sso_session = sso.session_name;
                detail.sso_start_url = Some(sso.start_url);
                detail.account_id = Some(sso.account_id);
                detail.role_name = Some(sso.role_name);
            }
            Ok(ProfileKind::Other) => {
                detail.kind = if has("credential_process") {
                    "credential-process"
                } else if has("web_identity_token_file") {
                    "web-identity"
                } else if has("role_arn") {
                    "assume-role"
                } else if has("aws_access_key_id") {
                    "static"
                } else {
                    "other"
                };
            }
            Err(e) => {
                detail.kind = "sso";
                detail.problem = Some(e.message);
            }
        }
        out.push(detail);
    }
    Ok(out)
}
