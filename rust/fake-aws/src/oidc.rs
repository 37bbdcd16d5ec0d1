//! SSO-OIDC (restJson1): RegisterClient, StartDeviceAuthorization, CreateToken (device_code,
//! refresh_token, authorization_code with PKCE), and the browser side: `/authorize` (the user
//! approving a PKCE login) and `/device` (the user entering a device code).
//!
//! Errors are 400 (401 for InvalidClientException) with `x-amzn-ErrorType: <Name>Exception`
//! and `{"error": "<oauth_error>", "error_description": ".."}`.

use crate::http::{self, Req, Resp, Service};
use crate::state::{AuthorizeOutcome, DeviceOutcome, RefreshTokenMode};
use crate::store::{AuthCode, Client, ClientInfo, DeviceAuth, Inner};
use crate::util;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const O: Service = Service::Oidc;

pub const GRANT_DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
pub const GRANT_REFRESH_TOKEN: &str = "refresh_token";
pub const GRANT_AUTHORIZATION_CODE: &str = "authorization_code";

/// Short name of a grant type for counters (`oidc:CreateToken:<short>`).
pub fn grant_short(grant: &str) -> &str {
    match grant {
        GRANT_DEVICE_CODE => "device_code",
        g => g.rsplit(':').next().unwrap_or(g),
    }
}

fn err(code: &str, msg: &str) -> Resp {
    let status = if code == "InvalidClientException" { 401 } else { 400 };
    http::error(O, status, code, msg)
}

fn str_field<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn list_field(v: &Value, k: &str) -> Vec<String> {
    v.get(k).and_then(Value::as_array).map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// The registered, unexpired client with this id and secret, or the 401 answer.
fn client<'a>(inner: &'a Inner, body: &Value) -> Result<&'a Client, Resp> {
    let id = str_field(body, "clientId").ok_or_else(|| err("InvalidRequestException", "clientId is required"))?;
    let c = inner.store.clients.get(id).ok_or_else(|| err("InvalidClientException", "Invalid client"))?;
    if str_field(body, "clientSecret") != Some(c.client_secret.as_str()) {
        return Err(err("InvalidClientException", "Invalid client secret"));
    }
    if c.info.expires_at <= inner.store.now() {
        return Err(err("InvalidClientException", "Client registration has expired"));
    }
    Ok(c)
}

/// Whether the client's registration allows `grant` (no grantTypes = device code + refresh).
fn allows(c: &Client, grant: &str) -> bool {
    if c.info.grant_types.is_empty() {
        grant == GRANT_DEVICE_CODE || grant == GRANT_REFRESH_TOKEN
    } else {
        c.info.grant_types.iter().any(|g| g == grant)
    }
}

/// Splits `http://host:port/path?q` into (scheme, host, port, path-without-query).
fn split_url(u: &str) -> Option<(String, String, Option<u16>, String)> {
    let (scheme, rest) = u.split_once("://")?;
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let (host, port) = if let Some(h) = authority.strip_prefix('[') {
        let (h, p) = h.split_once(']')?;
        (format!("[{h}]"), p.strip_prefix(':').and_then(|p| p.parse().ok()))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p.parse().ok()?)),
            None => (authority.to_string(), None),
        }
    };
    Some((scheme.to_ascii_lowercase(), host.to_ascii_lowercase(), port, if path.is_empty() { "/".into() } else { path.into() }))
}

fn is_loopback(u: &str) -> bool {
    matches!(split_url(u), Some((s, h, _, _)) if s == "http" && (h == "127.0.0.1" || h == "localhost" || h == "[::1]"))
}

/// A redirect URI matches a registered one exactly, or (loopback) up to the port.
fn redirect_allowed(c: &Client, uri: &str) -> bool {
    c.info.redirect_uris.iter().any(|r| {
        r == uri
            || (is_loopback(r)
                && match (split_url(r), split_url(uri)) {
                    (Some((s1, h1, _, p1)), Some((s2, h2, _, p2))) => s1 == s2 && h1 == h2 && p1 == p2,
                    _ => false,
                })
    })
}

