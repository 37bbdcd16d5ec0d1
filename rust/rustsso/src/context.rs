//! The library's one piece of state: a [`Context`] that owns the runtime, the clock, the caches,
//! the login registry and the cancellable calls. The C ABI creates one for the process; tests
//! build their own (with a [`ManualClock`], say) and run in parallel without sharing anything.
//!
//! Every operation receives a [`Call`]: the context plus the request's view of the environment.

use crate::env::EnvView;
use crate::error::{Error, Result, Status};
use crate::token_cache::CachedToken;
use aws_credential_types::Credentials;
use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::{watch, Notify};

/// Where "now" comes from: the system clock, or a test's hand.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> OffsetDateTime;
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that moves only when told to.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<OffsetDateTime>>);

impl ManualClock {
    pub fn new(start: OffsetDateTime) -> Self {
        ManualClock(Arc::new(Mutex::new(start)))
    }
    pub fn set(&self, t: OffsetDateTime) {
        *lock(&self.0) = t;
    }
    pub fn advance(&self, by: time::Duration) {
        let mut t = lock(&self.0);
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *lock(&self.0)
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A small cache that keeps at most `capacity` entries, dropping the least recently used.
pub struct BoundedCache<V> {
    capacity: usize,
    entries: Mutex<VecDeque<(String, V)>>,
}

impl<V: Clone> BoundedCache<V> {
    pub fn new(capacity: usize) -> Self {
        BoundedCache { capacity: capacity.max(1), entries: Mutex::new(VecDeque::new()) }
    }

    pub fn get(&self, key: &str) -> Option<V> {
        let mut entries = lock(&self.entries);
        let i = entries.iter().position(|(k, _)| k == key)?;
        let entry = entries.remove(i)?;
        let value = entry.1.clone();
        entries.push_back(entry);
        Some(value)
    }

    pub fn insert(&self, key: String, value: V) {
        let mut entries = lock(&self.entries);
        entries.retain(|(k, _)| *k != key);
        entries.push_back((key, value));
        while entries.len() > self.capacity {
            entries.pop_front();
        }
    }

    pub fn clear(&self) {
        lock(&self.entries).clear();
    }

    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Per-token-file refresh state: one refresh at a time, when the last one was tried, and a
/// refreshed token that could not be written back (kept for this session).
#[derive(Default)]
pub struct TokenSlot {
    pub last_attempt: tokio::sync::Mutex<Option<OffsetDateTime>>,
    unsaved: Mutex<Option<CachedToken>>,
}

impl TokenSlot {
    pub fn unsaved(&self) -> Option<CachedToken> {
        lock(&self.unsaved).clone()
    }
    pub fn keep_unsaved(&self, token: CachedToken) {
        *lock(&self.unsaved) = Some(token);
    }
    pub fn forget_unsaved(&self) {
        *lock(&self.unsaved) = None;
    }
}

/// Role credentials of one token file, portal, account and role.
#[derive(Default)]
pub struct RoleSlot {
    pub credentials: tokio::sync::Mutex<Option<Credentials>>,
}

/// The key of a role slot: everything that decides which credentials GetRoleCredentials gives.
/// Two configurations in one process (a test's sandbox beside real work, say) that share a
/// session name but differ in home folder, start URL, region or endpoint never share a slot.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RoleKey {
    /// The full path of the token file (home folder and cache key).
    pub token_path: String,
    pub start_url: String,
    pub sso_region: String,
    /// The portal's base URL (endpoint overrides included).
    pub portal_url: String,
    pub account_id: String,
    pub role_name: String,
}

/// The outcome of a login, once there is one: the token's expiry, or why it failed.
pub type LoginOutcome = watch::Receiver<Option<std::result::Result<String, Error>>>;

/// A login running in the background, waited for in slices by PowerShell.
pub struct LoginSession {
    pub task: tokio::task::JoinHandle<()>,
    pub outcome: LoginOutcome,
    pub deadline: std::time::Instant,
}

/// How many SDK configurations and clients are kept (each distinct profile, region and
/// endpoint is one; more than this in one session is rare, and the oldest are rebuilt).
pub const CONFIG_CACHE_CAPACITY: usize = 128;
pub const CLIENT_CACHE_CAPACITY: usize = 256;
/// Role slots are dropped once this many exist and their credentials have expired.
pub const ROLE_SLOT_SOFT_LIMIT: usize = 256;

pub type AnyValue = Arc<dyn Any + Send + Sync>;

pub struct Context {
    runtime: tokio::runtime::Runtime,
    clock: Arc<dyn Clock>,
    /// Built SDK configurations, by a key of their settings (see `service_config`).
    pub(crate) configs: BoundedCache<AnyValue>,
    /// Service and SSO clients, by configuration key.
    pub(crate) clients: BoundedCache<AnyValue>,
    /// By the token file's full path.
    token_slots: Mutex<HashMap<String, Arc<TokenSlot>>>,
    role_slots: Mutex<HashMap<RoleKey, Arc<RoleSlot>>>,
    logins: Mutex<HashMap<u64, LoginSession>>,
    next_login: AtomicU64,
    cancels: Mutex<HashMap<u64, Arc<Notify>>>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context").field("clock", &self.clock).finish_non_exhaustive()
    }
}

impl Context {
    /// A context with the system clock.
    pub fn new() -> Result<Arc<Context>> {
        Self::with_clock(Arc::new(SystemClock))
    }

