//! The one tokio runtime of the library, created on first use, and the per-call timeout and
//! cancellation that every operation runs under.

use crate::error::{Error, Result, Status};
use once_cell::sync::OnceCell;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::runtime::Runtime;
use tokio::sync::Notify;

static RUNTIME: OnceCell<std::result::Result<Runtime, String>> = OnceCell::new();

/// The shared runtime. Creation failure is remembered and reported, never panicked.
pub fn runtime() -> Result<&'static Runtime> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("rustsso-worker")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| {
            Error::new(Status::RuntimeUnavailable, format!("The async runtime could not start: {e}"))
        })
}

/// Calls that can be cancelled, by the caller-chosen id given to `rsso_call`.
#[derive(Default)]
struct CancelRegistry {
    live: HashMap<u64, Arc<Notify>>,
}

static CANCELS: OnceCell<Mutex<CancelRegistry>> = OnceCell::new();

fn cancels() -> std::sync::MutexGuard<'static, CancelRegistry> {
    CANCELS.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner())
}

/// Removes a call from the registry when it ends, however it ends.
struct Registration(u64);

impl Drop for Registration {
    fn drop(&mut self) {
        cancels().live.remove(&self.0);
    }
}

/// Cancels the live call with this id. Returns false when no such call is running.
pub fn cancel(call_id: u64) -> bool {
    match cancels().live.get(&call_id) {
        Some(notify) => {
            // notify_one stores a permit, so a cancel that lands before the call starts
            // waiting is not lost.
            notify.notify_one();
            true
        }
        None => false,
    }
}

/// Runs `fut` on the shared runtime, blocking the calling thread, under a timeout and, when
/// `call_id` is not 0, cancellable with [`cancel`].
pub fn block_on_call<T>(
    call_id: u64,
    timeout: Option<Duration>,
    fut: impl Future<Output = Result<T>>,
) -> Result<T> {
    let rt = runtime()?;
    let notify = Arc::new(Notify::new());
    let _registration = if call_id != 0 {
        cancels().live.insert(call_id, notify.clone());
        Some(Registration(call_id))
    } else {
        None
    };
    rt.block_on(async move {
        let timed = async {
            match timeout {
                Some(t) => tokio::time::timeout(t, fut).await.unwrap_or_else(|_| {
                    Err(Error::new(
                        Status::Timeout,
                        format!("The operation did not finish within {} ms.", t.as_millis()),
                    ))
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
