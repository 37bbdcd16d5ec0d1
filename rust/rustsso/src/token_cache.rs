//! The SSO token cache shared with the AWS CLI and SDKs: `~/.aws/sso/cache/<sha1>.json`.
//!
//! Reading accepts every format the AWS tools have written; writing produces exactly the AWS
//! CLI's bytes. Files are created 0600 in a 0700 directory, written to a temporary file and
//! renamed over the target, so a reader never sees a partial file. A per-key lock file serialises
//! refreshes and logins across processes.

use crate::error::{Error, Result, Status};
use crate::secret::SecretString;
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A cached SSO token. Secrets are redacted in Debug and zeroed on drop.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedToken {
    pub start_url: Option<String>,
    pub region: Option<String>,
    pub access_token: SecretString,
    pub expires_at: OffsetDateTime,
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    pub registration_expires_at: Option<OffsetDateTime>,
    pub refresh_token: Option<SecretString>,
}

impl CachedToken {
    /// Refreshable: a refresh token and an unexpired client registration are all present.
    pub fn is_refreshable(&self, now: OffsetDateTime) -> bool {
        self.refresh_token.as_ref().is_some_and(|t| !t.is_empty())
            && self.client_id.as_deref().is_some_and(|c| !c.is_empty())
            && self.client_secret.as_ref().is_some_and(|c| !c.is_empty())
            && self.registration_expires_at.is_some_and(|r| r > now)
    }

    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        self.expires_at <= now
    }
}

/// The cache key: SHA-1 of the sso-session name, or of the raw start URL for legacy profiles.
pub fn cache_key(session_name: Option<&str>, start_url: &str) -> String {
    hex::encode(Sha1::digest(session_name.unwrap_or(start_url).as_bytes()))
}

/// `~/.aws/sso/cache` (the CLI has no override for it).
pub fn cache_dir(env: &crate::env::EnvView) -> Result<PathBuf> {
    env.home_dir()
        .map(|h| h.join(".aws").join("sso").join("cache"))
        .ok_or_else(|| Error::new(Status::Io, "The home directory could not be determined (HOME, or USERPROFILE on Windows, is not set)."))
}

pub fn token_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.json"))
}

/// Parses a timestamp as any AWS tool has written it: `Z`, offsets, fractional seconds, and the
/// pre-2021 CLI's `UTC` suffix.
pub fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    let t = text.trim();
    let normalised = if let Some(stripped) = t.strip_suffix("UTC") { format!("{}Z", stripped.trim_end()) } else { t.to_string() };
    OffsetDateTime::parse(&normalised, &Rfc3339).ok().or_else(|| {
        // Some writers omit the offset entirely; treat that as UTC.
        OffsetDateTime::parse(&format!("{normalised}Z"), &Rfc3339).ok()
    })
}

/// A system time as a date, when it is one the date types can hold (years 1 to 9999 here).
pub fn from_system_time(t: std::time::SystemTime) -> Option<OffsetDateTime> {
    let nanos: i128 = match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_nanos()).ok()?,
        Err(before) => -i128::try_from(before.duration().as_nanos()).ok()?,
    };
    OffsetDateTime::from_unix_timestamp_nanos(nanos).ok().filter(|d| (1..=9999).contains(&d.year()))
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the CLI's format (aws-config's reader rejects offsets).
pub fn format_timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

/// Parses cache file text. Keys are matched case-insensitively, as aws-config does; anything
/// unparseable or without `accessToken` and `expiresAt` is `None` ("no token").
pub fn parse_token(text: &str) -> Option<CachedToken> {
    let value: Value = serde_json::from_str(text).ok()?;
    let obj = value.as_object()?;
    let get = |name: &str| -> Option<&str> { obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).and_then(|(_, v)| v.as_str()) };
    let access_token = get("accessToken").filter(|t| !t.is_empty())?;
    let expires_at = parse_timestamp(get("expiresAt")?)?;
    Some(CachedToken {
        start_url: get("startUrl").map(str::to_string),
        region: get("region").map(str::to_string),
        access_token: SecretString::new(access_token),
        expires_at,
        client_id: get("clientId").map(str::to_string),
        client_secret: get("clientSecret").map(SecretString::new),
        registration_expires_at: get("registrationExpiresAt").and_then(parse_timestamp),
        refresh_token: get("refreshToken").map(SecretString::new),
    })
}