    pub fn with_clock(clock: Arc<dyn Clock>) -> Result<Arc<Context>> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("rustsso-worker")
            .enable_all()
            .build()
            .map_err(|e| Error::new(Status::RuntimeUnavailable, format!("The async runtime could not start: {e}")))?;
        Ok(Arc::new(Context {
            runtime,
            clock,
            configs: BoundedCache::new(CONFIG_CACHE_CAPACITY),
            clients: BoundedCache::new(CLIENT_CACHE_CAPACITY),
            token_slots: Mutex::default(),
            role_slots: Mutex::default(),
            logins: Mutex::default(),
            next_login: AtomicU64::new(1),
            cancels: Mutex::default(),
        }))
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        &self.runtime
    }

    /// The refresh state of one token file (by its full path).
    pub fn token_slot(&self, token_path: &std::path::Path) -> Arc<TokenSlot> {
        lock(&self.token_slots).entry(token_path.to_string_lossy().into_owned()).or_default().clone()
    }

    pub fn role_slot(&self, key: RoleKey) -> Arc<RoleSlot> {
        let mut slots = lock(&self.role_slots);
        if slots.len() >= ROLE_SLOT_SOFT_LIMIT {
            // Drop slots nobody is using whose credentials are gone or expired.
            let now = std::time::SystemTime::from(self.now());
            slots.retain(|_, slot| {
                Arc::strong_count(slot) > 1
                    || slot.credentials.try_lock().map(|c| c.as_ref().is_some_and(|c| c.expiry().is_some_and(|e| e > now))).unwrap_or(true)
            });
        }
        slots.entry(key).or_default().clone()
    }

    /// Forgets what a token file gave (an unsaved refreshed token, role credentials, and the
    /// configurations and clients that could still serve them): after a login, a logout or a
    /// token written elsewhere.
    pub fn invalidate_token(&self, token_path: &std::path::Path) {
        let path = token_path.to_string_lossy();
        if let Some(slot) = lock(&self.token_slots).get(path.as_ref()) {
            slot.forget_unsaved();
        }
        lock(&self.role_slots).retain(|k, _| k.token_path != path);
        self.forget_configurations();
    }

    /// Drops every cached configuration and client.
    pub fn forget_configurations(&self) {
        self.configs.clear();
        self.clients.clear();
    }

    pub fn role_slot_count(&self) -> usize {
        lock(&self.role_slots).len()
    }

    // --- logins ---

    pub fn add_login(&self, session: LoginSession) -> u64 {
        let id = self.next_login.fetch_add(1, Ordering::SeqCst);
        lock(&self.logins).insert(id, session);
        id
    }

    pub fn login_state(&self, id: u64) -> Option<(LoginOutcome, std::time::Instant)> {
        lock(&self.logins).get(&id).map(|s| (s.outcome.clone(), s.deadline))
    }

