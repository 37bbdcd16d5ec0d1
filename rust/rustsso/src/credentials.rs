//! Which credentials and region a call uses, in the order AWS Tools for PowerShell uses, except
//! that the selected profile's region is honoured:
//!
//! credentials: parameters (keys) -> named profile (-ProfileName, or AWS_PROFILE) -> environment
//! keys -> `default` profile -> web identity, container and instance metadata (aws-config's chain);
//! region: parameter -> the shell default ($StoredAWSRegion) -> AWS_REGION -> AWS_DEFAULT_REGION -> the selected profile's `region` ->
//! us-east-1.

use crate::config::{self, ProfileKind, ProfileSource, SsoProfile};
use crate::context::Call;
use crate::error::{Error, Result, Status};
use crate::params::{non_empty, CommonParams};
use crate::sso::SsoCredentialsProvider;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;

/// Region used when nothing names one, as AWS Tools and the CLI do for S3.
pub const FALLBACK_REGION: &str = "us-east-1";

/// The outcome of resolution: a provider, and where it and the region came from (no secrets).
#[derive(Debug, Clone)]
pub struct Resolution {
    pub provider: SharedCredentialsProvider,
    /// Human description, e.g. "SSO profile 'dev' (sso-session 'corp')".
    pub credential_source: String,
    /// A short machine name: parameters, sso-profile, profile, environment, default-chain.
    pub source_kind: &'static str,
    pub profile_name: Option<String>,
    pub sso: Option<SsoProfile>,
    pub region: String,
    pub region_source: String,
    pub profile_source: ProfileSource,
    /// The environment the SDK configuration is built with: the call's, plus the selected
    /// profile's `ca_bundle` (see [`crate::net`]).
    pub env: crate::env::EnvView,
}

/// Resolves credentials and region for the common parameters. Validates the selected profile
/// before any network call; a named profile that does not exist is an error, never a fall-back.
pub async fn resolve(call: &Call, params: &CommonParams) -> Result<Resolution> {
    let source = ProfileSource::new(non_empty(&params.auth.profile_location), &call.env);
    let explicit_profile = non_empty(&params.auth.profile);
    let profiles = source.load(&call.env).await?;

    let static_keys = static_credentials(params)?;
    let sso_role = sso_role(params)?;
    let (profile_name, profile_named) = config::selected_profile_name(explicit_profile, &call.env);
    // The selected profile's ca_bundle, for every HTTPS call made for this request (the
    // credential chain's included).
    let call = &crate::net::with_profile_ca_bundle(call, &profiles, params);
    let env = &call.env;

    // Region: parameter, environment, the selected profile, then the fallback.
    let (region, region_source) = if let Some(r) = non_empty(&params.region) {
        (r.to_string(), "the -Region parameter".to_string())
    } else if let Some(r) = non_empty(&params.default_region) {
        (r.to_string(), "the shell default ($StoredAWSRegion)".to_string())
    } else if let Some(r) = env.get("AWS_REGION") {
        (r.to_string(), "the AWS_REGION environment variable".to_string())
    } else if let Some(r) = env.get("AWS_DEFAULT_REGION") {
        (r.to_string(), "the AWS_DEFAULT_REGION environment variable".to_string())
    } else if let Some(r) = config::profile_region(&profiles, &profile_name) {
        (r, format!("the region of profile '{profile_name}'"))
    } else {
        (FALLBACK_REGION.to_string(), format!("the fallback region {FALLBACK_REGION}"))
    };
    let mut resolution = if let Some(creds) = static_keys {
        Resolution::new(SharedCredentialsProvider::new(creds), "the -AccessKey/-SecretKey parameters".into(), "parameters", &source)
    } else if let Some((account_id, role_name)) = sso_role {
        from_sso_role(call, &profiles, params, account_id, role_name, &source)?
    } else if explicit_profile.is_some() || (profile_named && env.get("AWS_ACCESS_KEY_ID").is_none()) {
        from_profile(call, &profiles, &profile_name, &source, &region).await?
    } else if let (Some(ak), Some(sk)) = (env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")) {
        let creds = Credentials::new(ak, sk, env.get("AWS_SESSION_TOKEN").map(str::to_string), None, "environment");
        Resolution::new(SharedCredentialsProvider::new(creds), "the environment (AWS_ACCESS_KEY_ID)".into(), "environment", &source)
    } else if profiles.get_profile(&profile_name).is_some() {
        from_profile(call, &profiles, &profile_name, &source, &region).await?
    } else {
        Resolution::new(
            default_chain(call, &region).await?,
            "the default credential chain (web identity, container or instance metadata)".into(),
            "default-chain",
            &source,
        )
    };

    resolution.region = region;
    resolution.region_source = region_source;
    resolution.env = call.env.clone();
    Ok(resolution)
}

