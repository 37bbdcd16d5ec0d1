//! The shared AWS configuration, loaded with aws-config's own profile parser, and the checks
//! this library makes on it before any network call.

use crate::error::{Error, Result, Status};
use aws_config::profile::ProfileSet;
use aws_types::os_shim_internal::{Env, Fs};
use std::borrow::Cow;
use std::path::PathBuf;

#[allow(deprecated)] // the aliases name aws-runtime's types; aws-runtime is not a direct dependency
use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};

/// The user's home directory. On Windows the AWS CLI's rule (USERPROFILE first) is used, so that
/// this library and the CLI share one cache even where HOME is also set (Git Bash, some CI).
pub fn home_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    #[cfg(windows)]
    {
        var("USERPROFILE").or_else(|| var("HOME")).or_else(|| {
            let drive = std::env::var_os("HOMEDRIVE")?;
            let path = std::env::var_os("HOMEPATH")?;
            let mut p = PathBuf::from(drive);
            p.push(path);
            Some(p)
        })
    }
    #[cfg(not(windows))]
    {
        var("HOME")
    }
}

/// Which files to read profiles from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ProfileSource {
    /// Read only this file (AWS Tools' -ProfileLocation), as both config and credentials file.
    pub location: Option<String>,
}

impl ProfileSource {
    #[allow(deprecated)]
    pub fn profile_files(&self) -> ProfileFiles {
        match &self.location {
            Some(location) => ProfileFiles::builder()
                .with_file(ProfileFileKind::Config, location)
                .with_file(ProfileFileKind::Credentials, location)
                .build(),
            None => {
                let mut builder = ProfileFiles::builder();
                let mut any = false;
                for (kind, env_var, default_name) in [
                    (ProfileFileKind::Config, "AWS_CONFIG_FILE", "config"),
                    (ProfileFileKind::Credentials, "AWS_SHARED_CREDENTIALS_FILE", "credentials"),
                ] {
                    let explicit = std::env::var(env_var).ok().filter(|v| !v.trim().is_empty());
                    match (explicit, home_dir()) {
                        (Some(_), _) | (None, None) => {
                            any = true;
                            builder = match kind {
                                ProfileFileKind::Config => builder.include_default_config_file(true),
                                _ => builder.include_default_credentials_file(true),
                            }
                        }
                        (None, Some(home)) => {
                            // The home directory rule of this library, not aws-config's.
                            let path = home.join(".aws").join(default_name);
                            if path.is_file() {
                                any = true;
                                builder = builder.with_file(kind, path);
                            }
                        }
                    }
                }
                if !any {
                    // Nothing exists: the default files, which aws-config treats as empty.
                    builder = builder.include_default_config_file(true);
                }
                builder.build()
            }
        }
    }

    /// The files that would be read (existing or not), for change detection.
    pub fn candidate_files(&self) -> Vec<PathBuf> {
        if let Some(location) = &self.location {
            return vec![PathBuf::from(location)];
        }
        let home = home_dir();
        [("AWS_CONFIG_FILE", "config"), ("AWS_SHARED_CREDENTIALS_FILE", "credentials")]
            .iter()
            .filter_map(|(var, name)| {
                std::env::var(var)
                    .ok()
                    .filter(|v| !v.trim().is_empty())
                    .map(PathBuf::from)
                    .or_else(|| home.as_ref().map(|h| h.join(".aws").join(name)))
            })
            .collect()
    }