    pub fn remove_login(&self, id: u64) -> Option<LoginSession> {
        lock(&self.logins).remove(&id)
    }

    // --- calls ---

    /// Cancels the live call with this id. Returns false when no such call is running.
    pub fn cancel(&self, call_id: u64) -> bool {
        match lock(&self.cancels).get(&call_id) {
            Some(notify) => {
                // notify_one stores a permit, so a cancel that lands before the call starts
                // waiting is not lost.
                notify.notify_one();
                true
            }
            None => false,
        }
    }

    /// Runs `fut` on the context's runtime, blocking the calling thread, under a timeout and,
    /// when `call_id` is not 0, cancellable with [`Context::cancel`]. The call is registered
    /// before anything else happens, so Ctrl+C reaches it whatever it waits for.
    pub fn block_on_call<T>(&self, call_id: u64, timeout: Option<Duration>, fut: impl Future<Output = Result<T>>) -> Result<T> {
        let notify = Arc::new(Notify::new());
        struct Registration<'a>(&'a Context, u64);
        impl Drop for Registration<'_> {
            fn drop(&mut self) {
                lock(&self.0.cancels).remove(&self.1);
            }
        }
        let _registration = (call_id != 0).then(|| {
            lock(&self.cancels).insert(call_id, notify.clone());
            Registration(self, call_id)
        });
        self.runtime.block_on(async move {
            let timed = async {
                match timeout {
                    Some(t) => tokio::time::timeout(t, fut).await.unwrap_or_else(|_| {
                        Err(Error::new(Status::Timeout, format!("The operation did not finish within {} ms.", t.as_millis())))
                    }),
                    None => fut.await,
                }
            };
            tokio::select! {
                r = timed => r,
                _ = notify.notified() => Err(Error::new(Status::Cancelled, "The operation was cancelled.")),
            }
        })
    }
}

tokio::task_local! {
    static REQUEST_WARNINGS: Arc<Mutex<Vec<String>>>;
}

/// One request's context and environment, passed to every operation, and the warnings the
/// operation has for the user.
#[derive(Clone, Debug)]
pub struct Call {
    pub ctx: Arc<Context>,
    pub env: EnvView,
    warnings: Arc<Mutex<Vec<String>>>,
}

impl Call {
    pub fn new(ctx: Arc<Context>, env: EnvView) -> Self {
        Call { ctx, env, warnings: Arc::default() }
    }

    /// Records a warning for the caller (no secrets: messages name files and reasons). Code that
    /// runs for the request but holds another `Call` (a credentials provider inside the SDK) still
    /// reaches the request's list: the operation runs in its scope.
    pub fn warn(&self, message: String) {
        let sink = REQUEST_WARNINGS.try_with(Arc::clone).unwrap_or_else(|_| self.warnings.clone());
        lock(&sink).push(message);
    }

    /// Runs an operation with this call's warning list as the request's.
    pub async fn scope<T>(&self, fut: impl Future<Output = T>) -> T {
        REQUEST_WARNINGS.scope(self.warnings.clone(), fut).await
    }

    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.warnings))
    }

    pub fn now(&self) -> OffsetDateTime {
        self.ctx.now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_cache_drops_the_least_recently_used() {
        let cache = BoundedCache::new(2);
        cache.insert("a".into(), 1);
        cache.insert("b".into(), 2);
        assert_eq!(cache.get("a"), Some(1));
        cache.insert("c".into(), 3);
        assert_eq!(cache.get("b"), None);
        assert_eq!(cache.get("a"), Some(1));
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = time::macros::datetime!(2030-01-01 00:00 UTC);
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(time::Duration::minutes(5));
        assert_eq!(clock.now(), start + time::Duration::minutes(5));
    }

    #[test]
    fn a_cancel_before_the_wait_is_not_lost() {
        let ctx = Context::new().unwrap();
        let ctx2 = ctx.clone();
        let canceller = std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            while !ctx2.cancel(7) && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        let started = std::time::Instant::now();
        let r: Result<()> = ctx.block_on_call(7, None, async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(())
        });
        canceller.join().unwrap();
        assert_eq!(r.unwrap_err().status, Status::Cancelled);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