/// No profile to read: the sources that need none (web identity, container, instance metadata),
/// from the call's environment. Instance metadata is probed briefly (one attempt, 1 s timeouts)
/// so that a machine that is not on EC2 never stalls; AWS_EC2_METADATA_DISABLED is honoured.
async fn default_chain(call: &Call, region: &str) -> Result<SharedCredentialsProvider> {
    let without_imds = call.env.with(&[("AWS_EC2_METADATA_DISABLED", Some("true"))]);
    let env_chain = crate::service_config::loader(&Call::new(call.ctx.clone(), without_imds))?
        .region(aws_config::Region::new(region.to_string()))
        .load()
        .await
        .credentials_provider();
    let imds_disabled = call.env.get("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let Some(env_chain) = env_chain else {
        return Ok(SharedCredentialsProvider::new(Credentials::new("", "", None, None, "none")));
    };
    if imds_disabled {
        return Ok(env_chain);
    }
    let imds = aws_config::imds::Client::builder()
        .max_attempts(1)
        .connect_timeout(std::time::Duration::from_secs(1))
        .read_timeout(std::time::Duration::from_secs(1))
        .build();
    let imds_provider = aws_config::imds::credentials::ImdsCredentialsProvider::builder().imds_client(imds).build();
    Ok(SharedCredentialsProvider::new(
        aws_config::meta::credentials::CredentialsProviderChain::first_try("Environment", env_chain)
            .or_else("Ec2InstanceMetadata", imds_provider),
    ))
}

impl Resolution {
    fn new(provider: SharedCredentialsProvider, credential_source: String, source_kind: &'static str, source: &ProfileSource) -> Self {
        Resolution {
            provider,
            credential_source,
            source_kind,
            profile_name: None,
            sso: None,
            region: FALLBACK_REGION.to_string(),
            region_source: String::new(),
            profile_source: source.clone(),
            env: crate::env::EnvView::default(),
        }
    }
}