/// Reads a token file; a missing, unreadable or corrupt file is `None`.
pub fn read_token(path: &Path) -> Option<CachedToken> {
    let bytes = std::fs::read(path).ok()?;
    parse_token(std::str::from_utf8(&bytes).ok()?)
}

/// The token as the AWS CLI writes it: one line, `", "` and `": "` separators, non-ASCII
/// escaped, keys in the CLI's order, `refreshToken` only when present, no trailing newline.
pub fn serialize_token(token: &CachedToken) -> String {
    let mut fields: Vec<(&str, String)> = Vec::with_capacity(8);
    if let Some(v) = &token.start_url {
        fields.push(("startUrl", v.clone()));
    }
    if let Some(v) = &token.region {
        fields.push(("region", v.clone()));
    }
    fields.push(("accessToken", token.access_token.expose().to_string()));
    fields.push(("expiresAt", format_timestamp(token.expires_at)));
    if let Some(v) = &token.client_id {
        fields.push(("clientId", v.clone()));
    }
    if let Some(v) = &token.client_secret {
        fields.push(("clientSecret", v.expose().to_string()));
    }
    if let Some(v) = token.registration_expires_at {
        fields.push(("registrationExpiresAt", format_timestamp(v)));
    }
    if let Some(v) = &token.refresh_token {
        fields.push(("refreshToken", v.expose().to_string()));
    }
    let object: Vec<(&str, crate::cli_json::Field)> = fields.iter().map(|(k, v)| (*k, crate::cli_json::Field::Str(v))).collect();
    let out = crate::cli_json::to_string(&crate::cli_json::Object(&object), crate::cli_json::Style::Default);
    drop(object);
    for (_, v) in fields.iter_mut() {
        zeroize::Zeroize::zeroize(v);
    }
    out
}

/// Creates the cache directory with mode 0700 (from creation, not chmod after).
pub fn ensure_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| io_error("create the cache directory", dir, &e))
}

fn io_error(action: &str, path: &Path, e: &std::io::Error) -> Error {
    Error::new(Status::Io, format!("Could not {action} '{}': {e}", path.display()))
}

fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Writes `contents` to `path` atomically: a 0600 temporary file in the same directory, flushed
/// to disk, then renamed over the target (a reader sees the old file or the new one, never
/// none: the token cache relies on it).
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    write_replacing(path, contents, false)
}

/// Like [`write_atomic`], keeping the replaced file's security descriptor on Windows (a user's
/// locked-down config stays locked down). There the replacement is ReplaceFileW, which is not
/// atomic for readers, so it serves the config file, not the token cache.
pub fn write_keeping_security(path: &Path, contents: &[u8]) -> Result<()> {
    write_replacing(path, contents, true)
}

fn write_replacing(path: &Path, contents: &[u8], keep_security: bool) -> Result<()> {
    let dir = path.parent().ok_or_else(|| Error::internal("cache path has no directory"))?;
    ensure_dir(dir)?;
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("token");
    let mut suffix: u64 = std::process::id() as u64 ^ (OffsetDateTime::now_utc().unix_timestamp_nanos() as u64);
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".{file_name}.{suffix:016x}.tmp"));
        match create_private(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => suffix = suffix.wrapping_add(1),
            Err(e) => return Err(io_error("create a temporary file in", dir, &e)),
        }
    };
    let written = file.write_all(contents).and_then(|_| file.sync_all());
    drop(file);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_error("write", &tmp, &e));
    }
    replace_file(&tmp, path, keep_security).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Renames `from` over `to`. On Windows another process may briefly hold the target open
/// (antivirus, a concurrent reader): retry a sharing violation for a short while.
fn replace_file(from: &Path, to: &Path, keep_security: bool) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let replaced = if keep_security { platform::replace_keeping_security(from, to) } else { std::fs::rename(from, to) };
        match replaced {
            Ok(()) => return Ok(()),
            Err(e) if cfg!(windows) && Instant::now() < deadline && matches!(e.raw_os_error(), Some(5) | Some(32) | Some(33)) => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(io_error("replace", to, &e)),
        }
    }
}