    /// Loads every profile and sso-session with aws-config's parser.
    pub async fn load(&self) -> Result<ProfileSet> {
        if let Some(location) = &self.location {
            if !std::path::Path::new(location).is_file() {
                return Err(Error::with_code(
                    Status::ProfileNotFound,
                    "ProfileLocationNotFound",
                    format!("The profile file '{location}' given by -ProfileLocation does not exist."),
                ));
            }
        }
        aws_config::profile::load(&Fs::real(), &Env::real(), &self.profile_files(), None::<Cow<'static, str>>)
            .await
            .map_err(|e| {
                Error::with_code(
                    Status::InvalidConfig,
                    "InvalidConfigFile",
                    format!("The AWS config files could not be read: {}", crate::aws::error_chain(&e)),
                )
            })
    }
}

/// The name of the selected profile and whether the user named it explicitly.
pub fn selected_profile_name(explicit: Option<&str>) -> (String, bool) {
    if let Some(name) = explicit.map(str::trim).filter(|s| !s.is_empty()) {
        return (name.to_string(), true);
    }
    for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
        if let Ok(v) = std::env::var(var) {
            if !v.trim().is_empty() {
                return (v.trim().to_string(), true);
            }
        }
    }
    ("default".to_string(), false)
}

/// The SSO settings of a profile, validated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SsoProfile {
    pub profile_name: String,
    /// The sso-session name; None for a legacy profile (start URL in the profile itself).
    pub session_name: Option<String>,
    pub start_url: String,
    pub sso_region: String,
    pub account_id: String,
    pub role_name: String,
    pub scopes: Vec<String>,
    /// True when this stands for an `[sso-session]` alone (login and logout by session name),
    /// not for a profile of the config file.
    pub session_only: bool,
}

impl SsoProfile {
    /// A login target for an sso-session named directly.
    pub fn for_session(session: &SsoSessionConfig) -> SsoProfile {
        SsoProfile {
            profile_name: session.name.clone(),
            session_name: Some(session.name.clone()),
            start_url: session.start_url.clone(),
            sso_region: session.sso_region.clone(),
            account_id: String::new(),
            role_name: String::new(),
            scopes: session.scopes.clone(),
            session_only: true,
        }
    }

    /// The profile whose settings (endpoint_url) apply to the SSO calls, if any.
    pub fn config_profile(&self) -> Option<&str> {
        (!self.session_only).then_some(self.profile_name.as_str())
    }

    /// The command that logs in for this profile: the module's own, and the AWS CLI's.
    pub fn login_hint(&self) -> String {
        if self.session_only {
            let session = self.session_name.as_deref().unwrap_or_default();
            return format!("Run 'Invoke-AWSSSOLogin -SessionName {session}' (or 'aws sso login --sso-session {session}').");
        }
        match &self.session_name {
            Some(session) => format!(
                "Run 'Invoke-AWSSSOLogin -ProfileName {}' (or 'aws sso login --sso-session {}').",
                self.profile_name, session
            ),
            None => format!(
                "Run 'Invoke-AWSSSOLogin -ProfileName {0}' (or 'aws sso login --profile {0}').",
                self.profile_name
            ),
        }
    }

    /// "profile 'x' (sso-session 'y')" or "profile 'x' (start URL ...)", for messages.
    pub fn describe(&self) -> String {
        if self.session_only {
            return format!("sso-session '{}'", self.profile_name);
        }
        match &self.session_name {
            Some(session) => format!("profile '{}' (sso-session '{}')", self.profile_name, session),
            None => format!("profile '{}' (legacy SSO, start URL {})", self.profile_name, self.start_url),
        }
    }
}

/// An sso-session section on its own (for login and logout by session name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSessionConfig {
    pub name: String,
    pub start_url: String,
    pub sso_region: String,
    pub scopes: Vec<String>,
}

/// Parses `sso_registration_scopes` (comma separated, whitespace stripped).
pub fn parse_scopes(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads an `[sso-session NAME]` section.
pub fn sso_session(profiles: &ProfileSet, name: &str, profile_name: Option<&str>) -> Result<SsoSessionConfig> {
    let owner = profile_name.map(|p| format!(" (named by profile '{p}')")).unwrap_or_default();
    let section = profiles.sso_session(name).ok_or_else(|| {
        Error::with_code(
            Status::InvalidConfig,
            "SsoSessionNotFound",
            format!("The config file has no [sso-session {name}] section{owner}. Add it with Set-AWSSSOSessionConfiguration or 'aws configure sso-session'."),
        )
    })?;
    let require = |key: &str| {
        section.get(key).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).ok_or_else(|| {
            Error::with_code(
                Status::InvalidConfig,
                "IncompleteSsoSession",
                format!("The [sso-session {name}] section has no '{key}'."),
            )
        })
    };
    Ok(SsoSessionConfig {
        name: name.to_string(),
        start_url: require("sso_start_url")?,
        sso_region: require("sso_region")?,
        scopes: parse_scopes(section.get("sso_registration_scopes")),
    })
}