// ---------------------------------------------------------------------------------------------
// RegisterClient

pub fn register_client(inner: &mut Inner, req: &Req) -> Resp {
    let body = match req.json() {
        Ok(b) => b,
        Err(e) => return err("InvalidRequestException", &e),
    };
    let Some(name) = str_field(&body, "clientName") else {
        return err("InvalidRequestException", "clientName is required");
    };
    let client_type = str_field(&body, "clientType").unwrap_or_default();
    if client_type != "public" {
        return err("InvalidClientMetadataException", "clientType must be public");
    }
    let grant_types = list_field(&body, "grantTypes");
    if let Some(g) = grant_types.iter().find(|g| ![GRANT_AUTHORIZATION_CODE, GRANT_REFRESH_TOKEN, GRANT_DEVICE_CODE].contains(&g.as_str()))
    {
        return err("UnsupportedGrantTypeException", &format!("Unsupported grant type: {g}"));
    }
    let redirect_uris = list_field(&body, "redirectUris");
    if grant_types.iter().any(|g| g == GRANT_AUTHORIZATION_CODE) && redirect_uris.is_empty() {
        return err("InvalidRequestException", "redirectUris are required for the authorization_code grant");
    }
    if redirect_uris.iter().any(|u| !is_loopback(u)) {
        return err("InvalidRedirectUriException", "Redirect URIs must be http loopback URIs");
    }
    let now = inner.store.now();
    let expires_at = now + inner.state.client_secret_ttl_secs;
    let info = ClientInfo {
        client_id: format!("fake-client-id-{}", util::random_hex(12)),
        client_name: name.to_string(),
        client_type: client_type.to_string(),
        scopes: list_field(&body, "scopes"),
        grant_types,
        redirect_uris,
        issuer_url: str_field(&body, "issuerUrl").map(str::to_string),
        issued_at: now,
        expires_at,
    };
    let (id, secret) = add_client(inner, info);
    http::json(O, 200, &json!({"clientId": id, "clientSecret": secret, "clientIdIssuedAt": now, "clientSecretExpiresAt": expires_at}))
}

fn add_client(inner: &mut Inner, info: ClientInfo) -> (String, String) {
    let secret = inner.store.secret("fake-client-secret-");
    let id = info.client_id.clone();
    inner.store.client_order.push(id.clone());
    inner.store.clients.insert(id.clone(), Client { client_id: id.clone(), client_secret: secret.clone(), info });
    (id, secret)
}

// ---------------------------------------------------------------------------------------------
// StartDeviceAuthorization

pub fn start_device_authorization(inner: &mut Inner, req: &Req) -> Resp {
    let body = match req.json() {
        Ok(b) => b,
        Err(e) => return err("InvalidRequestException", &e),
    };
    let client_id = match client(inner, &body) {
        Ok(c) if !allows(c, GRANT_DEVICE_CODE) => {
            return err("UnauthorizedClientException", "Client is not authorized for the device code grant")
        }
        Ok(c) => c.client_id.clone(),
        Err(r) => return r,
    };
    let Some(start_url) = str_field(&body, "startUrl") else {
        return err("InvalidRequestException", "startUrl is required");
    };
    if !inner.state.allowed_start_urls.is_empty() && !inner.state.allowed_start_urls.iter().any(|u| u == start_url) {
        return err("InvalidRequestException", "Invalid start URL");
    }
    let spec = inner.state.device_flow.clone();
    let device_code = inner.store.secret("fake-device-code-");
    let user_code = util::user_code();
    let expires_at = inner.store.now() + spec.expires_in;
    inner.store.device_auths.insert(
        device_code.clone(),
        DeviceAuth {
            client_id,
            start_url: start_url.to_string(),
            user_code: user_code.clone(),
            expires_at,
            polls: 0,
            pending_served: 0,
            decision: None,
            used: false,
        },
    );
    let uri = format!("http://{}/device", req.host());
    http::json(
        O,
        200,
        &json!({
            "deviceCode": device_code,
            "userCode": user_code,
            "verificationUri": uri,
            "verificationUriComplete": format!("{uri}?user_code={user_code}"),
            "expiresIn": spec.expires_in,
            "interval": spec.interval,
        }),
    )
}

