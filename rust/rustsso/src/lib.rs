//! Native core of the AWS.Tools.RustSSO PowerShell module.
//!
//! The PowerShell side talks to this library only through the C ABI in [`ffi`]: one JSON request
//! in, one JSON response out. All state lives in one [`context::Context`] that the ABI creates
//! once; each request brings its environment as a value ([`env::EnvView`]), and nothing writes
//! the process environment. Behind the ABI, one module per concern:
//!
//! - the boundary: [`ffi`] (C ABI, panic boundary), [`ops`] (operation names and parameters);
//! - state: [`context`] (caches, clock, runtime, logins, cancellation), [`env`] (the caller's
//!   environment view);
//! - configuration: [`params`] (the parameters every command shares), [`config`] (the shared
//!   config files, read with aws-config's parser), [`config_edit`] (text-preserving edits),
//!   [`profiles`] (the profile listing);
//! - credentials: [`credentials`] (which credentials and region a call uses),
//!   [`service_config`] (SDK configurations and clients, cached per setting), [`sdk_error`]
//!   (SDK errors turned into this library's errors);
//! - SSO: [`token_cache`] (the cache shared with the AWS CLI), [`cli_json`] (the CLI's JSON
//!   style), [`sso`] (token refresh and role credentials), [`sso_clients`] (portal and OIDC
//!   clients), [`portal`] (account and role listing);
//! - login and logout: [`login`] (the conversation with PowerShell), [`pkce`], [`loopback`]
//!   (the browser's callback and its pages), [`registration`] (the OIDC client registration
//!   cache), [`device_flow`], [`logout`];
//! - services: [`s3`], [`sts`], [`diagnostics`] (what -Verbose and -Debug show), [`net`] (the
//!   proxy and trust settings of a call, and the HTTP client built from them);
//! - [`error`]: statuses and messages; [`secret`]: redacted, zeroed secret strings.

#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod cli_json;
pub mod config;
pub mod config_edit;
pub mod context;
pub mod credentials;
pub mod device_flow;
pub mod diagnostics;
pub mod env;
pub mod error;
pub mod ffi;
pub mod login;
pub mod logout;
pub mod loopback;
pub mod net;
pub mod ops;
pub mod params;
pub mod pkce;
pub mod portal;
pub mod profiles;
pub mod registration;
pub mod s3;
pub mod sdk_error;
pub mod secret;
pub mod service_config;
pub mod sso;
pub mod sso_clients;
pub mod sts;
pub mod token_cache;

pub use error::{Error, Result, Status};

/// The version of the C ABI (`RSSO_ABI_VERSION` in the header).
pub const ABI_VERSION: u32 = 1;

/// The ABI version as text inside the library file, so that a package build can check a
/// library built for another platform without loading it (`library.info` answers it, which
/// keeps it in every build). A test keeps it equal to [`ABI_VERSION`].
pub const ABI_MARKER: &str = "aws-tools-rustsso-native-abi=1;";

#[cfg(test)]
mod tests {
    #[test]
    fn the_abi_marker_names_the_abi_version() {
        assert_eq!(super::ABI_MARKER, format!("aws-tools-rustsso-native-abi={};", super::ABI_VERSION));
    }
}