#[cfg(not(windows))]
mod platform {
    /// A rename; the writer restores the file's mode itself.
    pub fn replace_keeping_security(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
        std::fs::rename(from, to)
    }
}

#[cfg(windows)]
mod platform {
    use std::os::windows::ffi::OsStrExt;

    #[link(name = "kernel32")]
    extern "system" {
        fn ReplaceFileW(
            replaced: *const u16,
            replacement: *const u16,
            backup: *const u16,
            flags: u32,
            exclude: *mut core::ffi::c_void,
            reserved: *mut core::ffi::c_void,
        ) -> i32;
    }
    const REPLACEFILE_IGNORE_MERGE_ERRORS: u32 = 0x2;
    const ERROR_FILE_NOT_FOUND: i32 = 2;

    fn wide(path: &std::path::Path) -> Vec<u16> {
        path.as_os_str().encode_wide().chain(std::iter::once(0)).collect()
    }

    /// ReplaceFileW keeps the replaced file's security descriptor (a locked-down config stays
    /// locked down) and attributes; a rename would give the new file the folder's inherited
    /// ACL. A target that does not exist yet is created by a rename.
    pub fn replace_keeping_security(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
        let (to_w, from_w) = (wide(to), wide(from));
        // SAFETY: both are NUL-terminated UTF-16 strings that outlive the call; the other
        // pointers may be null.
        let ok = unsafe {
            ReplaceFileW(
                to_w.as_ptr(),
                from_w.as_ptr(),
                std::ptr::null(),
                REPLACEFILE_IGNORE_MERGE_ERRORS,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        if ok != 0 {
            return Ok(());
        }
        let error = std::io::Error::last_os_error();
        if error.raw_os_error() == Some(ERROR_FILE_NOT_FOUND) && !to.exists() {
            return std::fs::rename(from, to);
        }
        Err(error)
    }
}

/// Writes a token in the CLI's format.
pub fn write_token(path: &Path, token: &CachedToken) -> Result<()> {
    let mut text = serialize_token(token);
    let result = write_atomic(path, text.as_bytes());
    zeroize::Zeroize::zeroize(&mut text);
    result
}

/// [`write_token`] on a blocking thread (it flushes to disk and, on Windows, may retry).
pub async fn write_token_async(path: &Path, token: &CachedToken) -> Result<()> {
    let (path, token) = (path.to_path_buf(), token.clone());
    tokio::task::spawn_blocking(move || write_token(&path, &token))
        .await
        .map_err(|e| Error::internal(format!("the cache writer stopped: {e}")))?
}

/// [`write_atomic`] on a blocking thread.
pub async fn write_atomic_async(path: &Path, contents: Vec<u8>) -> Result<()> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut contents = contents;
        let result = write_atomic(&path, &contents);
        zeroize::Zeroize::zeroize(&mut contents);
        result
    })
    .await
    .map_err(|e| Error::internal(format!("the cache writer stopped: {e}")))?
}

/// Deletes temporary files of `<key>.json` left by a writer that was killed between create and
/// rename (they may hold a token). Only files older than `min_age` go, so a writer that is
/// running now keeps its own.
pub fn sweep_temporaries(dir: &Path, key: &str, min_age: Duration) -> usize {
    let prefix = format!(".{key}.json.");
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(&prefix) && name.ends_with(".tmp")) {
            continue;
        }
        let old_enough = entry.metadata().and_then(|m| m.modified()).ok().and_then(|m| m.elapsed().ok()).is_some_and(|age| age >= min_age);
        if old_enough && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// An exclusive lock on `<key>.lock` in the cache directory, released on drop (and by the OS if
/// the process dies, so a crashed process never leaves a stale lock).
pub struct CacheLock {
    _file: File,
}

fn open_lock_file(dir: &Path, key: &str) -> Result<(File, PathBuf)> {
    ensure_dir(dir)?;
    let path = dir.join(format!("{key}.lock"));
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&path).map_err(|e| io_error("open the lock file", &path, &e))?;
    Ok((file, path))
}