async fn from_profile(
    call: &Call,
    profiles: &aws_config::profile::ProfileSet,
    name: &str,
    source: &ProfileSource,
    region: &str,
) -> Result<Resolution> {
    let kind = config::resolve_profile(profiles, name)?;
    if let Some(chain) = sso_role_chain(profiles, name)? {
        let provider = chained_over_sso(call, chain, name, source, region).await?;
        let mut r = Resolution::new(provider, format!("stored profile named '{name}' (a role chain over SSO)"), "profile", source);
        r.profile_name = Some(name.to_string());
        return Ok(r);
    }
    match kind {
        ProfileKind::Sso(sso) if !config::resolved_before_sso(profiles, name) => {
            sso.require_role()?;
            let provider = SsoCredentialsProvider::new(call, sso.clone(), source.clone());
            let mut r = Resolution::new(SharedCredentialsProvider::new(provider), format!("SSO {}", sso.describe()), "sso-profile", source);
            r.profile_name = Some(name.to_string());
            r.sso = Some(sso);
            Ok(r)
        }
        _ => {
            // aws-config's own profile providers (role chains, web identity, credential_process,
            // static keys), in its order, reading the call's environment. Keys in the environment
            // must not win over the named profile, and nothing after the profile may answer for it.
            let env = call.env.with(&[
                ("AWS_ACCESS_KEY_ID", None),
                ("AWS_SECRET_ACCESS_KEY", None),
                ("AWS_SESSION_TOKEN", None),
                ("AWS_WEB_IDENTITY_TOKEN_FILE", None),
                ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", None),
                ("AWS_CONTAINER_CREDENTIALS_FULL_URI", None),
                ("AWS_EC2_METADATA_DISABLED", Some("true")),
            ]);
            // The region is what STS calls of role_arn chains are signed for.
            let provider = crate::service_config::loader(&Call::new(call.ctx.clone(), env))?
                .region(aws_config::Region::new(region.to_string()))
                .profile_name(name)
                .profile_files(source.profile_files(&call.env))
                .load()
                .await
                .credentials_provider()
                .ok_or_else(|| Error::internal("aws-config built no credentials provider"))?;
            let mut r = Resolution::new(provider, format!("stored profile named '{name}'"), "profile", source);
            r.profile_name = Some(name.to_string());
            Ok(r)
        }
    }
}

/// One `role_arn` hop of a profile chain.
#[derive(Debug, Clone)]
struct RoleHop {
    role_arn: String,
    external_id: Option<String>,
    session_name: Option<String>,
    duration: Option<std::time::Duration>,
}

/// A role chain (`role_arn` + `source_profile`, one hop or several) whose root is an SSO profile.
#[derive(Debug, Clone)]
struct SsoRoleChain {
    base: SsoProfile,
    /// From the SSO profile outwards to the selected profile.
    hops: Vec<RoleHop>,
}

/// The SSO root of the selected profile's role chain, when it has one, walked by aws-config's
/// rules (a source profile's static keys end the chain; `credential_source`, web identity,
/// loops and self-references are left to aws-config). aws-config would refresh the SSO token
/// itself (no lock, not in the CLI's format); with the root found here, every refresh of the
/// shared token goes through this library's locked writer.
fn sso_role_chain(profiles: &aws_config::profile::ProfileSet, name: &str) -> Result<Option<SsoRoleChain>> {
    let mut current = name.to_string();
    let mut visited: Vec<String> = Vec::new();
    let mut hops = Vec::new();
    loop {
        let Some(profile) = profiles.get_profile(&current) else { return Ok(None) };
        if visited.contains(&current) {
            return Ok(None);
        }
        visited.push(current.clone());
        let get = |key: &str| profile.get(key).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        // Presence as aws-config sees it: a key set to a blank value is there.
        let present = |key: &str| profile.get(key).is_some();
        if visited.len() > 1 && present("aws_access_key_id") {
            return Ok(None);
        }
        if present("web_identity_token_file") || present("credential_source") {
            return Ok(None);
        }
        if present("role_arn") {
            let Some(role_arn) = get("role_arn") else { return Ok(None) };
            let Some(next) = get("source_profile") else { return Ok(None) };
            if next == current {
                return Ok(None);
            }
            hops.push(RoleHop {
                role_arn,
                external_id: get("external_id"),
                session_name: get("role_session_name"),
                duration: get("duration_seconds").and_then(|d| d.parse::<u64>().ok()).map(std::time::Duration::from_secs),
            });
            current = next;
            continue;
        }
        if visited.len() == 1 {
            return Ok(None);
        }
        return match config::resolve_profile(profiles, &current)? {
            ProfileKind::Sso(base) => {
                base.require_role()?;
                hops.reverse();
                Ok(Some(SsoRoleChain { base, hops }))
            }
            ProfileKind::Other => Ok(None),
        };
    }
}

