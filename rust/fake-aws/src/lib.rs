//! # fake-aws: a local fake of the AWS endpoints AWS.Tools.RustSSO talks to
//!
//! One HTTP port (`http://127.0.0.1:PORT`) serves every service, so tests point every
//! `AWS_ENDPOINT_URL*` at it. Requests are routed by method and path:
//!
//! | Operation (counter name)          | Request                                                  |
//! |-----------------------------------|----------------------------------------------------------|
//! | `s3:ListBuckets`                  | `GET /` (`x-id=ListBuckets`, `max-buckets`, `continuation-token`, `prefix`, `bucket-region`), SigV4 |
//! | `sts:GetCallerIdentity`           | `POST /` form `Action=GetCallerIdentity` (awsQuery; awsJson `X-Amz-Target` also accepted), SigV4 |
//! | `sts:AssumeRole`                  | `POST /` form `Action=AssumeRole&RoleArn=arn:aws:iam::ACCOUNT:role/ROLE&RoleSessionName=..[&DurationSeconds=900..43200]` (awsQuery or awsJson), SigV4 by a known key -> new role credentials |
//! | `sts:AssumeRoleWithWebIdentity`   | `POST /` form `Action=AssumeRoleWithWebIdentity&WebIdentityToken=..&RoleArn=..&RoleSessionName=..[&DurationSeconds=..]`, unsigned, any non-empty token -> new role credentials |
//! | `sso:GetRoleCredentials`          | `GET /federation/credentials?role_name=&account_id=`, header `x-amz-sso_bearer_token` |
//! | `sso:ListAccounts`                | `GET /assignment/accounts?max_result=&next_token=`        |
//! | `sso:ListAccountRoles`            | `GET /assignment/roles?account_id=&max_result=&next_token=` |
//! | `sso:Logout`                      | `POST /logout` (ends the token's portal session)          |
//! | `oidc:RegisterClient`             | `POST /client/register`                                   |
//! | `oidc:StartDeviceAuthorization`   | `POST /device_authorization`                              |
//! | `oidc:CreateToken` + `oidc:CreateToken:<device_code\|refresh_token\|authorization_code>` | `POST /token` |
//! | `oidc:Authorize`                  | `GET /authorize?...` (plays the user: 302 to `redirect_uri?code=..&state=..`) |
//! | `oidc:DeviceVerification`         | `GET /device?user_code=..[&action=deny]` (the `verificationUri`; approves the code) |
//! | `unknown`                         | anything else: 404 with an error in the likely service's shape |
//!
//! Every request that reaches an operation is counted (faulted ones included). Generated
//! secrets are unique and recognisable: `fake-sso-access-token-<hex>`,
//! `fake-sso-refresh-token-<hex>`, `fake-client-secret-<hex>`, `fake-device-code-<hex>`,
//! `fake-auth-code-<hex>`, `fakeSecretAccessKey<hex>`, `FakeSessionToken<hex>`; role access key
//! ids (GetRoleCredentials, AssumeRole*) are `ASIA` + 16 characters. Default static key:
//! `AKIDEXAMPLESTATIC` / `static-secret-key-example`.
//!
//! ## Control API (JSON, under `/_fake/`)
//!
//! | Request | Effect / answer |
//! |---------|-----------------|
//! | `GET /_fake/health` | `{"ok":true}` |
//! | `GET /_fake/counters` | `{"s3:ListBuckets":3,"oidc:CreateToken":2,"oidc:CreateToken:refresh_token":1,...}` (non-zero only) |
//! | `POST /_fake/counters/reset` | zeroes the counters |
//! | `GET /_fake/state` | the whole [`FakeState`] (snake_case keys) |
//! | `POST /_fake/state` | deep-merges the body into the state (objects merge, arrays replace); answers the new state |
//! | `PUT /_fake/state` | replaces the state (missing fields = defaults) |
//! | `POST /_fake/reset` | initial state, no clients/tokens/keys/counters/faults/log, clock offset 0 |
//! | `POST /_fake/buckets/generate` | `{"count":100000,"prefix":"bucket-","region":"us-east-1","regions":[..],"start":0,"replace":false}` -> `{"generated":N,"total":M}`; names `prefix` + 6+ digit index |
//! | `DELETE /_fake/buckets` | removes all buckets |
//! | `GET /_fake/faults` | the fault rules with `seen`/`applied` counts |
//! | `POST /_fake/faults` | appends faults: one [`Fault`] object, a list, or `{"faults":[..]}` |
//! | `PUT /_fake/faults` | replaces the fault list |
//! | `DELETE /_fake/faults` | clears the fault list |
//! | `POST /_fake/sso/token` | [`IssueTokenRequest`] `{"start_url","region","session_name","expires_in","scopes","with_refresh","registration_expires_in"}` -> [`IssuedToken`] `{"startUrl","region","accessToken","expiresAt","clientId","clientSecret","registrationExpiresAt","refreshToken"}` (a valid cache file body) |
//! | `POST /_fake/sso/revoke` | [`SessionSelector`] `{"accessToken"\|"refreshToken"\|"start_url"\|"session_name"}` (empty = all) ends those portal sessions: access tokens -> 401 UnauthorizedException, refresh -> InvalidGrantException. `{"revoked":N}` |
//! | `POST /_fake/sso/expire` | same selector; makes the access tokens expired server-side (refresh tokens keep working). `{"expired":N}` |
//! | `POST /_fake/device/approve` / `POST /_fake/device/deny` | `{"userCode":"ABCD-EFGH"}`: decides a pending device authorization (404 if unknown) |
//! | `GET /_fake/secrets` | every secret ever issued (plus the static keys' secrets), for leak scans |
//! | `GET /_fake/requests[?limit=N]` | request log, oldest first: `{"seq","time","method","path","query" (secret params redacted),"operation","status" (0 = dropped),"fault","access_key_id","client_id","user_agent","duration_ms"}` |
//! | `DELETE /_fake/requests` | clears the log |
//! | `GET /_fake/clients` | client registrations (no secrets): `clientId, clientName, clientType, scopes, grantTypes, redirectUris, issuerUrl, issuedAt, expiresAt` |
//! | `GET /_fake/sessions` | logins: `id, start_url, region, session_name, scopes, client_id, via, created_at, revoked, access_tokens_issued, refreshes` |
//! | `GET /_fake/clock` | `{"now","now_epoch","offset_secs"}` |
//! | `POST /_fake/clock` | `{"advance_secs":N}` or `{"offset_secs":N}`: shifts the fake's clock (all server-side expiry) |
//! | `POST /_fake/browser` | `{"url":..}`: the fake GETs the URL like a browser, following up to 5 redirects (e.g. `/authorize` then the loopback callback); answers `{"ok","status","body","hops":[{"url","status","location"}]}` |
//!
//! Faults (see [`Fault`]): `{"operation":"s3:ListBuckets","status":503,"error_code":"SlowDown",
//! "message":null,"delay_ms":0,"body":null,"drop_connection":false,"times":2,"skip":0}`.
//! `operation` may be `svc:*` or `*`. Errors use the service's own shape (S3 `<Error><Code>`,
//! STS `<ErrorResponse><Error><Code>`, SSO `x-amzn-ErrorType` + `{"message"}`, OIDC
//! `x-amzn-ErrorType` + `{"error","error_description"}`); without `error_code` the code follows
//! the status (S3 503 `ServiceUnavailable`, STS 400 `Throttling`, SSO/OIDC 429
//! `TooManyRequestsException`, ...).
//!
//! ## Behaviour worth knowing
//! - S3/STS: `Authorization` SigV4 must name a known key (static keys in the state, or keys from
//!   GetRoleCredentials / AssumeRole* with their `x-amz-security-token`); unknown -> S3 403
//!   `InvalidAccessKeyId` / STS 403 `InvalidClientTokenId`; expired -> S3 400 / STS 403
//!   `ExpiredToken`; the signature is verified (403 `SignatureDoesNotMatch`) unless
//!   `verify_signatures` is false. `require_auth: false` accepts anything.
//! - STS AssumeRole / AssumeRoleWithWebIdentity issue `ASIA..` credentials (`Expiration` ISO 8601
//!   `Z`, default 1 h, `DurationSeconds` 900..=43200) that S3/STS accept like the SSO role
//!   credentials; GetCallerIdentity with them answers
//!   `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` (ACCOUNT and ROLE from the `RoleArn`, any
//!   role is allowed, no role-chaining limit). Missing/invalid `RoleArn`, `RoleSessionName`,
//!   `DurationSeconds` or `WebIdentityToken` -> 400 `ValidationError`. A JWT web identity token's
//!   `sub`/`aud`/`iss` claims (unverified) become `SubjectFromWebIdentityToken`/`Audience`/`Provider`.
//! - Refresh tokens are only issued when the client registered with scopes (like AWS), or on
//!   request through `/_fake/sso/token`.
//! - Device flow script and `/authorize` behaviour: see [`DeviceFlowSpec`] and [`AuthorizeSpec`].
//!
//! ## Binary
//! `fake-aws [--port N] [--state FILE.json] [--exit-on-stdin-eof]` prints one line
//! `FAKE_AWS_ENDPOINT=http://127.0.0.1:PORT` once listening; `--state` is merged over the
//! defaults; with `--exit-on-stdin-eof` it exits when its stdin closes.
//!
//! ## Tests
//! `cargo test -p fake-aws` (raw HTTP, SigV4 signed with aws-sigv4);
//! `cargo test -p fake-aws --features sdk-tests` also runs the real aws-sdk-rust clients and
//! aws-config's SSO chain against the fake.
//!
//! ## From Rust
//! ```no_run
//! let fake = fake_aws::FakeAws::start();
//! let token = fake.issue_sso_token(fake_aws::IssueTokenRequest::default());
//! fake.add_fault(fake_aws::Fault::error("s3:ListBuckets", 503, "SlowDown").times(1));
//! assert_eq!(fake.count("s3:ListBuckets"), 0);
//! # drop(token);
//! ```