fn lock_timeout(path: &Path, wait: Duration) -> Error {
    Error::with_code(
        Status::Timeout,
        "CacheLockTimeout",
        format!("Another process held the token cache lock '{}' for more than {} s.", path.display(), wait.as_secs()),
    )
}

/// Takes the per-key lock, waiting at most `wait`. Blocking: for threads outside the runtime.
pub fn lock(dir: &Path, key: &str, wait: Duration) -> Result<CacheLock> {
    let (file, path) = open_lock_file(dir, key)?;
    let deadline = Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(CacheLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(25)),
            Err(std::fs::TryLockError::WouldBlock) => return Err(lock_timeout(&path, wait)),
            Err(std::fs::TryLockError::Error(e)) => return Err(io_error("lock", &path, &e)),
        }
    }
}

/// Takes the per-key lock, waiting at most `wait` without holding up a runtime worker (and
/// cancellable: dropping the future stops the wait).
pub async fn lock_async(dir: &Path, key: &str, wait: Duration) -> Result<CacheLock> {
    let (file, path) = open_lock_file(dir, key)?;
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(CacheLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(25)).await
            }
            Err(std::fs::TryLockError::WouldBlock) => return Err(lock_timeout(&path, wait)),
            Err(std::fs::TryLockError::Error(e)) => return Err(io_error("lock", &path, &e)),
        }
    }
}

/// Raw JSON object of a cache file (for logout, which only needs to see what is there).
pub fn read_object(path: &Path) -> Option<Map<String, Value>> {
    let text = std::fs::read_to_string(path).ok()?;
    match serde_json::from_str::<Value>(&text).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn key_of_a_session_name_matches_the_cli() {
        assert_eq!(cache_key(Some("my-sso"), "ignored"), "0ad374308c5a4e22f723adf10145eafad7c4031c");
    }

    #[test]
    fn every_timestamp_format_is_read() {
        let expected = datetime!(2024-05-06 07:08:09 UTC);
        for text in [
            "2024-05-06T07:08:09Z",
            "2024-05-06T07:08:09UTC",
            "2024-05-06T07:08:09.000Z",
            "2024-05-06T07:08:09+00:00",
            "2024-05-06T09:08:09+02:00",
            "2024-05-06T07:08:09",
        ] {
            assert_eq!(parse_timestamp(text), Some(expected), "{text}");
        }
        assert_eq!(parse_timestamp("2024-05-06T07:08:09.5Z").unwrap().nanosecond(), 500_000_000);
        assert_eq!(parse_timestamp("tomorrow"), None);
    }

    #[test]
    fn cli_format_bytes() {
        let token = CachedToken {
            start_url: Some("https://x.awsapps.com/start".into()),
            region: Some("us-east-1".into()),
            access_token: SecretString::new("at\u{e9}"),
            expires_at: datetime!(2024-05-06 07:08:09.75 UTC),
            client_id: Some("cid".into()),
            client_secret: Some(SecretString::new("cs")),
            registration_expires_at: Some(datetime!(2024-08-01 00:00:00 UTC)),
            refresh_token: None,
        };
        assert_eq!(
            serialize_token(&token),
            r#"{"startUrl": "https://x.awsapps.com/start", "region": "us-east-1", "accessToken": "at\u00e9", "expiresAt": "2024-05-06T07:08:09Z", "clientId": "cid", "clientSecret": "cs", "registrationExpiresAt": "2024-08-01T00:00:00Z"}"#
        );
    }

    #[test]
    fn corrupt_files_are_no_token() {
        for text in [
            "",
            "{",
            "[]",
            "{\"accessToken\": 1}",
            "{\"accessToken\": \"a\"}",
            "{\"accessToken\": \"a\", \"expiresAt\": \"soon\"}",
            "\u{0}\u{1}",
        ] {
            assert!(parse_token(text).is_none(), "{text:?}");
        }
        let t = parse_token(r#"{"ACCESSTOKEN":"a","expiresat":"2030-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(t.access_token.expose(), "a");
    }
}
