//! The network settings of a call, read from its environment view (never the process
//! environment): the proxy (`HTTPS_PROXY`, `ALL_PROXY`, `HTTP_PROXY`, their lower-case forms,
//! `NO_PROXY`) and the certificates to trust besides the platform's (`AWS_CA_BUNDLE`,
//! `SSL_CERT_FILE`, `SSL_CERT_DIR`), and the one HTTP client per distinct setting that every SDK
//! client of the call uses: OIDC, the portal, STS, S3 and the credential chain.
//!
//! Precedence follows the AWS CLI (Python's rules): a lower-case variable wins over its
//! upper-case form; HTTPS traffic uses `https_proxy`, then `all_proxy`; `http_proxy` serves
//! plain-HTTP endpoints only.

use crate::context::{AnyValue, Call};
use crate::env::EnvView;
use crate::error::{Error, Result, Status};
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The selected profile's `ca_bundle`, as the credential resolution adds it to a call's view
/// (a name no environment variable can have).
pub const PROFILE_CA_BUNDLE: &str = "\u{0}profile ca_bundle";

/// The call with the selected profile's `ca_bundle` added to its view (as the AWS CLI reads it,
/// from the selected profile), for every HTTPS call made for the request.
pub fn with_profile_ca_bundle(call: &Call, profiles: &aws_config::profile::ProfileSet, common: &crate::params::CommonParams) -> Call {
    let (name, _) = crate::config::selected_profile_name(common.auth.profile.as_deref(), &call.env);
    match profiles.get_profile(&name).and_then(|p| p.get("ca_bundle")).map(str::trim).filter(|b| !b.is_empty()) {
        Some(bundle) => Call::new(call.ctx.clone(), call.env.with(&[(PROFILE_CA_BUNDLE, Some(bundle))])),
        None => call.clone(),
    }
}

/// The proxy and trust variables the environment view carries.
pub const VARIABLES: &[&str] = &[
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProxyKind {
    Https,
    All,
    Http,
}

/// A proxy from the environment: its URL without credentials, and the credentials apart.
#[derive(Clone)]
struct Proxy {
    kind: ProxyKind,
    variable: &'static str,
    url: String,
    user: Option<String>,
    password: Option<crate::secret::SecretString>,
}

/// A lower-case variable, else its upper-case form.
fn either<'a>(env: &'a EnvView, lower: &'static str, upper: &'static str) -> Option<(&'static str, &'a str)> {
    env.get(lower).map(|v| (lower, v)).or_else(|| env.get(upper).map(|v| (upper, v)))
}

/// The shell's proxy (Set-AWSProxy), as the interop puts it into the view, and its bypass list.
pub const SHELL_PROXY: &str = "AWS_TOOLS_RUSTSSO_PROXY";
pub const SHELL_PROXY_BYPASS: &str = "AWS_TOOLS_RUSTSSO_PROXY_BYPASS";
/// The system proxy .NET resolved (Windows), used when neither of the others names one.
pub const SYSTEM_PROXY: &str = "AWS_TOOLS_RUSTSSO_SYSTEM_PROXY";

/// Where a proxy setting came from, for -Debug and messages.
fn source_name(variable: &str) -> &str {
    match variable {
        SHELL_PROXY => "Set-AWSProxy",
        SYSTEM_PROXY => "the system proxy settings",
        other => other,
    }
}

/// The bypass rules that go with the chosen proxy: Set-AWSProxy's own list, else NO_PROXY.
fn bypass_of<'a>(env: &'a EnvView, proxy: &Proxy) -> Option<&'a str> {
    if proxy.variable == SHELL_PROXY {
        env.get(SHELL_PROXY_BYPASS)
    } else {
        either(env, "no_proxy", "NO_PROXY").map(|(_, v)| v)
    }
}

