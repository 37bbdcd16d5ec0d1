//! Runtime data: what the fake has issued (client registrations, logins, tokens, codes, role
//! keys), counters, the request log, the list of issued secrets and the fake clock.

use crate::faults::Faults;
use crate::state::FakeState;
use crate::util;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// Everything behind the fake's single lock.
pub struct Inner {
    pub state: FakeState,
    /// State restored by `POST /_fake/reset`.
    pub initial: FakeState,
    pub store: Store,
    pub faults: Faults,
}

/// Shared handle to [`Inner`].
#[derive(Clone)]
pub struct Shared(pub Arc<Mutex<Inner>>);

impl Shared {
    pub fn new(state: FakeState) -> Shared {
        let mut state = state;
        state.normalize();
        Shared(Arc::new(Mutex::new(Inner { initial: state.clone(), state, store: Store::default(), faults: Faults::default() })))
    }

    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking handler must not take every later request down with it.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    /// Back to the initial state; forgets everything issued, counters, faults, log, clock.
    pub fn reset(&mut self) {
        self.state = self.initial.clone();
        self.store = Store::default();
        self.faults = Faults::default();
    }
}

#[derive(Clone, Debug)]
pub struct Client {
    pub client_id: String,
    pub client_secret: String,
    pub info: ClientInfo,
}

/// A client registration as recorded (no secret).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientInfo {
    pub client_id: String,
    pub client_name: String,
    pub client_type: String,
    pub scopes: Vec<String>,
    pub grant_types: Vec<String>,
    pub redirect_uris: Vec<String>,
    pub issuer_url: Option<String>,
    /// Epoch seconds.
    pub issued_at: i64,
    pub expires_at: i64,
}

/// A portal session (one login). Revoking it kills its access and refresh tokens.
#[derive(Clone, Debug, Serialize)]
pub struct Session {
    pub id: u64,
    pub start_url: String,
    pub region: Option<String>,
    pub session_name: Option<String>,
    pub scopes: Vec<String>,
    pub client_id: String,
    /// `device_code`, `authorization_code` or `control` (issued through `/_fake/sso/token`).
    pub via: String,
    pub created_at: i64,
    pub revoked: bool,
    pub access_tokens_issued: u32,
    pub refreshes: u32,
}

#[derive(Clone, Debug)]
pub struct AccessToken {
    pub session: u64,
    pub expires_at: i64,
    /// Logged out or expired by hand.
    pub invalid: bool,
}

#[derive(Clone, Debug)]
pub struct RefreshToken {
    pub session: u64,
    pub client_id: String,
    pub valid: bool,
}

#[derive(Clone, Debug)]
pub struct DeviceAuth {
    pub client_id: String,
    pub start_url: String,
    pub user_code: String,
    pub expires_at: i64,
    pub polls: u32,
    pub pending_served: u32,
    /// Manual decision: Some(true) approved, Some(false) denied.
    pub decision: Option<bool>,
    /// A token was issued for it (later polls get invalid_grant).
    pub used: bool,
}

#[derive(Clone, Debug)]
pub struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub scopes: Vec<String>,
    pub expires_at: i64,
    pub used: bool,
}

