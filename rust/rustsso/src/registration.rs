//! The OIDC client registration, cached as the AWS CLI caches it
//! (`~/.aws/sso/cache/<sha1 of the registration's arguments>.json`) and reused until shortly
//! before it expires.

use crate::config::SsoProfile;
use crate::context::Call;
use crate::error::{Error, Result, Status};
use crate::secret::SecretString;
use crate::sso_clients::SsoClients;
use crate::token_cache;
use time::OffsetDateTime;

/// A cached registration is reused unless it expires within this margin.
const REGISTRATION_MARGIN: time::Duration = time::Duration::minutes(15);

/// A client registration, as cached by the AWS CLI.
#[derive(Clone)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: SecretString,
    pub expires_at: OffsetDateTime,
    pub scopes: Vec<String>,
    pub grant_types: Vec<String>,
}

/// The CLI's registration cache key: SHA-1 of Python's `json.dumps(..., sort_keys=True)`.
pub fn registration_key(profile: &SsoProfile) -> String {
    use crate::cli_json::{Field, Object, Style};
    use sha1::Digest as _;
    let fields = [
        ("region", Field::Str(&profile.sso_region)),
        ("scopes", if profile.scopes.is_empty() { Field::Null } else { Field::List(&profile.scopes) }),
        ("session_name", profile.session_name.as_deref().map_or(Field::Null, Field::Str)),
        ("startUrl", Field::Str(&profile.start_url)),
        ("tool", Field::Str("botocore")),
    ];
    hex::encode(sha1::Sha1::digest(crate::cli_json::to_string(&Object(&fields), Style::Default).as_bytes()))
}

fn read_registration(path: &std::path::Path) -> Option<Registration> {
    let obj = token_cache::read_object(path)?;
    let s = |k: &str| obj.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let list = |k: &str| {
        obj.get(k).and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
    };
    Some(Registration {
        client_id: s("clientId")?,
        client_secret: SecretString::new(s("clientSecret")?),
        expires_at: token_cache::parse_timestamp(&s("expiresAt")?)?,
        scopes: list("scopes"),
        grant_types: list("grantTypes"),
    })
}

async fn write_registration(path: &std::path::Path, r: &Registration) -> Result<()> {
    use crate::cli_json::{Field, Object, Style};
    let expires_at = token_cache::format_timestamp(r.expires_at);
    let mut fields = vec![
        ("clientId", Field::Str(&r.client_id)),
        ("clientSecret", Field::Str(r.client_secret.expose())),
        ("expiresAt", Field::Str(&expires_at)),
    ];
    for (key, values) in [("scopes", &r.scopes), ("grantTypes", &r.grant_types)] {
        if !values.is_empty() {
            fields.push((key, Field::List(values)));
        }
    }
    let text = crate::cli_json::to_string(&Object(&fields), Style::Default);
    token_cache::write_atomic_async(path, text.into_bytes()).await
}

/// A cached registration fit for the flow, or a new one (cached for next time).
pub async fn registration(call: &Call, clients: &SsoClients, profile: &SsoProfile, pkce: bool) -> Result<Registration> {
    let dir = token_cache::cache_dir(&call.env)?;
    let path = token_cache::token_path(&dir, &registration_key(profile));
    let now = call.now();
    if let Some(r) = read_registration(&path) {
        let has_code_grant = r.grant_types.iter().any(|g| g == "authorization_code");
        if r.expires_at > now + REGISTRATION_MARGIN && has_code_grant == pkce {
            return Ok(r);
        }
    }
    let scopes = if profile.scopes.is_empty() { vec!["sso:account:access".to_string()] } else { profile.scopes.clone() };
    let name = match &profile.session_name {
        Some(s) => format!("botocore-client-{s}"),
        None => format!("botocore-client-{}", now.unix_timestamp()),
    };
    let mut request = clients.oidc.register_client().client_name(name).client_type("public").set_scopes(Some(scopes.clone()));
    let grant_types: Vec<String> = if pkce { vec!["authorization_code".into(), "refresh_token".into()] } else { Vec::new() };
    if pkce {
        request = request
            .set_grant_types(Some(grant_types.clone()))
            .redirect_uris("http://127.0.0.1/oauth/callback")
            .issuer_url(&profile.start_url);
    }
    let out = request.send().await.map_err(|e| crate::sdk_error::map_sdk_error("SSO-OIDC RegisterClient", e))?;
    let r = Registration {
        client_id: out.client_id().unwrap_or_default().to_string(),
        client_secret: SecretString::new(out.client_secret().unwrap_or_default()),
        expires_at: OffsetDateTime::from_unix_timestamp(out.client_secret_expires_at()).unwrap_or(now + time::Duration::days(90)),
        scopes,
        grant_types,
    };
    if r.client_id.is_empty() || r.client_secret.is_empty() {
        return Err(Error::with_code(Status::ServiceError, "MalformedResponse", "SSO-OIDC RegisterClient returned no client credentials."));
    }
    write_registration(&path, &r).await?;
    Ok(r)
}
