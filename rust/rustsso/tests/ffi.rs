//! The C ABI contract, exercised through the exported functions themselves.

use aws_tools_rustsso::ffi::*;
use std::ffi::{c_char, CStr, CString};
use std::ptr;
use std::time::{Duration, Instant};

/// Calls rsso_call with raw request bytes (a NUL is appended) and returns (status, response).
fn call_bytes(call_id: u64, request: Option<&[u8]>) -> (u32, serde_json::Value) {
    let owned = request.map(|b| {
        let mut v = b.to_vec();
        v.push(0);
        v
    });
    let request_ptr = owned.as_ref().map_or(ptr::null(), |v| v.as_ptr() as *const c_char);
    let mut response: *mut c_char = ptr::null_mut();
    let status = unsafe { rsso_call(call_id, request_ptr, &mut response) };
    assert!(!response.is_null(), "a response is always written");
    let text = unsafe { CStr::from_ptr(response) }.to_str().expect("response is UTF-8").to_string();
    unsafe { rsso_string_free(response) };
    (status, serde_json::from_str(&text).expect("response is JSON"))
}

fn call(json: &str) -> (u32, serde_json::Value) {
    call_bytes(0, Some(json.as_bytes()))
}

#[test]
fn versions_are_reported() {
    assert_eq!(rsso_abi_version(), RSSO_ABI_VERSION);
    let v = unsafe { CStr::from_ptr(rsso_version()) }.to_str().unwrap();
    assert_eq!(v, env!("CARGO_PKG_VERSION"));
    let (status, info) = call(r#"{"op":"library.info"}"#);
    assert_eq!(status, 0);
    assert_eq!(info["abi_version"], RSSO_ABI_VERSION);
}

#[test]
fn null_request_is_an_error_status() {
    let (status, err) = call_bytes(0, None);
    assert_eq!(status, 1);
    assert_eq!(err["code"], "NullArgument");
}

#[test]
fn null_response_pointer_is_an_error_status() {
    let req = CString::new(r#"{"op":"library.info"}"#).unwrap();
    assert_eq!(unsafe { rsso_call(0, req.as_ptr(), ptr::null_mut()) }, 1);
}

#[test]
fn invalid_utf8_is_an_error_status() {
    let (status, err) = call_bytes(0, Some(b"{\"op\":\"library.info\xff\xfe\"}"));
    assert_eq!(status, 2);
    assert_eq!(err["category"], "InvalidArgument");
}

#[test]
fn malformed_json_and_unknown_operations_are_errors() {
    for bad in ["", "{", "[]", "null", r#"{"op":42}"#, r#"{"op":"nope"}"#, r#"{"op":"s3.list_buckets","params":{"max_buckets":"x"}}"#] {
        let (status, err) = call(bad);
        assert_eq!(status, 3, "request {bad:?} gave {err}");
        assert!(err["message"].as_str().unwrap().len() > 10);
    }
}

#[test]
fn wrong_type_errors_do_not_echo_the_value() {
    let (status, err) = call(r#"{"op":"s3.list_buckets","params":{"auth":{"access_key":"AKID","secret_key":12345678987654321}}}"#);
    assert_eq!(status, 3);
    assert!(!err.to_string().contains("12345678987654321"), "{err}");
}

#[test]
fn a_panic_comes_back_as_an_error_and_the_library_keeps_working() {
    let (status, err) = call(r#"{"op":"test.panic"}"#);
    assert_eq!(status, 4);
    assert_eq!(err["code"], "Panic");
    assert!(err["message"].as_str().unwrap().contains("panic requested"));
    let (status, _) = call(r#"{"op":"library.info"}"#);
    assert_eq!(status, 0);
}

#[test]
fn a_panic_inside_a_running_operation_comes_back_as_an_error() {
    // The operation has yielded to the runtime before it panics.
    let (status, err) = call(r#"{"op":"test.panic_in_operation"}"#);
    assert_eq!(status, 4, "{err}");
    assert_eq!(err["code"], "Panic");
    assert!(err["message"].as_str().unwrap().contains("test.panic_in_operation"), "{err}");
    let (status, _) = call(r#"{"op":"library.info"}"#);
    assert_eq!(status, 0);
}

#[test]
fn timeouts_are_enforced() {
    let start = Instant::now();
    let (status, err) = call(r#"{"op":"test.sleep","timeout_ms":100,"params":{"ms":10000}}"#);
    assert_eq!(status, 7, "{err}");
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_call_can_be_cancelled_from_another_thread() {
    let id = 0xC0FFEE;
    let canceller = std::thread::spawn(move || {
        // Keep trying until the call is registered, then cancel it once.
        for _ in 0..200 {
            if rsso_cancel(id) == 0 {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    });
    let start = Instant::now();
    let (status, err) = call_bytes(id, Some(br#"{"op":"test.sleep","params":{"ms":30000}}"#));
    assert!(canceller.join().unwrap());
    assert_eq!(status, 6, "{err}");
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_ne!(rsso_cancel(id), 0, "a finished call is no longer cancellable");
}

#[test]
fn free_accepts_null_and_status_names_are_stable() {
    unsafe { rsso_string_free(ptr::null_mut()) };
    let name = |s| unsafe { CStr::from_ptr(rsso_status_name(s)) }.to_str().unwrap().to_string();
    assert_eq!(name(0), "Ok");
    assert_eq!(name(8), "ProfileNotFound");
    assert_eq!(name(9999), "Unknown");
}