/// Set-AWSProxy, then the environment, then the system proxy.
fn proxy_of(env: &EnvView) -> Result<Option<Proxy>> {
    let found = env
        .get(SHELL_PROXY)
        .map(|v| (ProxyKind::Https, (SHELL_PROXY, v)))
        .or_else(|| either(env, "https_proxy", "HTTPS_PROXY").map(|v| (ProxyKind::Https, v)))
        .or_else(|| either(env, "all_proxy", "ALL_PROXY").map(|v| (ProxyKind::All, v)))
        .or_else(|| either(env, "http_proxy", "HTTP_PROXY").map(|v| (ProxyKind::Http, v)))
        .or_else(|| env.get(SYSTEM_PROXY).map(|v| (ProxyKind::Https, (SYSTEM_PROXY, v))));
    let Some((kind, (variable, value))) = found else { return Ok(None) };
    // A proxy given as host:port (as curl allows) is an HTTP proxy.
    let with_scheme = if value.contains("://") { value.to_string() } else { format!("http://{value}") };
    let (scheme, rest) = with_scheme.split_once("://").unwrap_or(("http", &with_scheme));
    // User information ends at the last '@' (a password may hold '/', '#' or '?' unencoded);
    // the host part is never shown with it.
    let (userinfo, host_part) = match rest.rfind('@') {
        Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
        None => (None, rest),
    };
    let host = host_part.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || !matches!(scheme, "http" | "https") {
        return Err(Error::with_code(
            Status::InvalidConfig,
            "InvalidProxySetting",
            format!("The proxy of {} is not a proxy URL (expected http://host:port); its host part is '{host}'.", source_name(variable)),
        ));
    }
    // Kept percent-encoded as given: the HTTP client puts them back into a URL and decodes
    // them once when it builds the Proxy-Authorization header.
    let (user, password) = match userinfo {
        Some(u) => match u.split_once(':') {
            Some((name, secret)) => (Some(name.to_string()), Some(crate::secret::SecretString::new(secret))),
            None => (Some(u.to_string()), None),
        },
        None => (None, None),
    };
    Ok(Some(Proxy { kind, variable, url: format!("{scheme}://{host}"), user, password }))
}

/// The files whose certificates are trusted besides the platform's, with where each came from.
fn bundles(env: &EnvView) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    if let Some(b) = env.get("AWS_CA_BUNDLE") {
        out.push((env.expand_home(b), "AWS_CA_BUNDLE".to_string()));
    } else if let Some(b) = env.get(PROFILE_CA_BUNDLE) {
        out.push((env.expand_home(b), "the profile's ca_bundle".to_string()));
    }
    if let Some(f) = env.get("SSL_CERT_FILE") {
        out.push((PathBuf::from(f), "SSL_CERT_FILE".to_string()));
    }
    if let Some(dir) = env.get("SSL_CERT_DIR") {
        for d in std::env::split_paths(dir) {
            if let Ok(entries) = std::fs::read_dir(&d) {
                let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
                files.sort();
                out.extend(files.into_iter().map(|p| (p, "SSL_CERT_DIR".to_string())));
            }
        }
    }
    out
}

/// The certificates of a PEM file, each one checked as a trust anchor (the TLS layer would
/// otherwise stop the process on one it cannot use).
fn certificates(path: &Path, source: &str, required: bool) -> Result<Vec<Vec<u8>>> {
    use rustls_pki_types::pem::PemObject;
    let unusable = |why: String| {
        Error::with_code(Status::InvalidConfig, "CaBundleUnusable", format!("The CA bundle '{}' (from {source}) {why}", path.display()))
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(_) if !required => return Ok(Vec::new()),
        Err(e) => return Err(unusable(format!("cannot be read: {e}."))),
    };
    let mut ders = Vec::new();
    for cert in rustls_pki_types::CertificateDer::pem_slice_iter(&bytes) {
        let cert = match cert {
            Ok(c) => c,
            Err(_) if !required => return Ok(Vec::new()),
            Err(e) => return Err(unusable(format!("is not valid PEM: {e}."))),
        };
        if rustls::RootCertStore::empty().add(cert.clone()).is_err() {
            if !required {
                continue;
            }
            return Err(unusable("holds a certificate that cannot be used as a trust anchor.".to_string()));
        }
        ders.push(cert.as_ref().to_vec());
    }
    if ders.is_empty() && required {
        return Err(unusable("holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----).".to_string()));
    }
    Ok(ders)
}

fn pem_of(der: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem.into_bytes()
}

/// The trusted bundle files with their modification times, for the keys of cached clients (a
/// rotated CA file is read again).
pub fn bundle_stamps(env: &EnvView) -> String {
    bundles(env)
        .iter()
        .map(|(path, _)| format!("{}={:?}", path.display(), std::fs::metadata(path).and_then(|m| m.modified()).ok()))
        .collect::<Vec<_>>()
        .join("|")
}

/// What -Debug says about the network of a call (never credentials).
pub fn describe(env: &EnvView) -> String {
    let proxy = match proxy_of(env) {
        Ok(Some(p)) => format!("proxy {} (from {})", crate::sso_clients::host_of(&p.url), source_name(p.variable)),
        Ok(None) => "no proxy".to_string(),
        Err(_) => "an invalid proxy setting".to_string(),
    };
    let mut sources: Vec<String> = Vec::new();
    for (path, source) in bundles(env) {
        let named = format!("{source} '{}'", path.display());
        if !sources.contains(&named) && source != "SSL_CERT_DIR" {
            sources.push(named);
        }
    }
    if env.get("SSL_CERT_DIR").is_some() {
        sources.push("SSL_CERT_DIR".to_string());
    }
    let trust = if sources.is_empty() {
        "the platform's certificates".to_string()
    } else {
        format!("the platform's certificates and {}", sources.join(", "))
    };
    format!("{proxy}; trusting {trust}")
}

