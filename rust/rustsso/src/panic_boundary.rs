//! Where panics are caught and reported as error statuses, and kept off the host's stderr.
//!
//! The C ABI catches panics at its boundary (see `ffi`). An operation runs as a task on the
//! runtime's worker threads, where tokio catches its panic and the calling thread resumes it
//! inside the boundary; [`Quiet`] marks those polls so that the panic hook stays silent there
//! too. Panics anywhere else still go to the previous hook.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

thread_local! {
    /// True while this thread runs code whose panics are caught and reported.
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

/// Installs, once, a panic hook that keeps panics raised inside the boundary off the host's
/// stderr (the error status carries the message); other panics go to the previous hook.
pub fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !INSIDE.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `f` marked as inside the boundary (the mark is restored even when `f` panics).
pub fn inside<T>(f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            INSIDE.with(|b| b.set(self.0));
        }
    }
    let _restore = Restore(INSIDE.with(|b| b.replace(true)));
    f()
}

/// A future whose every poll runs inside the boundary (for operations run as tasks, whose
/// panics the calling thread resumes at the C ABI).
pub struct Quiet<F>(Pin<Box<F>>);

impl<F: Future> Quiet<F> {
    pub fn new(fut: F) -> Self {
        Quiet(Box::pin(fut))
    }
}

impl<F: Future> Future for Quiet<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let fut = self.0.as_mut();
        inside(|| fut.poll(cx))
    }
}