/// Approves or denies the pending device authorization with this user code.
pub fn decide_device(inner: &mut Inner, user_code: &str, approve: bool) -> bool {
    let wanted = user_code.trim().to_ascii_uppercase().replace('-', "");
    let mut found = false;
    for d in inner.store.device_auths.values_mut() {
        if d.user_code.replace('-', "") == wanted && !d.used {
            d.decision = Some(approve);
            found = true;
        }
    }
    found
}

/// `GET /device?user_code=..[&action=deny]`: the user at the verification page.
pub fn device_page(inner: &mut Inner, req: &Req) -> Resp {
    let code = req.q("user_code").unwrap_or_default().to_string();
    let approve = req.q("action") != Some("deny");
    if code.is_empty() {
        return http::html(
            200,
            "<html><body><h1>Fake AWS device verification</h1><p>Add ?user_code=XXXX-XXXX to approve.</p></body></html>",
        );
    }
    if decide_device(inner, &code, approve) {
        let what = if approve { "approved" } else { "denied" };
        http::html(200, &format!("<html><body><h1>Request {what}</h1><p>You can close this window.</p></body></html>"))
    } else {
        http::html(404, "<html><body><h1>Unknown or used code</h1></body></html>")
    }
}

// ---------------------------------------------------------------------------------------------
// CreateToken

/// Creates the tokens of a new login for `client_id`: access token, plus a refresh token when
/// `with_refresh`. Returns (session, access token, refresh token).
fn login(
    inner: &mut Inner,
    start_url: &str,
    scopes: Vec<String>,
    client_id: &str,
    via: &str,
    expires_in: i64,
    with_refresh: bool,
) -> (u64, String, Option<String>) {
    let session = inner.store.new_session(start_url, None, None, scopes, client_id, via);
    let at = inner.store.issue_access_token(session, expires_in);
    let rt = with_refresh.then(|| inner.store.issue_refresh_token(session, client_id));
    (session, at, rt)
}

fn token_response(access_token: &str, expires_in: i64, refresh_token: Option<&str>) -> Resp {
    let mut body = json!({"accessToken": access_token, "tokenType": "Bearer", "expiresIn": expires_in});
    if let Some(rt) = refresh_token {
        body["refreshToken"] = json!(rt);
    }
    http::json(O, 200, &body)
}

/// The grant type in a CreateToken body (for routing counters and faults before handling).
pub fn grant_of(req: &Req) -> Option<String> {
    req.json().ok().and_then(|b| str_field(&b, "grantType").map(str::to_string))
}

pub fn create_token(inner: &mut Inner, req: &Req) -> Resp {
    if req.q("aws_iam").is_some() {
        return err("InvalidRequestException", "CreateTokenWithIAM is not supported by the fake");
    }
    let body = match req.json() {
        Ok(b) => b,
        Err(e) => return err("InvalidRequestException", &e),
    };
    let Some(grant) = str_field(&body, "grantType").map(str::to_string) else {
        return err("InvalidRequestException", "grantType is required");
    };
    let (client_id, client_scopes, issuer) = match client(inner, &body) {
        Ok(c) => {
            if ![GRANT_DEVICE_CODE, GRANT_REFRESH_TOKEN, GRANT_AUTHORIZATION_CODE].contains(&grant.as_str()) {
                return err("UnsupportedGrantTypeException", &format!("Unsupported grant type: {grant}"));
            }
            if !allows(c, &grant) {
                return err("UnauthorizedClientException", &format!("Client is not authorized for grant type {grant}"));
            }
            (c.client_id.clone(), c.info.scopes.clone(), c.info.issuer_url.clone())
        }
        Err(r) => return r,
    };
    match grant.as_str() {
        GRANT_DEVICE_CODE => device_code_grant(inner, &body, &client_id, client_scopes),
        GRANT_REFRESH_TOKEN => refresh_grant(inner, &body, &client_id),
        _ => authorization_code_grant(inner, &body, &client_id, issuer),
    }
}