#![allow(clippy::result_large_err)] // handlers return ready-made error responses (Err(Resp))

pub mod client;
pub mod control;
pub mod faults;
pub mod http;
pub mod oidc;
pub mod portal;
pub mod proxy;
pub mod s3;
pub mod server;
pub mod sigv4;
pub mod state;
pub mod store;
pub mod sts;
pub mod util;

pub use faults::Fault;
pub use oidc::{IssueTokenRequest, IssuedToken};
pub use proxy::{FakeProxy, ProxyMode, ProxyOptions};
pub use state::{
    AccountSpec, AuthorizeOutcome, AuthorizeSpec, BucketSpec, DeviceFlowSpec, DeviceOutcome, FakeState, GenerateBuckets, OwnerSpec,
    RefreshTokenMode, StaticKey, DEFAULT_STATIC_KEY_ID, DEFAULT_STATIC_SECRET,
};
pub use store::{ClientInfo, RequestLogEntry, Session, SessionSelector};

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::Duration;
use store::{Inner, Shared};
use tokio::sync::oneshot;

/// A running fake. Serves on its own thread and tokio runtime; dropping it stops the server.
pub struct FakeAws {
    addr: SocketAddr,
    shared: Shared,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeAws {
    /// Starts on a free port with the default state. Panics if it cannot listen.
    pub fn start() -> FakeAws {
        FakeAws::start_with(FakeState::default())
    }

    /// Starts on a free port with `state`. Panics if it cannot listen.
    pub fn start_with(state: FakeState) -> FakeAws {
        FakeAws::bind(0, state).expect("fake-aws: cannot listen on 127.0.0.1")
    }

    /// Starts on `127.0.0.1:port` (0 = any free port). Returns once the socket is listening.
    pub fn bind(port: u16, state: FakeState) -> std::io::Result<FakeAws> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Shared::new(state);
        let (tx, rx) = oneshot::channel();
        let server_shared = shared.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).thread_name("fake-aws-worker").enable_all().build()?;
        let thread = std::thread::Builder::new().name("fake-aws".into()).spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => server::serve(l, server_shared, rx).await,
                    Err(e) => eprintln!("fake-aws: cannot register listener: {e}"),
                }
            });
            runtime.shutdown_timeout(Duration::from_millis(200));
        })?;
        Ok(FakeAws { addr, shared, shutdown: Some(tx), thread: Some(thread) })
    }

    /// `http://127.0.0.1:PORT`
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn with_inner<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        f(&mut self.shared.lock())
    }

    /// Reads or changes the state (buckets, accounts, TTLs, device-flow script, ...).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut FakeState) -> R) -> R {
        self.with_inner(|i| {
            let r = f(&mut i.state);
            i.state.normalize();
            r
        })
    }

    /// A copy of the state.
    pub fn state(&self) -> FakeState {
        self.with_inner(|i| i.state.clone())
    }

    /// Deep-merges a JSON patch into the state, like `POST /_fake/state`.
    pub fn merge_state(&self, patch: serde_json::Value) -> Result<(), String> {
        self.with_inner(|i| i.state.merge_json(&patch))
    }

    /// Like `POST /_fake/reset`.
    pub fn reset(&self) {
        self.with_inner(Inner::reset)
    }

    /// Requests counted for `operation` (e.g. `sso:GetRoleCredentials`, `oidc:CreateToken:refresh_token`).
    pub fn count(&self, operation: &str) -> u64 {
        self.with_inner(|i| i.store.counters.get(operation).copied().unwrap_or(0))
    }

    pub fn counters(&self) -> BTreeMap<String, u64> {
        self.with_inner(|i| i.store.counters.clone())
    }

    pub fn reset_counters(&self) {
        self.with_inner(|i| i.store.counters.clear())
    }

    /// Replaces all faults with this one.
    pub fn set_fault(&self, fault: Fault) {
        self.set_faults(vec![fault])
    }

    /// Replaces all faults.
    pub fn set_faults(&self, faults: Vec<Fault>) {
        self.with_inner(|i| {
            i.faults.clear();
            for f in faults {
                i.faults.add(f);
            }
        })
    }

    /// Appends a fault (rules are tried in order).
    pub fn add_fault(&self, fault: Fault) {
        self.with_inner(|i| i.faults.add(fault))
    }

    pub fn clear_faults(&self) {
        self.with_inner(|i| i.faults.clear())
    }

    /// Issues a login as if a user had signed in (see `POST /_fake/sso/token`).
    pub fn issue_sso_token(&self, req: IssueTokenRequest) -> IssuedToken {
        self.with_inner(|i| oidc::issue_sso_token(i, &req))
    }

    /// Ends the selected portal sessions. Returns how many.
    pub fn revoke_sso(&self, sel: SessionSelector) -> usize {
        self.with_inner(|i| i.store.revoke(&sel))
    }

    /// Expires the selected access tokens server-side. Returns how many.
    pub fn expire_access_tokens(&self, sel: SessionSelector) -> usize {
        self.with_inner(|i| i.store.expire_access_tokens(&sel))
    }

    /// Approves (or with `approve == false` denies) a pending device authorization.
    pub fn decide_device(&self, user_code: &str, approve: bool) -> bool {
        self.with_inner(|i| oidc::decide_device(i, user_code, approve))
    }

    /// Every secret issued so far, plus the configured static secrets.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.with_inner(|i| control::secrets(i))
    }

    /// The request log (oldest first, no secrets).
    pub fn requests(&self) -> Vec<RequestLogEntry> {
        self.with_inner(|i| i.store.log.iter().cloned().collect())
    }

    pub fn clients(&self) -> Vec<ClientInfo> {
        self.with_inner(|i| i.store.client_order.iter().filter_map(|id| i.store.clients.get(id)).map(|c| c.info.clone()).collect())
    }

    pub fn sessions(&self) -> Vec<Session> {
        self.with_inner(|i| i.store.sessions.clone())
    }

    /// Shifts the fake's clock by `secs` (server-side expiry of tokens, codes, keys).
    pub fn advance_clock(&self, secs: i64) {
        self.with_inner(|i| i.store.clock_offset_secs += secs)
    }

    /// Adds many buckets fast (see `POST /_fake/buckets/generate`). Returns the total.
    pub fn generate_buckets(&self, spec: GenerateBuckets) -> usize {
        self.with_inner(|i| i.state.generate_buckets(&spec))
    }
}

impl Drop for FakeAws {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