/// The chain's roles assumed one after the other, starting from this library's SSO provider.
async fn chained_over_sso(
    call: &Call,
    chain: SsoRoleChain,
    name: &str,
    source: &ProfileSource,
    region: &str,
) -> Result<SharedCredentialsProvider> {
    // The STS calls use the selected profile's settings (endpoint, retries), as aws-config's
    // own chain does, and the call's environment without keys that could answer instead.
    let env = call.env.with(&[("AWS_ACCESS_KEY_ID", None), ("AWS_SECRET_ACCESS_KEY", None), ("AWS_SESSION_TOKEN", None)]);
    let sts_config = crate::service_config::loader(&Call::new(call.ctx.clone(), env))?
        .region(aws_config::Region::new(region.to_string()))
        .profile_name(name)
        .profile_files(source.profile_files(&call.env))
        .no_credentials()
        .load()
        .await;
    let mut provider = SharedCredentialsProvider::new(SsoCredentialsProvider::new(call, chain.base, source.clone()));
    for hop in chain.hops {
        let mut builder = aws_config::sts::AssumeRoleProvider::builder(hop.role_arn)
            .region(aws_config::Region::new(region.to_string()))
            .configure(&sts_config);
        if let Some(id) = hop.external_id {
            builder = builder.external_id(id);
        }
        if let Some(session) = hop.session_name {
            builder = builder.session_name(session);
        }
        if let Some(duration) = hop.duration {
            builder = builder.session_length(duration);
        }
        provider = SharedCredentialsProvider::new(builder.build_from_provider(provider).await);
    }
    Ok(provider)
}

/// The account and role of an SSO role credential, when the call names one.
fn sso_role(params: &CommonParams) -> Result<Option<(&str, &str)>> {
    match (non_empty(&params.auth.account_id), non_empty(&params.auth.role_name)) {
        (Some(account), Some(role)) => Ok(Some((account, role))),
        (None, None) => Ok(None),
        _ => Err(Error::with_code(
            Status::InvalidRequest,
            "IncompleteSsoRoleCredential",
            "An SSO role credential needs both an account id and a role name.",
        )),
    }
}

/// An SSO role credential: the token of the profile (or of the sso-session named directly), and
/// the given account and role. It goes through the same role-credentials cache as a profile
/// with that account and role, so it is fetched once and refreshed on its own.
fn from_sso_role(
    call: &Call,
    profiles: &aws_config::profile::ProfileSet,
    params: &CommonParams,
    account_id: &str,
    role_name: &str,
    source: &ProfileSource,
) -> Result<Resolution> {
    let mut sso = crate::login::target_in(call, profiles, params, None)?;
    sso.account_id = account_id.to_string();
    sso.role_name = role_name.to_string();
    let provider = SsoCredentialsProvider::new(call, sso.clone(), source.clone());
    let description = format!("SSO role '{role_name}' in account {account_id} with the token of {}", sso.describe());
    let mut r = Resolution::new(SharedCredentialsProvider::new(provider), description, "sso-role", source);
    r.profile_name = (!sso.session_only).then(|| sso.profile_name.clone());
    r.sso = Some(sso);
    Ok(r)
}

fn static_credentials(params: &CommonParams) -> Result<Option<Credentials>> {
    let auth = &params.auth;
    let secret = auth.secret_key.as_ref().map(|s| s.expose().trim()).filter(|s| !s.is_empty());
    match (non_empty(&auth.access_key), secret) {
        (None, None) => Ok(None),
        (Some(ak), Some(sk)) => Ok(Some(Credentials::new(
            ak,
            sk,
            auth.session_token.as_ref().map(|t| t.expose().trim().to_string()).filter(|t| !t.is_empty()),
            None,
            "parameters",
        ))),
        _ => Err(Error::with_code(
            Status::InvalidRequest,
            "IncompleteStaticCredentials",
            "Both -AccessKey and -SecretKey are required for static credentials.",
        )),
    }
}