fn device_code_grant(inner: &mut Inner, body: &Value, client_id: &str, scopes: Vec<String>) -> Resp {
    let Some(code) = str_field(body, "deviceCode") else {
        return err("InvalidRequestException", "deviceCode is required");
    };
    let now = inner.store.now();
    let spec = inner.state.device_flow.clone();
    let Some(d) = inner.store.device_auths.get_mut(code) else {
        return err("InvalidGrantException", "Invalid device code provided");
    };
    if d.client_id != client_id || d.used {
        return err("InvalidGrantException", "Invalid device code provided");
    }
    if d.expires_at <= now {
        return err("ExpiredTokenException", "Device code has expired");
    }
    d.polls += 1;
    // Decide this poll: Ok(()) = approved, Err(answer) = keep polling / stop.
    let verdict: Result<(), Resp> = match d.decision {
        Some(true) => Ok(()),
        Some(false) => Err(err("AccessDeniedException", "The user denied the authorization request")),
        None if spec.slow_down_on_poll == Some(d.polls) => Err(err("SlowDownException", "Client is polling too quickly")),
        None if d.pending_served < spec.pending_polls => {
            d.pending_served += 1;
            Err(err("AuthorizationPendingException", "Authorization is still pending"))
        }
        None => match spec.outcome {
            DeviceOutcome::Approve => Ok(()),
            DeviceOutcome::Deny => Err(err("AccessDeniedException", "The user denied the authorization request")),
            DeviceOutcome::Expire => Err(err("ExpiredTokenException", "Device code has expired")),
            DeviceOutcome::Manual => Err(err("AuthorizationPendingException", "Authorization is still pending")),
        },
    };
    if let Err(answer) = verdict {
        return answer;
    }
    d.used = true;
    let start_url = d.start_url.clone();
    let expires_in = inner.state.login_expires_in;
    let with_refresh = !scopes.is_empty();
    let (_, at, rt) = login(inner, &start_url, scopes, client_id, "device_code", expires_in, with_refresh);
    token_response(&at, expires_in, rt.as_deref())
}

fn refresh_grant(inner: &mut Inner, body: &Value, client_id: &str) -> Resp {
    let Some(rt) = str_field(body, "refreshToken").map(str::to_string) else {
        return err("InvalidRequestException", "refreshToken is required");
    };
    let Some(r) = inner.store.refresh_tokens.get(&rt).cloned() else {
        return err("InvalidGrantException", "Invalid refresh token provided");
    };
    let revoked = inner.store.session(r.session).map(|s| s.revoked).unwrap_or(true);
    if !r.valid || revoked || r.client_id != client_id {
        return err("InvalidGrantException", "Invalid refresh token provided");
    }
    let expires_in = inner.state.refresh_expires_in;
    let at = inner.store.issue_access_token(r.session, expires_in);
    if let Some(s) = inner.store.session_mut(r.session) {
        s.refreshes += 1;
    }
    let new_rt = match inner.state.refresh_token_mode {
        RefreshTokenMode::Rotate => {
            if inner.state.invalidate_rotated_refresh_tokens {
                if let Some(old) = inner.store.refresh_tokens.get_mut(&rt) {
                    old.valid = false;
                }
            }
            Some(inner.store.issue_refresh_token(r.session, client_id))
        }
        RefreshTokenMode::Same => Some(rt),
        RefreshTokenMode::None => None,
    };
    token_response(&at, expires_in, new_rt.as_deref())
}

