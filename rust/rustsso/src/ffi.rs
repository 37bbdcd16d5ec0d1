//! The C ABI: a handful of `rsso_*` functions, JSON in and JSON out.
//!
//! Conventions for every export:
//! - The body runs inside [`boundary`]: a panic is caught and returned as [`Status::Panic`]; it
//!   never unwinds into, or aborts, the host process.
//! - Strings passed in are NUL-terminated UTF-8 owned by the caller and only read during the call.
//! - Strings returned through an out-pointer are allocated by this library and must be released
//!   with [`rsso_string_free`], never with the caller's allocator.
//! - The header `include/aws_tools_rustsso.h` is generated from this file by cbindgen and a test
//!   fails when the committed header differs.

use crate::context::Context;
use crate::error::{Error, Status};
use crate::ops;
use once_cell::sync::OnceCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::Arc;

/// Version of the C ABI. PowerShell refuses to load a library with another value. Bump it on any
/// incompatible change to an export's signature or to the JSON contract.
pub const RSSO_ABI_VERSION: u32 = 1;
const _: () = assert!(RSSO_ABI_VERSION == crate::ABI_VERSION);

/// The process's one context, created on first use. A failure to create it (no threads for the
/// runtime) is remembered and reported by every call, never panicked.
static CONTEXT: OnceCell<std::result::Result<Arc<Context>, Error>> = OnceCell::new();

fn context() -> std::result::Result<&'static Arc<Context>, Error> {
    CONTEXT.get_or_init(Context::new).as_ref().map_err(Clone::clone)
}

static VERSION: &CStr = match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
    Ok(v) => v,
    Err(_) => c"unknown",
};

