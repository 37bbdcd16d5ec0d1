//! SSO logout, as the AWS CLI does it: for each token, the portal's Logout API (errors
//! ignored), then the token file is deleted; the CLI's cached role credentials of SSO
//! (`~/.aws/cli/cache/*.json` with `ProviderType: sso`) are deleted too; client registrations
//! stay. Planned first, so PowerShell can ask -WhatIf / -Confirm about each file.

use crate::config::{self, ProfileKind};
use crate::context::Call;
use crate::error::{Error, Result, Status};
use crate::params::CommonParams;
use crate::token_cache;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanParams {
    #[serde(flatten)]
    pub common: CommonParams,
    pub session_name: Option<String>,
    #[serde(default)]
    pub all: bool,
}

#[derive(Debug, Serialize, Deserialize, Clone)]
pub struct PlannedFile {
    pub path: String,
    /// token or role-cache.
    pub kind: String,
    pub description: String,
}

fn cli_cache_dir(call: &Call) -> Result<PathBuf> {
    call.env
        .home_dir()
        .map(|h| h.join(".aws").join("cli").join("cache"))
        .ok_or_else(|| Error::new(Status::Io, "The home directory could not be determined."))
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn is_token(path: &Path) -> bool {
    token_cache::read_object(path).is_some_and(|o| o.get("accessToken").is_some_and(|v| v.is_string()))
}

fn is_sso_role_cache(path: &Path) -> bool {
    token_cache::read_object(path).is_some_and(|o| o.get("ProviderType").and_then(|v| v.as_str()) == Some("sso"))
}

/// The CLI's role-credential cache key for an SSO profile.
pub fn role_cache_key(account_id: &str, role_name: &str, session_name: Option<&str>, start_url: &str) -> String {
    use crate::cli_json::{Field, Object, Style};
    use sha1::Digest;
    // json.dumps(..., sort_keys=True, separators=(",", ":"))
    let last = match session_name {
        Some(s) => ("sessionName", Field::Str(s)),
        None => ("startUrl", Field::Str(start_url)),
    };
    let fields = [("accountId", Field::Str(account_id)), ("roleName", Field::Str(role_name)), last];
    hex::encode(sha1::Sha1::digest(crate::cli_json::to_string(&Object(&fields), Style::Compact).as_bytes()))
}

pub async fn plan(call: Call, p: PlanParams) -> Result<Vec<PlannedFile>> {
    let token_dir = token_cache::cache_dir(&call.env)?;
    let cli_dir = cli_cache_dir(&call)?;
    let mut out = Vec::new();
    let mut push = |path: &Path, kind: &str, description: String| {
        out.push(PlannedFile { path: path.to_string_lossy().to_string(), kind: kind.to_string(), description })
    };
    if p.all {
        for f in json_files(&token_dir).into_iter().filter(|f| is_token(f)) {
            push(&f, "token", "cached SSO token".into());
        }
        for f in json_files(&cli_dir).into_iter().filter(|f| is_sso_role_cache(f)) {
            push(&f, "role-cache", "AWS CLI cached SSO role credentials".into());
        }
        return Ok(out);
    }
    let (target, source, _) = crate::login::target(&call, &p.common, p.session_name.as_deref()).await?;
    let location = crate::sso::token_location(&call, &target)?;
    if is_token(&location.path) {
        push(&location.path, "token", format!("cached SSO token of {}", target.describe()));
    }
    // Role credentials the CLI cached for the profile, or for every profile of the session.
    let profiles = source.load(&call.env).await?;
    let mut roles = Vec::new();
    if target.session_only {
        for name in profiles.profiles() {
            if let Ok(ProfileKind::Sso(sp)) = config::resolve_profile(&profiles, name) {
                if sp.session_name == target.session_name {
                    roles.push(sp);
                }
            }
        }
    } else {
        roles.push(target.clone());
    }
    for sp in roles.into_iter().filter(|sp| !sp.account_id.is_empty() && !sp.role_name.is_empty()) {
        let key = role_cache_key(&sp.account_id, &sp.role_name, sp.session_name.as_deref(), &sp.start_url);
        let file = cli_dir.join(format!("{key}.json"));
        if is_sso_role_cache(&file) {
            push(&file, "role-cache", format!("AWS CLI cached role credentials of profile '{}'", sp.profile_name));
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyParams {
    pub files: Vec<PlannedFile>,
}

#[derive(Debug, Serialize)]
pub struct Removed {
    pub path: String,
    pub kind: String,
    pub logout_called: bool,
}

/// Logs out and deletes the planned files (only files inside the two cache folders).
pub async fn apply(call: Call, p: ApplyParams) -> Result<Vec<Removed>> {
    let token_dir = token_cache::cache_dir(&call.env)?;
    let cli_dir = cli_cache_dir(&call)?;
    let mut removed = Vec::new();
    for f in p.files {
        let path = PathBuf::from(&f.path);
        let parent_ok = path.parent().is_some_and(|d| d == token_dir || d == cli_dir);
        if !parent_ok || path.extension().is_none_or(|x| x != "json") {
            return Err(Error::invalid_request(format!("'{}' is not a file of the SSO or CLI cache.", f.path)));
        }
        let mut logout_called = false;
        if f.kind == "token" {
            if let Some(obj) = token_cache::read_object(&path) {
                let token = obj.get("accessToken").and_then(|v| v.as_str());
                let region = obj.get("region").and_then(|v| v.as_str());
                if let (Some(token), Some(region)) = (token, region) {
                    // Errors are ignored, as the CLI does: the files go either way.
                    if let Ok(clients) = crate::sso_clients::clients(&call, None, &Default::default(), region).await {
                        logout_called = clients.portal.logout().access_token(token).send().await.is_ok();
                    }
                }
            }
        }
        if f.kind == "token" {
            // The role credentials of this token must not outlive it in memory.
            call.ctx.invalidate_token(&path);
        }
        // A token is deleted under its refresh lock, so a refresh in flight cannot write it back
        // afterwards; temporary files a killed writer left (they may hold a token) go with it.
        let _lock = match (f.kind == "token", path.file_stem().and_then(|s| s.to_str())) {
            (true, Some(key)) => {
                let lock = token_cache::lock_async(&token_dir, key, crate::sso::LOCK_WAIT).await?;
                token_cache::sweep_temporaries(&token_dir, key, std::time::Duration::ZERO);
                Some(lock)
            }
            _ => None,
        };
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(Removed { path: f.path, kind: f.kind, logout_called }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::new(Status::Io, format!("Could not delete '{}': {e}", f.path))),
        }
    }
    Ok(removed)
}
