//! The caller's view of the environment, as a value.
//!
//! On Linux and macOS, PowerShell keeps `$env:` changes in a managed copy that native code never
//! sees, so each request carries the variables that matter (every `AWS_*`, and the home
//! variables). This library reads them only from an [`EnvView`] and never writes the process
//! environment: `setenv` is not thread-safe next to a `getenv` in another thread (glibc's
//! `getaddrinfo`, .NET, OpenSSL), and the host process runs many threads.

use sha1::{Digest, Sha1};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// Whether a variable belongs in the view: the ones aws-config and this library read (the
/// proxy and trust variables included).
pub fn is_relevant(name: &str) -> bool {
    name.starts_with("AWS_") || matches!(name, "HOME" | "USERPROFILE" | "HOMEDRIVE" | "HOMEPATH") || crate::net::VARIABLES.contains(&name)
}

/// An immutable set of environment variables, cheap to clone. The view may hold
/// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN: its values are zeroed when the last clone goes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvView {
    vars: Arc<Vars>,
}

#[derive(Clone, Default, PartialEq, Eq)]
struct Vars(BTreeMap<String, String>);

impl std::ops::Deref for Vars {
    type Target = BTreeMap<String, String>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::fmt::Debug for Vars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: values may be secrets.
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl Drop for Vars {
    fn drop(&mut self) {
        for (_, mut value) in std::mem::take(&mut self.0) {
            zeroize::Zeroize::zeroize(&mut value);
        }
    }
}

impl EnvView {
    /// A view holding exactly these variables (irrelevant names are dropped).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let vars = pairs.into_iter().map(|(k, v)| (k.into(), v.into())).filter(|(k, _)| is_relevant(k)).collect();
        EnvView { vars: Arc::new(Vars(vars)) }
    }

    /// A snapshot of the process environment, read (never written). Used when a request brings
    /// no view of its own: on Windows both views are one environment.
    pub fn from_process() -> Self {
        Self::from_pairs(std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))))
    }

    /// The raw value, as set (possibly empty).
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The value, trimmed; unset and blank are both `None`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.raw(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// A copy with some variables changed (`None` removes one).
    pub fn with(&self, changes: &[(&str, Option<&str>)]) -> Self {
        let mut vars = (*self.vars).clone();
        for (name, value) in changes {
            match value {
                Some(v) => vars.0.insert(name.to_string(), v.to_string()),
                None => vars.0.remove(*name),
            };
        }
        EnvView { vars: Arc::new(vars) }
    }

    /// The user's home directory. On Windows the AWS CLI's rule (USERPROFILE first) is used, so
    /// that this library and the CLI share one cache even where HOME is also set (Git Bash, CI).
    pub fn home_dir(&self) -> Option<PathBuf> {
        let var = |name: &str| self.raw(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        if cfg!(windows) {
            var("USERPROFILE").or_else(|| var("HOME")).or_else(|| {
                let mut p = PathBuf::from(self.raw("HOMEDRIVE")?);
                p.push(self.raw("HOMEPATH")?);
                Some(p)
            })
        } else {
            var("HOME")
        }
    }

    /// Expands a leading `~` (alone, or followed by `/` or, on Windows, `\`) to the home
    /// directory, as aws-config does for the config file paths.
    pub fn expand_home(&self, path: &str) -> PathBuf {
        let rest = match path.strip_prefix('~') {
            Some(rest) if rest.is_empty() || rest.starts_with('/') || (cfg!(windows) && rest.starts_with('\\')) => rest,
            _ => return PathBuf::from(path),
        };
        match self.home_dir() {
            // Each part joined on its own, so that on Windows `~/x/config` becomes
            // `C:\Users\me\x\config` (the AWS CLI's path), not a mix of separators.
            Some(home) => rest
                .split(|c| c == '/' || (cfg!(windows) && c == '\\'))
                .filter(|part| !part.is_empty())
                .fold(home, |path, part| path.join(part)),
            None => PathBuf::from(path),
        }
    }

    /// The view in the form aws-config reads (its `Env` shim), without the secret key and
    /// session token: this library reads environment keys itself, and aws-config's copy is
    /// kept by cached configurations and never zeroed.
    pub fn aws_env(&self) -> aws_types::os_shim_internal::Env {
        let map: HashMap<String, String> = self
            .vars
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "AWS_SECRET_ACCESS_KEY" | "AWS_SESSION_TOKEN" | "AWS_SECURITY_TOKEN"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        aws_types::os_shim_internal::Env::from(map)
    }

    /// A digest of every variable: identifies the view without containing a secret.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha1::new();
        for (k, v) in self.vars.iter() {
            h.update(k.as_bytes());
            h.update([0xfe]);
            h.update(v.as_bytes());
            h.update([0xff]);
        }
        hex::encode(h.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_relevant_variables_are_kept() {
        let env = EnvView::from_pairs([("AWS_PROFILE", "dev"), ("PATH", "/bin"), ("HOME", "/h")]);
        assert_eq!(env.get("AWS_PROFILE"), Some("dev"));
        assert_eq!(env.get("PATH"), None);
        // HOME alone is the home directory everywhere (on Windows after USERPROFILE).
        assert_eq!(env.home_dir(), Some(PathBuf::from("/h")));
    }

    #[test]
    fn blank_values_are_unset() {
        let env = EnvView::from_pairs([("AWS_REGION", "  ")]);
        assert_eq!(env.get("AWS_REGION"), None);
        assert_eq!(env.raw("AWS_REGION"), Some("  "));
    }

    #[test]
    fn tilde_is_expanded_against_the_views_home() {
        let home = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
        let env = EnvView::from_pairs([(home, "/home/me")]);
        assert_eq!(env.expand_home("~/x/config"), PathBuf::from("/home/me").join("x").join("config"));
        if cfg!(windows) {
            assert_eq!(env.expand_home("~\\x\\config"), PathBuf::from("/home/me").join("x").join("config"));
        }
        assert_eq!(env.expand_home("~"), PathBuf::from("/home/me"));
        assert_eq!(env.expand_home("~other/x"), PathBuf::from("~other/x"));
        assert_eq!(env.expand_home("/abs/x"), PathBuf::from("/abs/x"));
    }

    #[test]
    fn fingerprints_differ_by_value() {
        let a = EnvView::from_pairs([("AWS_PROFILE", "a")]);
        let b = EnvView::from_pairs([("AWS_PROFILE", "b")]);
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint(), a.with(&[]).fingerprint());
    }
}