/// The HTTP client for the call's proxy and trust settings, built once per distinct setting (and
/// bundle file version) and shared, so connections are reused across calls. A bundle that is
/// missing, unreadable or holds no certificate is an error naming the file, before any call.
pub fn http_client(call: &Call) -> Result<SharedHttpClient> {
    use sha1::{Digest, Sha1};
    let env = &call.env;
    let proxy = proxy_of(env)?;
    let files = bundles(env);
    let mut h = Sha1::new();
    // Each field length-prefixed, so that no two settings hash alike.
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    if let Some(p) = &proxy {
        field(format!("{:?}", p.kind).as_bytes());
        field(p.url.as_bytes());
        field(p.user.as_deref().unwrap_or_default().as_bytes());
        field(p.password.as_ref().map(|s| s.expose()).unwrap_or_default().as_bytes());
        field(bypass_of(env, p).unwrap_or_default().as_bytes());
    }
    for (path, source) in &files {
        let stamp = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        field(path.to_string_lossy().as_bytes());
        field(source.as_bytes());
        field(format!("{stamp:?}").as_bytes());
    }
    let key = format!("http|{}", hex::encode(h.finalize()));
    if let Some(c) = call.ctx.clients.get(&key).and_then(|v| v.downcast::<SharedHttpClient>().ok()) {
        return Ok((*c).clone());
    }
    let mut trust = TrustStore::default().with_native_roots(true);
    for (path, source) in &files {
        // AWS_CA_BUNDLE and ca_bundle must work; SSL_CERT_FILE and SSL_CERT_DIR are read as
        // OpenSSL reads them (what cannot be used is passed over).
        let required = !source.starts_with("SSL_CERT");
        for der in certificates(path, source, required)? {
            trust = trust.with_pem_certificate(pem_of(&der));
        }
    }
    let context = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .map_err(|e| Error::internal(format!("The TLS settings could not be built: {e}")))?;
    let proxy_config = match &proxy {
        None => ProxyConfig::disabled(),
        Some(p) => {
            let invalid = |e: aws_smithy_http_client::proxy::ProxyError| {
                Error::with_code(
                    Status::InvalidConfig,
                    "InvalidProxySetting",
                    format!("The proxy of {} is not usable: {e}", source_name(p.variable)),
                )
            };
            let mut config = match p.kind {
                ProxyKind::Https => ProxyConfig::https(p.url.as_str()).map_err(invalid)?,
                ProxyKind::All => ProxyConfig::all(p.url.as_str()).map_err(invalid)?,
                ProxyKind::Http => ProxyConfig::http(p.url.as_str()).map_err(invalid)?,
            };
            if let Some(user) = &p.user {
                config = config.with_basic_auth(user.as_str(), p.password.as_ref().map(|s| s.expose()).unwrap_or_default());
            }
            if let Some(rules) = bypass_of(env, p) {
                config = config.no_proxy(rules);
            }
            config
        }
    };
    let client = aws_smithy_http_client::Builder::new().build_with_connector_fn(move |settings, components| {
        let mut builder = aws_smithy_http_client::Connector::builder();
        builder.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            builder.set_sleep_impl(components.sleep_impl());
        }
        builder
            .proxy_config(proxy_config.clone())
            .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
            .tls_context(context.clone())
            .build()
    });
    let value: AnyValue = Arc::new(client.clone());
    call.ctx.clients.insert(key, value);
    Ok(client)
}

/// A network error of a call through a proxy, named as the proxy's (host and port, never its
/// credentials) when the proxy is where it failed.
pub fn explain(env: &EnvView, err: Error) -> Error {
    if err.status != Status::Network || err.code == "CertificateNotTrusted" {
        return err;
    }
    let Ok(Some(proxy)) = proxy_of(env) else { return err };
    let at = crate::sso_clients::host_of(&proxy.url);
    let message = &err.message;
    // Only what the proxy itself answered (or the connection to its own address): a host that
    // NO_PROXY sent direct fails with its own message.
    let reason = if message.contains("proxy authorization required") {
        "it requires authentication (407): check the user and password"
    } else if message.contains("tunnel error") {
        "it did not open a tunnel to the endpoint (CONNECT refused)"
    } else if message.contains(&at) {
        "the connection to it failed"
    } else {
        return err;
    };
    let mut e = Error::with_code(
        Status::Network,
        "ProxyError",
        format!("The proxy {at} (from {}) could not be used: {reason}.", source_name(proxy.variable)),
    );
    e.category = Some("ConnectionError");
    e
}

/// Forbids retrying a request whose TLS handshake failed on the certificate: the next attempt
/// would fail the same way, and a user behind an inspecting proxy should see the cause at once.
#[derive(Debug, Default, Clone)]
pub struct NoRetryOnCertificateFailure;