fn authorization_code_grant(inner: &mut Inner, body: &Value, client_id: &str, issuer: Option<String>) -> Resp {
    let Some(code) = str_field(body, "code") else {
        return err("InvalidRequestException", "code is required");
    };
    let now = inner.store.now();
    let Some(a) = inner.store.auth_codes.get_mut(code) else {
        return err("InvalidGrantException", "Invalid authorization code provided");
    };
    if a.used || a.client_id != client_id {
        return err("InvalidGrantException", "Invalid authorization code provided");
    }
    // Single use: a code presented once is spent, whatever the outcome.
    a.used = true;
    if a.expires_at <= now {
        return err("InvalidGrantException", "Authorization code has expired");
    }
    if str_field(body, "redirectUri") != Some(a.redirect_uri.as_str()) {
        return err("InvalidGrantException", "Redirect URI does not match the authorization request");
    }
    let verifier = str_field(body, "codeVerifier").unwrap_or_default();
    if util::b64url(&util::sha256(verifier.as_bytes())) != a.code_challenge {
        return err("InvalidGrantException", "Code verifier does not match the code challenge");
    }
    let scopes = a.scopes.clone();
    let expires_in = inner.state.login_expires_in;
    let with_refresh = !scopes.is_empty() && inner.store.clients.get(client_id).map(|c| allows(c, GRANT_REFRESH_TOKEN)).unwrap_or(false);
    let (_, at, rt) =
        login(inner, issuer.as_deref().unwrap_or_default(), scopes, client_id, "authorization_code", expires_in, with_refresh);
    token_response(&at, expires_in, rt.as_deref())
}

// ---------------------------------------------------------------------------------------------
// /authorize (the browser)

fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{}", util::build_query(pairs))
}

/// `GET /authorize?...`: plays the user. Returns the answer and, when `follow_redirect` is on,
/// the URL the fake should GET itself (the redirect target).
pub fn authorize(inner: &mut Inner, req: &Req) -> (Resp, Option<String>) {
    let bad = |msg: &str| (http::html(400, &format!("<html><body><h1>Error</h1><p>{}</p></body></html>", util::xml_escape(msg))), None);
    let client_id = req.q("client_id").unwrap_or_default();
    let Some(c) = inner.store.clients.get(client_id) else {
        return bad("invalid_client: unknown client_id");
    };
    if c.info.expires_at <= inner.store.now() {
        return bad("invalid_client: client registration expired");
    }
    let redirect_uri = req.q("redirect_uri").unwrap_or_default().to_string();
    if redirect_uri.is_empty() || !redirect_allowed(c, &redirect_uri) {
        return bad("invalid_request: redirect_uri does not match the registration");
    }
    let spec = inner.state.authorize.clone();
    let state = spec.override_state.clone().or_else(|| req.q("state").map(str::to_string));
    let redirect_error = |code: &str, desc: &str| {
        let mut q = vec![("error", code), ("error_description", desc)];
        if let Some(s) = &state {
            q.push(("state", s.as_str()));
        }
        let loc = with_query(&redirect_uri, &q);
        (http::redirect(&loc), spec.follow_redirect.then_some(loc))
    };
    if req.q("response_type") != Some("code") {
        return redirect_error("unsupported_response_type", "response_type must be code");
    }
    if !allows(c, GRANT_AUTHORIZATION_CODE) {
        return redirect_error("unauthorized_client", "client is not registered for authorization_code");
    }
    let challenge = req.q("code_challenge").unwrap_or_default().to_string();
    if challenge.is_empty() || req.q("code_challenge_method") != Some("S256") {
        return redirect_error("invalid_request", "PKCE with code_challenge_method=S256 is required");
    }
    match spec.outcome {
        AuthorizeOutcome::Ignore => {
            return (http::html(200, "<html><body><h1>Sign in</h1><p>The fake user is looking elsewhere.</p></body></html>"), None)
        }
        AuthorizeOutcome::Deny => return redirect_error("access_denied", "The user denied the request"),
        AuthorizeOutcome::Approve => {}
    }
    let mut scopes: Vec<String> =
        req.q("scopes").or(req.q("scope")).unwrap_or_default().split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect();
    if scopes.is_empty() {
        scopes = c.info.scopes.clone();
    }
    let client_id = c.client_id.clone();
    let code = inner.store.secret("fake-auth-code-");
    let expires_at = inner.store.now() + inner.state.auth_code_ttl_secs;
    inner.store.auth_codes.insert(
        code.clone(),
        AuthCode { client_id, redirect_uri: redirect_uri.clone(), code_challenge: challenge, scopes, expires_at, used: false },
    );
    let mut q = vec![("code", code.as_str())];
    if let Some(s) = &state {
        q.push(("state", s.as_str()));
    }
    let loc = with_query(&redirect_uri, &q);
    (http::redirect(&loc), spec.follow_redirect.then_some(loc))
}

