//! The fake's configuration ("state"): what exists (buckets, accounts, static keys) and how the
//! services behave (TTLs, device-flow script, refresh-token rotation, ...).
//!
//! Everything is JSON (snake_case keys, every field optional on input thanks to
//! `#[serde(default)]`). `POST /_fake/state` deep-merges a JSON object into the current state:
//! objects merge key by key, everything else (arrays included) replaces.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Deserializes a list leniently: a single value (as PowerShell's ConvertTo-Json produces for
/// one-element arrays) or null is accepted too.
pub fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    match Value::deserialize(d)? {
        Value::Null => Ok(Vec::new()),
        Value::Array(a) => a.into_iter().map(|v| serde_json::from_value(v).map_err(serde::de::Error::custom)).collect(),
        v => Ok(vec![serde_json::from_value(v).map_err(serde::de::Error::custom)?]),
    }
}

/// Default static access key id known to the fake.
pub const DEFAULT_STATIC_KEY_ID: &str = "AKIDEXAMPLESTATIC";
/// Secret of [`DEFAULT_STATIC_KEY_ID`].
pub const DEFAULT_STATIC_SECRET: &str = "static-secret-key-example";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FakeState {
    /// S3 buckets (kept sorted by name).
    #[serde(deserialize_with = "one_or_many")]
    pub buckets: Vec<BucketSpec>,
    /// Owner returned by ListBuckets.
    pub owner: OwnerSpec,
    /// Long-term (or fixed temporary) keys accepted by S3 and STS besides the issued role keys.
    #[serde(deserialize_with = "one_or_many")]
    pub static_keys: Vec<StaticKey>,
    /// Accounts (and their roles) the SSO user is assigned to.
    #[serde(deserialize_with = "one_or_many")]
    pub accounts: Vec<AccountSpec>,
    /// Name of the SSO user (last part of assumed-role ARNs).
    pub user_name: String,
    /// When non-empty, StartDeviceAuthorization / issued logins only accept these start URLs.
    #[serde(deserialize_with = "one_or_many")]
    pub allowed_start_urls: Vec<String>,
    /// Lifetime of role credentials from GetRoleCredentials (seconds).
    pub role_credentials_ttl_secs: i64,
    /// `expiresIn` of access tokens from a login (device code / authorization code).
    pub login_expires_in: i64,
    /// `expiresIn` of access tokens from a refresh.
    pub refresh_expires_in: i64,
    /// What a refresh returns as refresh token.
    pub refresh_token_mode: RefreshTokenMode,
    /// With `rotate`: whether the refresh token that was used stops working.
    pub invalidate_rotated_refresh_tokens: bool,
    /// Lifetime of client registrations (`clientSecretExpiresAt - now`), default 90 days.
    pub client_secret_ttl_secs: i64,
    /// Lifetime of authorization codes from /authorize.
    pub auth_code_ttl_secs: i64,
    /// Default page size of SSO ListAccounts / ListAccountRoles when max_result is absent.
    pub portal_page_size: usize,
    /// Scripted behaviour of the device authorization flow.
    pub device_flow: DeviceFlowSpec,
    /// Scripted behaviour of the browser at /authorize.
    pub authorize: AuthorizeSpec,
    /// S3/STS: reject requests without a SigV4 Authorization from a known key.
    pub require_auth: bool,
    /// S3/STS: verify SigV4 signatures (SignatureDoesNotMatch on mismatch).
    pub verify_signatures: bool,
    /// How many entries the request log keeps.
    pub request_log_limit: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BucketSpec {
    pub name: String,
    /// RFC 3339 (`2024-01-15T10:30:00.000Z`); sent to clients verbatim.
    pub creation_date: String,
    pub region: String,
    /// When set, only callers of this account (role keys issued for it, or a static key of it)
    /// see the bucket; unset, every caller does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

impl Default for BucketSpec {
    fn default() -> Self {
        BucketSpec { name: String::new(), creation_date: "2024-01-15T10:30:00.000Z".into(), region: "us-east-1".into(), account: None }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OwnerSpec {
    pub id: String,
    pub display_name: String,
}

impl Default for OwnerSpec {
    fn default() -> Self {
        OwnerSpec { id: "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a".into(), display_name: "fake-owner".into() }
    }
}

/// A key pair S3 and STS accept, with the identity GetCallerIdentity reports for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StaticKey {
    pub access_key_id: String,
    pub secret_access_key: String,
    /// When set, requests must carry it as `x-amz-security-token`.
    pub session_token: Option<String>,
    /// RFC 3339; when set and past, requests get ExpiredToken.
    pub expires_at: Option<String>,
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

impl Default for StaticKey {
    fn default() -> Self {
        StaticKey {
            access_key_id: DEFAULT_STATIC_KEY_ID.into(),
            secret_access_key: DEFAULT_STATIC_SECRET.into(),
            session_token: None,
            expires_at: None,
            account: "123456789012".into(),
            arn: "arn:aws:iam::123456789012:user/static-user".into(),
            user_id: "AIDAEXAMPLESTATICUSER".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AccountSpec {
    pub account_id: String,
    pub account_name: String,
    pub email_address: String,
    /// Permission sets (role names) the user has in this account.
    #[serde(deserialize_with = "one_or_many")]
    pub roles: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RefreshTokenMode {
    /// A new refresh token each refresh.
    #[default]
    Rotate,
    /// The same refresh token is returned again.
    Same,
    /// No refresh token in the response (clients must keep the old one).
    None,
}

/// Device flow script. Poll number K (1-based, per device code) gets `slow_down` when
/// `slow_down_on_poll == K`; otherwise the first `pending_polls` polls get
/// `authorization_pending`; after that `outcome` applies. A manual decision
/// (`/_fake/device/approve`, `/_fake/device/deny`, or opening the verification URL) wins over
/// the script as soon as it is made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeviceFlowSpec {
    pub pending_polls: u32,
    pub slow_down_on_poll: Option<u32>,
    pub outcome: DeviceOutcome,
    /// `expiresIn` of device codes (after that, polls get expired_token).
    pub expires_in: i64,
    /// `interval` returned by StartDeviceAuthorization.
    pub interval: i32,
}

impl Default for DeviceFlowSpec {
    fn default() -> Self {
        DeviceFlowSpec { pending_polls: 0, slow_down_on_poll: None, outcome: DeviceOutcome::Approve, expires_in: 600, interval: 1 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DeviceOutcome {
    /// Token issued.
    #[default]
    Approve,
    /// AccessDeniedException `access_denied`.
    Deny,
    /// ExpiredTokenException `expired_token`.
    Expire,
    /// `authorization_pending` until approved or denied by hand.
    Manual,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AuthorizeSpec {
    pub outcome: AuthorizeOutcome,
    /// Send this `state` back instead of the one received (CSRF tests).
    pub override_state: Option<String>,
    /// The fake itself delivers the redirect (GETs the callback URL) and answers 200, so a
    /// "browser" that does not follow redirects (plain curl) still completes the login.
    pub follow_redirect: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizeOutcome {
    /// 302 to `redirect_uri?code=..&state=..`.
    #[default]
    Approve,
    /// 302 to `redirect_uri?error=access_denied&error_description=..&state=..`.
    Deny,
    /// 200 with a page and no redirect: the user never finishes (timeout tests).
    Ignore,
}

impl Default for FakeState {
    fn default() -> Self {
        let bucket = |name: &str, date: &str, region: &str| BucketSpec {
            name: name.into(),
            creation_date: date.into(),
            region: region.into(),
            account: None,
        };
        FakeState {
            buckets: vec![
                bucket("alpha-bucket", "2023-03-01T08:00:00.000Z", "us-east-1"),
                bucket("beta-logs", "2023-06-15T12:30:00.000Z", "eu-west-1"),
                bucket("gamma-data", "2024-01-20T17:45:10.000Z", "us-west-2"),
            ],
            owner: OwnerSpec::default(),
            static_keys: vec![StaticKey::default()],
            accounts: vec![
                AccountSpec {
                    account_id: "111122223333".into(),
                    account_name: "Production".into(),
                    email_address: "aws-prod@example.com".into(),
                    roles: vec!["AdministratorAccess".into(), "ReadOnly".into()],
                },
                AccountSpec {
                    account_id: "444455556666".into(),
                    account_name: "Development".into(),
                    email_address: "aws-dev@example.com".into(),
                    roles: vec!["AdministratorAccess".into(), "ReadOnly".into(), "PowerUserAccess".into()],
                },
            ],
            user_name: "fake-user".into(),
            allowed_start_urls: Vec::new(),
            role_credentials_ttl_secs: 3600,
            login_expires_in: 28800,
            refresh_expires_in: 3600,
            refresh_token_mode: RefreshTokenMode::Rotate,
            invalidate_rotated_refresh_tokens: true,
            client_secret_ttl_secs: 90 * 24 * 3600,
            auth_code_ttl_secs: 600,
            portal_page_size: 20,
            device_flow: DeviceFlowSpec::default(),
            authorize: AuthorizeSpec::default(),
            require_auth: true,
            verify_signatures: true,
            request_log_limit: 1000,
        }
    }
}

impl FakeState {
    /// Parses a full or partial state (missing fields take their defaults).
    pub fn from_json(v: Value) -> Result<FakeState, String> {
        let mut s: FakeState = serde_json::from_value(v).map_err(|e| format!("invalid state: {e}"))?;
        s.normalize();
        Ok(s)
    }

    /// Deep-merges `patch` (a JSON object) into this state.
    pub fn merge_json(&mut self, patch: &Value) -> Result<(), String> {
        let obj = patch.as_object().ok_or("state patch must be a JSON object")?;
        // Serializing 100k buckets for nothing is slow: leave them out unless the patch has them.
        let buckets = if obj.contains_key("buckets") { None } else { Some(std::mem::take(&mut self.buckets)) };
        let mut current = serde_json::to_value(&*self).map_err(|e| e.to_string())?;
        merge_value(&mut current, patch);
        let result = serde_json::from_value::<FakeState>(current);
        match result {
            Ok(mut next) => {
                if let Some(b) = buckets {
                    next.buckets = b;
                }
                *self = next;
                self.normalize();
                Ok(())
            }
            Err(e) => {
                if let Some(b) = buckets {
                    self.buckets = b;
                }
                Err(format!("invalid state patch: {e}"))
            }
        }
    }

    /// Sorts buckets by name and removes duplicate names (the last one wins).
    pub fn normalize(&mut self) {
        if !self.buckets.windows(2).all(|w| w[0].name < w[1].name) {
            // Stable sort keeps insertion order among equal names; keep the last of each run.
            self.buckets.sort_by(|a, b| a.name.cmp(&b.name));
            let mut out: Vec<BucketSpec> = Vec::with_capacity(self.buckets.len());
            for b in self.buckets.drain(..) {
                if out.last().map(|l| l.name == b.name).unwrap_or(false) {
                    *out.last_mut().unwrap() = b;
                } else {
                    out.push(b);
                }
            }
            self.buckets = out;
        }
    }

    pub fn account(&self, id: &str) -> Option<&AccountSpec> {
        self.accounts.iter().find(|a| a.account_id == id)
    }
}

/// Objects merge recursively; any other patch value replaces the target.
pub fn merge_value(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                match t.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge_value(existing, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// Body of `POST /_fake/buckets/generate`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct GenerateBuckets {
    pub count: usize,
    pub prefix: String,
    /// Region of every bucket, unless `regions` is non-empty (then round-robin).
    pub region: String,
    #[serde(deserialize_with = "one_or_many")]
    pub regions: Vec<String>,
    /// First index (names are `prefix` + zero-padded index).
    pub start: usize,
    /// Remove all existing buckets first.
    pub replace: bool,
}

impl Default for GenerateBuckets {
    fn default() -> Self {
        GenerateBuckets { count: 0, prefix: "bucket-".into(), region: "us-east-1".into(), regions: Vec::new(), start: 0, replace: false }
    }
}

impl FakeState {
    /// Adds `spec.count` buckets named `prefix000042`-style (zero padded so that name order is
    /// index order). Returns the total number of buckets.
    pub fn generate_buckets(&mut self, spec: &GenerateBuckets) -> usize {
        if spec.replace {
            self.buckets.clear();
        }
        let last = spec.start + spec.count.saturating_sub(1);
        let width = last.to_string().len().max(6);
        let base = time::OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        self.buckets.reserve(spec.count);
        for i in 0..spec.count {
            let idx = spec.start + i;
            let region = if spec.regions.is_empty() { spec.region.clone() } else { spec.regions[i % spec.regions.len()].clone() };
            self.buckets.push(BucketSpec {
                name: format!("{}{:0width$}", spec.prefix, idx, width = width),
                creation_date: crate::util::rfc3339_millis(base + time::Duration::seconds(idx as i64)),
                region,
                account: None,
            });
        }
        self.normalize();
        self.buckets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_keeps_unmentioned_fields() {
        let mut s = FakeState::default();
        s.merge_json(&json!({"device_flow": {"pending_polls": 3}, "login_expires_in": 5})).unwrap();
        assert_eq!(s.device_flow.pending_polls, 3);
        assert_eq!(s.device_flow.interval, 1);
        assert_eq!(s.login_expires_in, 5);
        assert_eq!(s.buckets.len(), 3);
        assert!(s.merge_json(&json!({"login_expires_in": "x"})).is_err());
        assert_eq!(s.buckets.len(), 3);
        s.merge_json(&json!({"buckets": [{"name": "b"}, {"name": "a", "region": "eu-west-1"}]})).unwrap();
        assert_eq!(s.buckets.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        s.merge_json(&json!({"buckets": {"name": "solo"}, "accounts": {"account_id": "1", "roles": "R"}})).unwrap();
        assert_eq!(s.buckets.len(), 1);
        assert_eq!(s.accounts[0].roles, ["R"]);
    }

    #[test]
    fn generate_is_sorted_and_deduplicated() {
        let mut s = FakeState::default();
        let n = s.generate_buckets(&GenerateBuckets { count: 1000, prefix: "b-".into(), replace: true, ..Default::default() });
        assert_eq!(n, 1000);
        assert_eq!(s.buckets[0].name, "b-000000");
        assert_eq!(s.buckets[999].name, "b-000999");
        let n = s.generate_buckets(&GenerateBuckets { count: 10, prefix: "b-".into(), ..Default::default() });
        assert_eq!(n, 1000);
    }
}
