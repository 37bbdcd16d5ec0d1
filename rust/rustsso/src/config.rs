//! The shared AWS configuration, loaded with aws-config's own profile parser, and the checks
//! this library makes on it before any network call.

use crate::env::EnvView;
use crate::error::{Error, Result, Status};
use aws_config::profile::ProfileSet;
use aws_types::os_shim_internal::Fs;
use std::borrow::Cow;
use std::path::PathBuf;

#[allow(deprecated)] // the aliases name aws-runtime's types; aws-runtime is not a direct dependency
use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};

/// Which files to read profiles from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ProfileSource {
    /// Read only this file (AWS Tools' -ProfileLocation), as both config and credentials file.
    /// Already resolved by PowerShell against its current location; `~` is expanded here.
    pub location: Option<String>,
}

impl ProfileSource {
    pub fn new(location: Option<&str>, env: &EnvView) -> Self {
        let location = location.map(str::trim).filter(|l| !l.is_empty());
        ProfileSource { location: location.map(|l| env.expand_home(l).to_string_lossy().to_string()) }
    }

    /// The config and credentials files: -ProfileLocation, or AWS_CONFIG_FILE and
    /// AWS_SHARED_CREDENTIALS_FILE (with `~` expanded), or the files under the home directory.
    pub fn candidate_files(&self, env: &EnvView) -> Vec<PathBuf> {
        if let Some(location) = &self.location {
            return vec![PathBuf::from(location)];
        }
        let home = env.home_dir();
        [("AWS_CONFIG_FILE", "config"), ("AWS_SHARED_CREDENTIALS_FILE", "credentials")]
            .iter()
            .filter_map(|(var, name)| env.get(var).map(|v| env.expand_home(v)).or_else(|| home.as_ref().map(|h| h.join(".aws").join(name))))
            .collect()
    }

    /// The config file that writers edit: -ProfileLocation, AWS_CONFIG_FILE, or ~/.aws/config.
    pub fn config_file(&self, env: &EnvView) -> Result<PathBuf> {
        if let Some(location) = &self.location {
            return Ok(PathBuf::from(location));
        }
        if let Some(v) = env.get("AWS_CONFIG_FILE") {
            return Ok(env.expand_home(v));
        }
        env.home_dir().map(|h| h.join(".aws").join("config")).ok_or_else(|| {
            Error::new(Status::Io, "The home directory could not be determined (HOME, or USERPROFILE on Windows, is not set).")
        })
    }

    #[allow(deprecated)]
    pub fn profile_files(&self, env: &EnvView) -> ProfileFiles {
        if let Some(location) = &self.location {
            return ProfileFiles::builder()
                .with_file(ProfileFileKind::Config, location)
                .with_file(ProfileFileKind::Credentials, location)
                .build();
        }
        let mut builder = ProfileFiles::builder();
        let mut any = false;
        for (kind, path) in [ProfileFileKind::Config, ProfileFileKind::Credentials].into_iter().zip(self.candidate_files(env)) {
            if path.is_file() {
                any = true;
                builder = builder.with_file(kind, path);
            }
        }
        if !any {
            // Nothing exists: the default files, which aws-config treats as empty.
            builder = builder.include_default_config_file(true);
        }
        builder.build()
    }

    /// Loads every profile and sso-session with aws-config's parser.
    pub async fn load(&self, env: &EnvView) -> Result<ProfileSet> {
        if let Some(location) = &self.location {
            if !std::path::Path::new(location).is_file() {
                return Err(Error::with_code(
                    Status::ProfileNotFound,
                    "ProfileLocationNotFound",
                    format!("The profile file '{location}' given by -ProfileLocation does not exist."),
                ));
            }
        }
        aws_config::profile::load(&Fs::real(), &env.aws_env(), &self.profile_files(env), None::<Cow<'static, str>>).await.map_err(|e| {
            Error::with_code(
                Status::InvalidConfig,
                "InvalidConfigFile",
                format!("The AWS config files could not be read: {}", crate::sdk_error::error_chain(&e)),
            )
        })
    }
}

/// The name of the selected profile and whether the user named it explicitly.
pub fn selected_profile_name(explicit: Option<&str>, env: &EnvView) -> (String, bool) {
    if let Some(name) = explicit.map(str::trim).filter(|s| !s.is_empty()) {
        return (name.to_string(), true);
    }
    for var in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
        if let Some(v) = env.get(var) {
            return (v.to_string(), true);
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

    /// Checks that the profile names an account and a role, as role credentials need.
    pub fn require_role(&self) -> Result<()> {
        for (key, value) in [("sso_account_id", &self.account_id), ("sso_role_name", &self.role_name)] {
            if value.trim().is_empty() {
                let message = if self.session_only {
                    format!(
                        "Role credentials need an account and a role, and the sso-session '{}' names none. Pass -AccountId and -RoleName.",
                        self.profile_name
                    )
                } else {
                    format!(
                        "The SSO profile '{0}' has no '{key}', which role credentials need. Add it to [profile {0}] in the config file, or pass -AccountId and -RoleName.",
                        self.profile_name
                    )
                };
                return Err(Error::with_code(Status::InvalidConfig, "IncompleteSsoProfile", message));
            }
        }
        Ok(())
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
            Some(session) => {
                format!("Run 'Invoke-AWSSSOLogin -ProfileName {}' (or 'aws sso login --sso-session {}').", self.profile_name, session)
            }
            None => format!("Run 'Invoke-AWSSSOLogin -ProfileName {0}' (or 'aws sso login --profile {0}').", self.profile_name),
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
    value.unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
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
            Error::with_code(Status::InvalidConfig, "IncompleteSsoSession", format!("The [sso-session {name}] section has no '{key}'."))
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
    // Account and role are optional: a profile with only an SSO session is a token profile
    // (login, logout, account listing); role credentials ask for them (SsoProfile::require_role).
    let account_id = get("sso_account_id").unwrap_or_default().to_string();
    let role_name = get("sso_role_name").unwrap_or_default().to_string();
    let (start_url, sso_region, scopes, session) = match session_name {
        Some(session_name) => {
            let session = sso_session(profiles, session_name, Some(name))?;
            // Lenient like botocore: the profile may repeat the session's values, not contradict them.
            for (key, in_profile, in_session) in
                [("sso_start_url", legacy_url, session.start_url.as_str()), ("sso_region", legacy_region, session.sso_region.as_str())]
            {
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

/// Whether aws-config resolves this profile before its SSO settings: a role chain (`role_arn`)
/// or web identity comes first in every SDK's order within a profile.
pub fn resolved_before_sso(profiles: &ProfileSet, name: &str) -> bool {
    profiles
        .get_profile(name)
        .is_some_and(|p| ["role_arn", "web_identity_token_file"].iter().any(|k| p.get(k).is_some_and(|v| !v.trim().is_empty())))
}

/// The `region` of a profile, if set.
pub fn profile_region(profiles: &ProfileSet, name: &str) -> Option<String> {
    profiles.get_profile(name)?.get("region").map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}