/// What a profile is, after validation.
#[derive(Debug, Clone)]
pub enum ProfileKind {
    Sso(SsoProfile),
    /// Any other kind (static keys, credential_process, role_arn, web identity): aws-config's
    /// own providers resolve these.
    Other,
}

/// Finds a profile by name and validates its SSO settings. Never falls back to another profile.
pub fn resolve_profile(profiles: &ProfileSet, name: &str) -> Result<ProfileKind> {
    let profile = profiles.get_profile(name).ok_or_else(|| {
        let mut known: Vec<&str> = profiles.profiles().collect();
        known.sort_unstable();
        Error::new(
            Status::ProfileNotFound,
            format!(
                "The profile '{name}' was not found in the AWS config or credentials file. Known profiles: {}.",
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            ),
        )
    })?;
    let get = |key: &str| profile.get(key).map(str::trim).filter(|v| !v.is_empty());
    let session_name = get("sso_session");
    let legacy_url = get("sso_start_url");
    let legacy_region = get("sso_region");
    if session_name.is_none() && legacy_url.is_none() {
        if get("sso_account_id").is_some() || get("sso_role_name").is_some() {
            return Err(Error::with_code(
                Status::InvalidConfig,
                "IncompleteSsoProfile",
                format!("The profile '{name}' has sso_account_id or sso_role_name but neither sso_session nor sso_start_url."),
            ));
        }
        return Ok(ProfileKind::Other);
    }
    let missing = |key: &str| {
        Error::with_code(
            Status::InvalidConfig,
            "IncompleteSsoProfile",
            format!("The SSO profile '{name}' has no '{key}'. Add it to [profile {name}] in the config file."),
        )
    };
    let account_id = get("sso_account_id").ok_or_else(|| missing("sso_account_id"))?.to_string();
    let role_name = get("sso_role_name").ok_or_else(|| missing("sso_role_name"))?.to_string();
    let (start_url, sso_region, scopes, session) = match session_name {
        Some(session_name) => {
            let session = sso_session(profiles, session_name, Some(name))?;
            // Lenient like botocore: the profile may repeat the session's values, not contradict them.
            for (key, in_profile, in_session) in [
                ("sso_start_url", legacy_url, session.start_url.as_str()),
                ("sso_region", legacy_region, session.sso_region.as_str()),
            ] {
                if let Some(value) = in_profile {
                    if value != in_session {
                        return Err(Error::with_code(
                            Status::InvalidConfig,
                            "ConflictingSsoConfig",
                            format!("The profile '{name}' sets {key} = {value}, but its sso-session '{session_name}' sets {key} = {in_session}. Remove the value from the profile or make them equal."),
                        ));
                    }
                }
            }
            (session.start_url, session.sso_region, session.scopes, Some(session_name.to_string()))
        }
        None => {
            let start_url = legacy_url.ok_or_else(|| missing("sso_start_url"))?.to_string();
            let sso_region = legacy_region.ok_or_else(|| missing("sso_region"))?.to_string();
            (start_url, sso_region, Vec::new(), None)
        }
    };
    Ok(ProfileKind::Sso(SsoProfile {
        profile_name: name.to_string(),
        session_name: session,
        start_url,
        sso_region,
        account_id,
        role_name,
        scopes,
        session_only: false,
    }))
}

/// The `region` of a profile, if set.
pub fn profile_region(profiles: &ProfileSet, name: &str) -> Option<String> {
    profiles.get_profile(name)?.get("region").map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}
