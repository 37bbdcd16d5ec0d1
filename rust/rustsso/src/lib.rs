//! Native core of the AWS.Tools.RustSSO PowerShell module.
//!
//! The PowerShell side talks to this library only through the C ABI in [`ffi`]: one JSON request
//! in, one JSON response out. Behind it, one module per concern:
//! - [`ops`]: the operation names and their parameters, dispatched from a request;
//! - [`aws`]: building SDK clients from credentials, region and endpoint settings;
//! - [`s3`], [`sts`]: the service calls;
//! - [`runtime`]: the shared tokio runtime, timeouts and cancellation;
//! - [`config`]: the shared config files; [`credentials`]: which credentials and region a call uses;
//! - [`token_cache`]: the SSO token cache shared with the AWS CLI; [`sso`]: token refresh and role credentials;
//! - [`error`]: statuses and messages; [`secret`]: redacted, zeroed secret strings.

pub mod aws;
pub mod config;
pub mod config_edit;
pub mod credentials;
pub mod diagnostics;
pub mod error;
pub mod ffi;
pub mod login;
pub mod logout;
pub mod ops;
pub mod portal;
pub mod profiles;
pub mod runtime;
pub mod s3;
pub mod secret;
pub mod sso;
pub mod sts;
pub mod token_cache;

pub use error::{Error, Result, Status};
