//! Small helpers shared by every module: ids and secrets, time formatting, URL and XML escaping.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use time::OffsetDateTime;

// ---------------------------------------------------------------------------------------------
// Randomness

fn seed() -> &'static [u8; 32] {
    static SEED: OnceLock<[u8; 32]> = OnceLock::new();
    SEED.get_or_init(|| {
        // RandomState is seeded from the OS; mix several of them with pid and time.
        let mut h = Sha256::new();
        for i in 0..4u64 {
            let mut s = RandomState::new().build_hasher();
            s.write_u64(i);
            h.update(s.finish().to_le_bytes());
        }
        h.update(std::process::id().to_le_bytes());
        h.update(now_nanos().to_le_bytes());
        h.finalize().into()
    })
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

/// `n` random bytes (sha256 of a process seed, a global counter and the time: unique per call).
pub fn random_bytes(n: usize) -> Vec<u8> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = Vec::with_capacity(n + 32);
    while out.len() < n {
        let c = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut h = Sha256::new();
        h.update(seed());
        h.update(c.to_le_bytes());
        h.update(now_nanos().to_le_bytes());
        out.extend_from_slice(&h.finalize());
    }
    out.truncate(n);
    out
}

/// Lower-case hex of `n` random bytes (2n characters).
pub fn random_hex(n: usize) -> String {
    hex(&random_bytes(n))
}

/// Upper-case alphanumerics, `len` characters (for access key ids and request ids).
pub fn random_upper(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    random_bytes(len).iter().map(|b| ALPHABET[(*b as usize) % 32] as char).collect()
}

/// A device-flow user code like `ABCD-EFGH` (no vowels, no ambiguous characters).
pub fn user_code() -> String {
    const ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let b = random_bytes(8);
    let s: String = b.iter().map(|x| ALPHABET[(*x as usize) % ALPHABET.len()] as char).collect();
    format!("{}-{}", &s[..4], &s[4..])
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex(&sha256(data))
}

pub fn b64url(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s.as_bytes()).ok()
}

/// An opaque paging token: base64url of `kind:value`; decodes only tokens of the same kind.
pub fn page_token(kind: &str, value: &str) -> String {
    b64url(format!("fake-{kind}:{value}").as_bytes())
}

pub fn parse_page_token(kind: &str, token: &str) -> Option<String> {
    let raw = String::from_utf8(b64url_decode(token)?).ok()?;
    raw.strip_prefix(&format!("fake-{kind}:")).map(str::to_string)
}

// ---------------------------------------------------------------------------------------------
// Time

/// Seconds since the epoch of a real clock shifted by `offset_secs` (the fake's clock).
pub fn now_with_offset(offset_secs: i64) -> OffsetDateTime {
    OffsetDateTime::now_utc() + time::Duration::seconds(offset_secs)
}

/// `YYYY-MM-DDTHH:MM:SSZ` (the form the AWS CLI writes into token caches).
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` (the form S3 uses in XML).
pub fn rfc3339_millis(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

pub fn from_unix(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Parses an RFC 3339 timestamp (`Z` or offset, optional fraction) into epoch seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339).ok().map(|t| t.unix_timestamp())
}

/// An RFC 3339 timestamp in S3's form (`...T..:..:..(.mmm)Z` -> `.mmmZ`); other text unchanged.
pub fn s3_timestamp(s: &str) -> String {
    match OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339) {
        Ok(t) => rfc3339_millis(t),
        Err(_) => s.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// URL encoding

/// Percent-decodes `s`; with `plus_as_space` a `+` is a space (form encoding).
pub fn percent_decode(s: &str, plus_as_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match h {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything except the RFC 3986 unreserved characters (`A-Za-z0-9-._~`),
/// and also `/` when `keep_slash`. This is the encoding SigV4 uses for canonical requests.
pub fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        let unreserved = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        if unreserved || (keep_slash && c == b'/') {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// Splits a query string into decoded pairs (form decoding: `+` is a space).
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k, true), percent_decode(v, true)),
            None => (percent_decode(p, true), String::new()),
        })
        .collect()
}

/// Builds `k=v&k=v` with every key and value [`uri_encode`]d.
pub fn build_query(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", uri_encode(k, false), uri_encode(v, false))).collect::<Vec<_>>().join("&")
}

// ---------------------------------------------------------------------------------------------
// XML

pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_and_encode() {
        assert_eq!(percent_decode("a%20b+c%2", true), "a b c%2");
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(percent_decode("%41%", false), "A%");
        assert_eq!(uri_encode("a b/~*", false), "a%20b%2F~%2A");
        assert_eq!(uri_encode("a b/~*", true), "a%20b/~%2A");
        assert_eq!(parse_query("x=1&y&z=a%2Bb"), vec![("x".into(), "1".into()), ("y".into(), "".into()), ("z".into(), "a+b".into())]);
    }

    #[test]
    fn tokens_and_times() {
        let t = page_token("s3", "bucket-1");
        assert_eq!(parse_page_token("s3", &t).as_deref(), Some("bucket-1"));
        assert_eq!(parse_page_token("sso", &t), None);
        assert_eq!(rfc3339(from_unix(0)), "1970-01-01T00:00:00Z");
        assert_eq!(parse_rfc3339("1970-01-01T00:01:00Z"), Some(60));
        assert_eq!(parse_rfc3339("1970-01-01T01:01:00+01:00"), Some(60));
        assert_eq!(s3_timestamp("2023-01-02T03:04:05Z"), "2023-01-02T03:04:05.000Z");
        assert_eq!(s3_timestamp("2023-01-02T04:04:05.5+01:00"), "2023-01-02T03:04:05.500Z");
        assert_eq!(s3_timestamp("garbage"), "garbage");
        assert_ne!(random_hex(16), random_hex(16));
        let code = user_code();
        assert_eq!(code.len(), 9);
    }
}