// ---------------------------------------------------------------------------------------------
// Logins issued through the control API

/// Body of `POST /_fake/sso/token` (all optional).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct IssueTokenRequest {
    #[serde(alias = "startUrl")]
    pub start_url: String,
    pub region: String,
    #[serde(alias = "sessionName")]
    pub session_name: Option<String>,
    /// Seconds until the access token expires (negative: already expired). Default
    /// `login_expires_in` of the state.
    #[serde(alias = "expiresIn")]
    pub expires_in: Option<i64>,
    #[serde(deserialize_with = "crate::state::one_or_many")]
    pub scopes: Vec<String>,
    /// Issue a refresh token too.
    #[serde(alias = "withRefresh")]
    pub with_refresh: bool,
    /// Seconds until the client registration expires. Default `client_secret_ttl_secs`.
    #[serde(alias = "registrationExpiresIn")]
    pub registration_expires_in: Option<i64>,
}

impl Default for IssueTokenRequest {
    fn default() -> Self {
        IssueTokenRequest {
            start_url: "https://my-sso-portal.awsapps.com/start".into(),
            region: "us-east-1".into(),
            session_name: None,
            expires_in: None,
            scopes: vec!["sso:account:access".into()],
            with_refresh: true,
            registration_expires_in: None,
        }
    }
}

/// A login as the token cache holds it. Serializes with the AWS CLI's cache keys, in its
/// order, so it can be written as a cache file as is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedToken {
    pub start_url: String,
    pub region: String,
    pub access_token: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub expires_at: String,
    pub client_id: String,
    pub client_secret: String,
    pub registration_expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

pub fn issue_sso_token(inner: &mut Inner, r: &IssueTokenRequest) -> IssuedToken {
    let now = inner.store.now();
    let reg_expires = now + r.registration_expires_in.unwrap_or(inner.state.client_secret_ttl_secs);
    let info = ClientInfo {
        client_id: format!("fake-client-id-{}", util::random_hex(12)),
        client_name: format!("fake-issued-{}", r.session_name.clone().unwrap_or_else(|| "legacy".into())),
        client_type: "public".into(),
        scopes: r.scopes.clone(),
        grant_types: vec![],
        redirect_uris: vec![],
        issuer_url: Some(r.start_url.clone()),
        issued_at: now,
        expires_at: reg_expires,
    };
    let (client_id, client_secret) = add_client(inner, info);
    let expires_in = r.expires_in.unwrap_or(inner.state.login_expires_in);
    let session =
        inner.store.new_session(&r.start_url, Some(r.region.clone()), r.session_name.clone(), r.scopes.clone(), &client_id, "control");
    let access_token = inner.store.issue_access_token(session, expires_in);
    let refresh_token = r.with_refresh.then(|| inner.store.issue_refresh_token(session, &client_id));
    IssuedToken {
        start_url: r.start_url.clone(),
        region: r.region.clone(),
        access_token,
        expires_at: util::rfc3339(util::from_unix(now + expires_in)),
        client_id,
        client_secret,
        registration_expires_at: util::rfc3339(util::from_unix(reg_expires)),
        refresh_token,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            split_url("http://127.0.0.1:4321/oauth/callback?x=1"),
            Some(("http".into(), "127.0.0.1".into(), Some(4321), "/oauth/callback".into()))
        );
        assert_eq!(split_url("http://[::1]/cb"), Some(("http".into(), "[::1]".into(), None, "/cb".into())));
        assert!(is_loopback("http://localhost:1/x"));
        assert!(!is_loopback("https://127.0.0.1/x"));
        assert!(!is_loopback("http://evil.example/x"));
        assert_eq!(grant_short(GRANT_DEVICE_CODE), "device_code");
        assert_eq!(grant_short("refresh_token"), "refresh_token");
    }
}