/// Resolved credentials as returned across the ABI. The secret parts are present only when the
/// caller asked for them explicitly (credential export, Get-SSORoleCredential).
#[derive(serde::Serialize)]
pub struct ExportedCredentials {
    pub access_key_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_access_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_token: Option<String>,
    /// RFC 3339, UTC.
    pub expiration: Option<String>,
    pub account_id: Option<String>,
    /// The SSO role the credentials are for (GetRoleCredentials only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
}

impl std::fmt::Debug for ExportedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportedCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key.as_ref().map(|_| "** redacted **"))
            .field("session_token", &self.session_token.as_ref().map(|_| "** redacted **"))
            .field("expiration", &self.expiration)
            .finish()
    }
}

impl ExportedCredentials {
    pub fn new(creds: &Credentials, account_id: Option<String>, with_secrets: bool) -> Self {
        ExportedCredentials {
            access_key_id: creds.access_key_id().to_string(),
            secret_access_key: with_secrets.then(|| creds.secret_access_key().to_string()),
            session_token: if with_secrets { creds.session_token().map(str::to_string) } else { None },
            expiration: creds.expiry().and_then(crate::token_cache::from_system_time).map(crate::token_cache::format_timestamp),
            account_id: account_id.or_else(|| creds.account_id().map(|a| a.as_str().to_string())),
            role_name: None,
        }
    }
}

impl Drop for ExportedCredentials {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        if let Some(s) = self.secret_access_key.as_mut() {
            s.zeroize();
        }
        if let Some(s) = self.session_token.as_mut() {
            s.zeroize();
        }
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveParams {
    #[serde(flatten)]
    pub common: CommonParams,
    /// Include the secret access key and session token (explicit export only).
    #[serde(default)]
    pub include_secrets: bool,
}

/// Where credentials and region come from, and the credentials themselves (secrets only when
/// asked for).
#[derive(Debug, serde::Serialize)]
pub struct ResolvedCredentials {
    pub source: &'static str,
    pub source_description: String,
    pub profile_name: Option<String>,
    pub sso_session: Option<String>,
    pub sso_start_url: Option<String>,
    pub account_id: Option<String>,
    pub role_name: Option<String>,
    pub token_expires_at: Option<String>,
    pub region: String,
    pub region_source: String,
    pub credentials: ExportedCredentials,
}

pub async fn resolve_credentials(call: Call, p: ResolveParams) -> Result<ResolvedCredentials> {
    use aws_credential_types::provider::ProvideCredentials;
    let (_, resolution, _) = crate::service_config::sdk_config(&call, &p.common).await?;
    let creds = resolution.provider.provide_credentials().await.map_err(|e| {
        crate::sdk_error::find_source::<Error>(&e).cloned().unwrap_or_else(|| {
            Error::new(
                Status::NoCredentials,
                format!("Credentials could not be resolved from {}: {}", resolution.credential_source, crate::sdk_error::error_chain(&e)),
            )
        })
    })?;
    let token_expires_at = resolution.sso.as_ref().and_then(|sso| crate::sso::token_expiry(&call, sso));
    Ok(ResolvedCredentials {
        source: resolution.source_kind,
        source_description: resolution.credential_source.clone(),
        profile_name: resolution.profile_name.clone(),
        sso_session: resolution.sso.as_ref().and_then(|s| s.session_name.clone()),
        sso_start_url: resolution.sso.as_ref().map(|s| s.start_url.clone()),
        account_id: resolution.sso.as_ref().map(|s| s.account_id.clone()),
        role_name: resolution.sso.as_ref().map(|s| s.role_name.clone()),
        token_expires_at,
        region: resolution.region.clone(),
        region_source: resolution.region_source.clone(),
        credentials: ExportedCredentials::new(&creds, resolution.sso.as_ref().map(|s| s.account_id.clone()), p.include_secrets),
    })
}