/// Temporary credentials the fake issued (SSO GetRoleCredentials, STS AssumeRole*), by access
/// key id. S3 and STS accept them until `expires_at_ms`.
#[derive(Clone, Debug)]
pub struct RoleKey {
    pub secret_access_key: String,
    pub session_token: String,
    pub account: String,
    pub role: String,
    pub expires_at_ms: i64,
    /// Set for keys from STS AssumeRole / AssumeRoleWithWebIdentity: the caller is then
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`; `None` (SSO role credentials) gives
    /// the `AWSReservedSSO_ROLE_<hash>/USER` identity.
    pub session_name: Option<String>,
}

/// What [`Store::issue_role_key`] hands out.
#[derive(Clone, Debug)]
pub struct IssuedRoleKey {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// Epoch milliseconds (whole seconds).
    pub expires_at_ms: i64,
}

/// One entry of `GET /_fake/requests` (never holds secrets).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RequestLogEntry {
    pub seq: u64,
    pub time: String,
    pub method: String,
    pub path: String,
    /// Query string with secret-bearing parameters redacted.
    pub query: String,
    pub operation: String,
    /// 0 when the connection was dropped.
    pub status: u16,
    pub fault: bool,
    pub access_key_id: Option<String>,
    pub client_id: Option<String>,
    pub user_agent: Option<String>,
    pub duration_ms: u64,
}

/// Which logins `/_fake/sso/revoke` and `/_fake/sso/expire` act on. All fields empty = all.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionSelector {
    #[serde(alias = "accessToken")]
    pub access_token: Option<String>,
    #[serde(alias = "refreshToken")]
    pub refresh_token: Option<String>,
    #[serde(alias = "startUrl")]
    pub start_url: Option<String>,
    #[serde(alias = "sessionName")]
    pub session_name: Option<String>,
}

#[derive(Default)]
pub struct Store {
    pub clock_offset_secs: i64,
    pub clients: HashMap<String, Client>,
    pub client_order: Vec<String>,
    pub sessions: Vec<Session>,
    pub access_tokens: HashMap<String, AccessToken>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    pub device_auths: HashMap<String, DeviceAuth>,
    pub auth_codes: HashMap<String, AuthCode>,
    pub role_keys: HashMap<String, RoleKey>,
    pub secrets: Vec<String>,
    pub counters: BTreeMap<String, u64>,
    pub log: VecDeque<RequestLogEntry>,
    pub log_seq: u64,
}

impl Store {
    /// The fake clock, epoch seconds.
    pub fn now(&self) -> i64 {
        util::now_with_offset(self.clock_offset_secs).unix_timestamp()
    }

    pub fn now_ms(&self) -> i64 {
        (util::now_with_offset(self.clock_offset_secs).unix_timestamp_nanos() / 1_000_000) as i64
    }

    /// A new secret `prefix` + 64 hex characters, recorded in the secrets list.
    pub fn secret(&mut self, prefix: &str) -> String {
        let s = format!("{prefix}{}", util::random_hex(32));
        self.secrets.push(s.clone());
        s
    }

    pub fn count(&mut self, op: &str) {
        *self.counters.entry(op.to_string()).or_insert(0) += 1;
    }

    pub fn log(&mut self, mut e: RequestLogEntry, limit: usize) {
        self.log_seq += 1;
        e.seq = self.log_seq;
        self.log.push_back(e);
        while self.log.len() > limit.max(1) {
            self.log.pop_front();
        }
    }

    pub fn new_session(
        &mut self,
        start_url: &str,
        region: Option<String>,
        session_name: Option<String>,
        scopes: Vec<String>,
        client_id: &str,
        via: &str,
    ) -> u64 {
        let id = self.sessions.len() as u64 + 1;
        let created_at = self.now();
        self.sessions.push(Session {
            id,
            start_url: start_url.to_string(),
            region,
            session_name,
            scopes,
            client_id: client_id.to_string(),
            via: via.to_string(),
            created_at,
            revoked: false,
            access_tokens_issued: 0,
            refreshes: 0,
        });
        id
    }

    pub fn session(&self, id: u64) -> Option<&Session> {
        self.sessions.get((id as usize).wrapping_sub(1))
    }

    pub fn session_mut(&mut self, id: u64) -> Option<&mut Session> {
        self.sessions.get_mut((id as usize).wrapping_sub(1))
    }

    /// New temporary credentials (`ASIA` + 16 characters, secrets recorded in the secrets list)
    /// valid for `ttl_secs` from now (whole seconds), recorded in `role_keys`.
    pub fn issue_role_key(&mut self, account: &str, role: &str, session_name: Option<String>, ttl_secs: i64) -> IssuedRoleKey {
        let access_key_id = format!("ASIA{}", util::random_upper(16));
        let secret_access_key = self.secret("fakeSecretAccessKey");
        let session_token = self.secret("FakeSessionToken");
        let expires_at_ms = self.now_ms() / 1000 * 1000 + ttl_secs * 1000;
        self.role_keys.insert(
            access_key_id.clone(),
            RoleKey {
                secret_access_key: secret_access_key.clone(),
                session_token: session_token.clone(),
                account: account.to_string(),
                role: role.to_string(),
                expires_at_ms,
                session_name,
            },
        );
        IssuedRoleKey { access_key_id, secret_access_key, session_token, expires_at_ms }
    }

    pub fn issue_access_token(&mut self, session: u64, expires_in: i64) -> String {
        let tok = self.secret("fake-sso-access-token-");
        let expires_at = self.now() + expires_in;
        self.access_tokens.insert(tok.clone(), AccessToken { session, expires_at, invalid: false });
        if let Some(s) = self.session_mut(session) {
            s.access_tokens_issued += 1;
        }
        tok
    }

    pub fn issue_refresh_token(&mut self, session: u64, client_id: &str) -> String {
        let tok = self.secret("fake-sso-refresh-token-");
        self.refresh_tokens.insert(tok.clone(), RefreshToken { session, client_id: client_id.to_string(), valid: true });
        tok
    }

    /// The session of a valid (known, unexpired, not logged out, session not revoked) access token.
    pub fn session_of_access_token(&self, token: &str) -> Option<u64> {
        let t = self.access_tokens.get(token)?;
        if t.invalid || t.expires_at <= self.now() {
            return None;
        }
        let s = self.session(t.session)?;
        if s.revoked {
            return None;
        }
        Some(s.id)
    }

    /// Session ids picked by `sel`.
    pub fn select_sessions(&self, sel: &SessionSelector) -> Vec<u64> {
        let by_at = sel.access_token.as_ref().map(|t| self.access_tokens.get(t).map(|a| a.session));
        let by_rt = sel.refresh_token.as_ref().map(|t| self.refresh_tokens.get(t).map(|r| r.session));
        self.sessions
            .iter()
            .filter(|s| by_at.map(|x| x == Some(s.id)).unwrap_or(true))
            .filter(|s| by_rt.map(|x| x == Some(s.id)).unwrap_or(true))
            .filter(|s| sel.start_url.as_ref().map(|u| *u == s.start_url).unwrap_or(true))
            .filter(|s| sel.session_name.as_ref().map(|n| Some(n) == s.session_name.as_ref()).unwrap_or(true))
            .map(|s| s.id)
            .collect()
    }

    /// Ends the selected portal sessions: their access and refresh tokens stop working.
    pub fn revoke(&mut self, sel: &SessionSelector) -> usize {
        let ids = self.select_sessions(sel);
        for id in &ids {
            if let Some(s) = self.session_mut(*id) {
                s.revoked = true;
            }
        }
        for r in self.refresh_tokens.values_mut() {
            if ids.contains(&r.session) {
                r.valid = false;
            }
        }
        ids.len()
    }

    /// Makes the access tokens of the selected sessions (or just `sel.access_token`) expired,
    /// leaving refresh tokens alone.
    pub fn expire_access_tokens(&mut self, sel: &SessionSelector) -> usize {
        let now = self.now();
        if let Some(t) = &sel.access_token {
            return match self.access_tokens.get_mut(t) {
                Some(a) => {
                    a.expires_at = a.expires_at.min(now - 1);
                    1
                }
                None => 0,
            };
        }
        let ids = self.select_sessions(sel);
        let mut n = 0;
        for a in self.access_tokens.values_mut() {
            if ids.contains(&a.session) && a.expires_at > now - 1 {
                a.expires_at = now - 1;
                n += 1;
            }
        }
        n
    }
}