/// Whether this thread runs inside [`boundary`], where panics are caught and reported.
mod boundary_flag {
    // The initializer is const already; clippy 1.96 (Debian's rustc-web, std built with
    // -Zbuild-std for the Windows check) reports missing_const_for_thread_local on it anyway.
    #![allow(clippy::missing_const_for_thread_local)]
    thread_local! {
        pub(super) static IN_BOUNDARY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
}
use boundary_flag::IN_BOUNDARY;

/// Installs, once, a panic hook that keeps panics caught at the boundary off the host's stderr
/// (the error status carries the message); other panics go to the previous hook.
fn install_quiet_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_BOUNDARY.with(|b| b.get()) {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into an error status with its message.
fn boundary(f: impl FnOnce() -> (Status, String)) -> (Status, String) {
    install_quiet_panic_hook();
    let was_inside = IN_BOUNDARY.with(|b| b.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(f));
    IN_BOUNDARY.with(|b| b.set(was_inside));
    match outcome {
        Ok(result) => result,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            let err = Error::new(Status::Panic, format!("Internal error in the native library: {detail}"));
            (Status::Panic, err.to_json())
        }
    }
}

/// Moves `s` to the heap as a C string for the caller (interior NULs are replaced).
/// The answer as a C string, in an allocation of exactly its size (so that handing it over
/// never reallocates and leaves a copy behind); the text it was made from is zeroed, as the
/// answer itself is by [`rsso_string_free`]: answers may carry exported secrets.
fn into_c_string(s: String) -> *mut c_char {
    let mut text = s.into_bytes();
    let mut bytes = Vec::with_capacity(text.len() + 1);
    bytes.extend(text.iter().map(|&b| if b == 0 { b' ' } else { b }));
    bytes.push(0);
    zeroize::Zeroize::zeroize(&mut text);
    // Cannot fail: the only NUL is the last byte.
    CString::from_vec_with_nul(bytes).map(CString::into_raw).unwrap_or_default()
}

/// The library's version (the crate version, e.g. `0.1.0`).
///
/// # Safety
/// Returns a pointer to a static NUL-terminated string; the caller must not free or modify it.
#[no_mangle]
pub extern "C" fn rsso_version() -> *const c_char {
    VERSION.as_ptr()
}

/// The version of this C ABI; see `RSSO_ABI_VERSION`.
#[no_mangle]
pub extern "C" fn rsso_abi_version() -> u32 {
    RSSO_ABI_VERSION
}

/// Runs one operation described by a JSON request and returns its JSON response.
///
/// The request is `{"op": "<name>", "timeout_ms": <optional>, "params": {...}}`. On `RSSO_OK`
/// (0) the response is the operation's result; on any other status it is an error document
/// `{"status": n, "code": "...", "category": "...", "message": "..."}`.
///
/// `call_id` identifies the call for [`rsso_cancel`]; pass 0 for a call that need not be
/// cancellable. Ids of concurrent calls must differ.
///
/// # Safety
/// - `request` must be NULL or point to a NUL-terminated string that stays valid for the call.
/// - `response_out` must be NULL or point to writable storage for one pointer. Unless it is NULL,
///   `*response_out` is always set (to NULL or to a string); a non-NULL string is owned by the
///   caller and must be released with [`rsso_string_free`].
#[no_mangle]
pub unsafe extern "C" fn rsso_call(call_id: u64, request: *const c_char, response_out: *mut *mut c_char) -> u32 {
    if response_out.is_null() {
        return Status::NullArgument as u32;
    }
    // SAFETY: checked non-NULL above; the caller guarantees it is writable.
    unsafe { *response_out = ptr::null_mut() };
    let (status, response) = boundary(|| {
        if request.is_null() {
            let err = Error::new(Status::NullArgument, "The request pointer was NULL.");
            return (err.status, err.to_json());
        }
        // SAFETY: non-NULL and NUL-terminated per the contract above.
        let bytes = unsafe { CStr::from_ptr(request) }.to_bytes();
        match context().and_then(|ctx| ops::dispatch_bytes(ctx, call_id, bytes)) {
            Ok(json) => (Status::Ok, json),
            Err(err) => (err.status, err.to_json()),
        }
    });
    // SAFETY: as above.
    unsafe { *response_out = into_c_string(response) };
    status as u32
}

/// Cancels the running call with this id. Returns `RSSO_OK` when a call was signalled, and
/// `RSSO_INVALID_REQUEST` when no call with that id is running (it may have just finished).
///
/// # Safety
/// Safe to call from any thread at any time.
#[no_mangle]
pub extern "C" fn rsso_cancel(call_id: u64) -> u32 {
    boundary(|| {
        let status = if context().is_ok_and(|ctx| ctx.cancel(call_id)) { Status::Ok } else { Status::InvalidRequest };
        (status, String::new())
    })
    .0 as u32
}

/// Releases a string returned by this library. NULL is accepted and ignored.
///
/// # Safety
/// `s` must be NULL or a pointer returned by this library that has not been freed yet.
#[no_mangle]
pub unsafe extern "C" fn rsso_string_free(s: *mut c_char) {
    if !s.is_null() {
        let _ = catch_unwind(|| {
            // SAFETY: per the contract, `s` came from CString::into_raw in this library.
            let answer = unsafe { CString::from_raw(s) };
            let mut bytes = answer.into_bytes_with_nul();
            let large = bytes.len() >= LARGE_ANSWER;
            zeroize::Zeroize::zeroize(&mut bytes);
            drop(bytes);
            if large {
                release_free_memory();
            }
        });
    }
}

/// An answer this long (a page of a thousand buckets is about 150 KB) leaves the memory of its
/// request (response body, parsed items, the answer) free in the allocator of every thread that
/// worked on it.
const LARGE_ANSWER: usize = 64 * 1024;

/// Hands the allocator's free memory back to the system after a large answer, so that paging
/// through many pages does not keep a page's worth of memory per thread.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_free_memory() {
    // SAFETY: malloc_trim only returns free memory to the system; it has no preconditions.
    unsafe { libc::malloc_trim(0) };
}

/// Other platforms' allocators give large blocks back on their own.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_free_memory() {}

/// The stable name of a status value (e.g. `ProfileNotFound`), or `Unknown`.
///
/// # Safety
/// Returns a pointer to a static NUL-terminated string; the caller must not free or modify it.
#[no_mangle]
pub extern "C" fn rsso_status_name(status: u32) -> *const c_char {
    let name: &'static CStr = match Status::all().iter().find(|s| **s as u32 == status) {
        Some(s) => s.name_cstr(),
        None => c"Unknown",
    };
    name.as_ptr()
}
