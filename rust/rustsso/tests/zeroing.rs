//! No secret outlives its use in freed memory: every block freed while a static secret key
//! goes in (the request) and comes back out (an explicit export) is scanned for it by a
//! recording allocator, through the C ABI as PowerShell calls it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const SECRET: &[u8] = b"Zr0SecretKeyMarker4f9Q7x";

struct Recording;

static WATCHING: AtomicBool = AtomicBool::new(false);
static FREED_WITH_SECRET: AtomicUsize = AtomicUsize::new(0);

fn holds_secret(block: &[u8]) -> bool {
    block.windows(SECRET.len()).any(|w| w == SECRET)
}

unsafe impl GlobalAlloc for Recording {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if WATCHING.load(Ordering::Relaxed) {
            // SAFETY: the block is live until System.dealloc below.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if holds_secret(block) {
                FREED_WITH_SECRET.fetch_add(1, Ordering::Relaxed);
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A move leaves the old block behind unzeroed: count it as freed.
        let new_layout = Layout::from_size_align(new_size, layout.align()).expect("layout");
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            unsafe { std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
            unsafe { self.dealloc(ptr, layout) };
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Recording = Recording;

#[test]
fn the_request_and_the_exported_answer_are_zeroed_before_they_are_freed() {
    use aws_tools_rustsso::ffi::{rsso_call, rsso_string_free};
    let secret = std::str::from_utf8(SECRET).unwrap();
    let mut request = format!(
        r#"{{"op":"credentials.resolve","env":{{"AWS_EC2_METADATA_DISABLED":"true"}},"params":{{"auth":{{"access_key":"AKIDZEROINGTEST01","secret_key":"{secret}"}},"region":"us-east-1","include_secrets":true}}}}"#
    )
    .into_bytes();
    request.push(0);
    // A first call outside the watch sets up what lives for the process (runtime, context).
    let mut warm = b"{\"op\":\"library.info\"}\0".to_vec();
    let mut out = std::ptr::null_mut();
    assert_eq!(unsafe { rsso_call(0, warm.as_ptr().cast(), &mut out) }, 0);
    unsafe { rsso_string_free(out) };
    warm.clear();

    WATCHING.store(true, Ordering::SeqCst);
    let mut answer = std::ptr::null_mut();
    let status = unsafe { rsso_call(0, request.as_ptr().cast(), &mut answer) };
    let text = unsafe { std::ffi::CStr::from_ptr(answer) }.to_string_lossy().into_owned();
    let exported = text.contains(secret);
    zeroize_in_place(text);
    unsafe { rsso_string_free(answer) };
    for b in request.iter_mut() {
        *b = 0;
    }
    WATCHING.store(false, Ordering::SeqCst);
    assert_eq!(status, 0, "the export succeeds");
    assert!(exported, "the answer carries the secret that was asked for");
    assert_eq!(FREED_WITH_SECRET.load(Ordering::SeqCst), 0, "blocks freed with the secret still in them");
}

fn zeroize_in_place(text: String) {
    let mut bytes = text.into_bytes();
    for b in bytes.iter_mut() {
        *b = 0;
    }
    // Keep the writes: the block is read by the allocator on free.
    std::hint::black_box(&bytes);
}