impl aws_smithy_runtime_api::client::retries::classifiers::ClassifyRetry for NoRetryOnCertificateFailure {
    fn classify_retry(
        &self,
        ctx: &aws_smithy_runtime_api::client::interceptors::context::InterceptorContext,
    ) -> aws_smithy_runtime_api::client::retries::classifiers::RetryAction {
        use aws_smithy_runtime_api::client::retries::classifiers::RetryAction;
        match ctx.output_or_error() {
            Some(Err(e)) => {
                let chain = aws_smithy_types::error::display::DisplayErrorContext(e).to_string();
                if crate::sdk_error::certificate_problem(&chain).is_some() {
                    RetryAction::RetryForbidden
                } else {
                    RetryAction::NoActionIndicated
                }
            }
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "NoRetryOnCertificateFailure"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_case_wins_and_https_comes_first() {
        let env =
            EnvView::from_pairs([("HTTPS_PROXY", "http://upper:1"), ("https_proxy", "http://lower:2"), ("HTTP_PROXY", "http://plain:3")]);
        let p = proxy_of(&env).unwrap().unwrap();
        assert_eq!((p.kind, p.variable, p.url.as_str()), (ProxyKind::Https, "https_proxy", "http://lower:2"));
        let env = EnvView::from_pairs([("ALL_PROXY", "proxy.corp:8080"), ("HTTP_PROXY", "http://plain:3")]);
        let p = proxy_of(&env).unwrap().unwrap();
        assert_eq!((p.kind, p.url.as_str()), (ProxyKind::All, "http://proxy.corp:8080"));
        assert!(proxy_of(&EnvView::from_pairs([("AWS_REGION", "x")])).unwrap().is_none());
    }

    #[test]
    fn set_awsproxy_wins_over_the_environment_which_wins_over_the_system() {
        let env = EnvView::from_pairs([
            (SHELL_PROXY, "http://shell:1"),
            (SHELL_PROXY_BYPASS, "internal.corp"),
            ("HTTPS_PROXY", "http://env:2"),
            ("NO_PROXY", "other.corp"),
            (SYSTEM_PROXY, "http://system:3"),
        ]);
        let p = proxy_of(&env).unwrap().unwrap();
        assert_eq!((p.url.as_str(), bypass_of(&env, &p)), ("http://shell:1", Some("internal.corp")));
        assert!(describe(&env).contains("(from Set-AWSProxy)"));
        let env = env.with(&[(SHELL_PROXY, None)]);
        let p = proxy_of(&env).unwrap().unwrap();
        assert_eq!((p.url.as_str(), bypass_of(&env, &p)), ("http://env:2", Some("other.corp")));
        let env = env.with(&[("HTTPS_PROXY", None)]);
        assert_eq!(proxy_of(&env).unwrap().unwrap().url, "http://system:3");
        assert!(describe(&env).contains("(from the system proxy settings)"));
    }

    #[test]
    fn proxy_credentials_are_kept_apart_and_never_described() {
        let env = EnvView::from_pairs([("HTTPS_PROXY", "http://me%40corp:s3cr%3At@proxy.corp:3128")]);
        let p = proxy_of(&env).unwrap().unwrap();
        assert_eq!(p.url, "http://proxy.corp:3128");
        assert_eq!(p.user.as_deref(), Some("me%40corp"), "kept encoded for the client, which decodes once");
        assert_eq!(p.password.as_ref().map(|s| s.expose()), Some("s3cr%3At"));
        let text = describe(&env);
        assert!(text.contains("proxy.corp:3128") && !text.contains("s3cr") && !text.contains("me%40"), "{text}");
        // A password with unencoded '/', '#' or '?' stays out of the host and out of messages.
        for raw in ["http://alice:pa/ss@proxy.corp:3128", "socks5://alice:s3cr#t@p:1080"] {
            let env = EnvView::from_pairs([("ALL_PROXY", raw)]);
            let shown = match proxy_of(&env) {
                Ok(Some(p)) => describe(&env) + &p.url,
                Ok(None) => String::new(),
                Err(e) => e.message,
            };
            assert!(!shown.contains("pa/ss") && !shown.contains("s3cr") && !shown.contains("alice"), "{shown}");
        }
    }

    #[test]
    fn a_bundle_that_cannot_be_used_is_an_error_naming_the_file() {
        let dir = std::env::temp_dir().join(format!("rustsso-net-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        for (path, why) in [(dir.join("missing.pem"), "cannot be read"), (empty.clone(), "holds no certificate")] {
            let e = certificates(&path, "AWS_CA_BUNDLE", true).unwrap_err();
            assert_eq!(e.code, "CaBundleUnusable");
            assert!(e.message.contains(&path.display().to_string()) && e.message.contains(why), "{}", e.message);
        }
        assert!(certificates(&empty, "SSL_CERT_FILE", false).unwrap().is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
