//! Errors of the library: a stable numeric [`Status`] that crosses the C ABI, a stable textual
//! code for PowerShell's FullyQualifiedErrorId, and a message written for the user.
//!
//! Messages never contain secrets: they are built from profile names, session names, URLs and
//! service error codes only, never from token or key material.

use serde::Serialize;
use std::fmt;

/// Status returned by every C ABI function. The numbers are part of the ABI: never reuse or
/// renumber one; add new ones at the end.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Status {
    /// Success; the response holds the operation's result.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// The request was not valid UTF-8.
    InvalidUtf8 = 2,
    /// The request was not valid JSON, named no known operation or had invalid parameters.
    InvalidRequest = 3,
    /// The library panicked; the panic was caught at the boundary.
    Panic = 4,
    /// The async runtime could not be started.
    RuntimeUnavailable = 5,
    /// The call was cancelled through `rsso_cancel`.
    Cancelled = 6,
    /// The call did not finish within its timeout.
    Timeout = 7,
    /// The named profile does not exist in the configuration files.
    ProfileNotFound = 8,
    /// The SSO configuration of the profile or sso-session is incomplete or contradictory.
    InvalidConfig = 9,
    /// There is no cached SSO token: a login is needed.
    NoCachedToken = 10,
    /// The cached SSO token has expired and cannot be refreshed: a login is needed.
    TokenExpired = 11,
    /// The token refresh was rejected (the portal session ended): a login is needed.
    RefreshRejected = 12,
    /// The service denied access (SSO role assignment, S3 or STS permission).
    AccessDenied = 13,
    /// The endpoint could not be reached (DNS, connection refused or dropped, TLS).
    Network = 14,
    /// The service answered with an error.
    ServiceError = 15,
    /// No credentials could be found by any source.
    NoCredentials = 16,
    /// An unexpected internal failure.
    Internal = 17,
    /// A login is needed but cannot be performed here (for example no interactive user).
    LoginRequired = 18,
    /// An I/O error on a local file (configuration or cache).
    Io = 19,
}

impl Status {
    /// Every status, for tests and lookups by number.
    pub fn all() -> &'static [Status] {
        &ALL_STATUSES
    }

    /// Stable PascalCase name, used as the error code when no more specific one applies.
    pub fn name(self) -> &'static str {
        self.name_cstr().to_str().unwrap_or("Unknown")
    }

    /// [`Status::name`] as a static C string, for the C ABI.
    pub fn name_cstr(self) -> &'static std::ffi::CStr {
        match self {
            Status::Ok => c"Ok",
            Status::NullArgument => c"NullArgument",
            Status::InvalidUtf8 => c"InvalidUtf8",
            Status::InvalidRequest => c"InvalidRequest",
            Status::Panic => c"Panic",
            Status::RuntimeUnavailable => c"RuntimeUnavailable",
            Status::Cancelled => c"Cancelled",
            Status::Timeout => c"Timeout",
            Status::ProfileNotFound => c"ProfileNotFound",
            Status::InvalidConfig => c"InvalidSsoConfig",
            Status::NoCachedToken => c"SsoTokenNotFound",
            Status::TokenExpired => c"SsoTokenExpired",
            Status::RefreshRejected => c"SsoRefreshRejected",
            Status::AccessDenied => c"AccessDenied",
            Status::Network => c"NetworkError",
            Status::ServiceError => c"ServiceError",
            Status::NoCredentials => c"NoCredentials",
            Status::Internal => c"InternalError",
            Status::LoginRequired => c"LoginRequired",
            Status::Io => c"IoError",
        }
    }

    /// The PowerShell ErrorCategory name that fits this status.
    pub fn category(self) -> &'static str {
        match self {
            Status::Ok => "NotSpecified",
            Status::NullArgument | Status::InvalidUtf8 | Status::InvalidRequest => "InvalidArgument",
            Status::ProfileNotFound => "ObjectNotFound",
            Status::InvalidConfig => "InvalidData",
            Status::NoCachedToken | Status::TokenExpired | Status::RefreshRejected | Status::LoginRequired | Status::NoCredentials => {
                "AuthenticationError"
            }
            Status::AccessDenied => "PermissionDenied",
            Status::Network => "ConnectionError",
            Status::Timeout => "OperationTimeout",
            Status::Cancelled => "OperationStopped",
            Status::ServiceError => "InvalidResult",
            Status::Io => "ReadError",
            Status::Panic | Status::RuntimeUnavailable | Status::Internal => "NotSpecified",
        }
    }
}

static ALL_STATUSES: [Status; 20] = [
    Status::Ok,
    Status::NullArgument,
    Status::InvalidUtf8,
    Status::InvalidRequest,
    Status::Panic,
    Status::RuntimeUnavailable,
    Status::Cancelled,
    Status::Timeout,
    Status::ProfileNotFound,
    Status::InvalidConfig,
    Status::NoCachedToken,
    Status::TokenExpired,
    Status::RefreshRejected,
    Status::AccessDenied,
    Status::Network,
    Status::ServiceError,
    Status::NoCredentials,
    Status::Internal,
    Status::LoginRequired,
    Status::Io,
];

/// An error with its status, a stable code and a user-facing message (never a secret).
#[derive(Debug, Clone, Serialize)]
pub struct Error {
    pub status: Status,
    pub code: String,
    pub message: String,
    /// A PowerShell ErrorCategory that fits better than the status's (an HTTP 404 is
    /// ObjectNotFound, a 503 ResourceUnavailable).
    #[serde(skip)]
    pub category: Option<&'static str>,
}

impl Error {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Error { status, code: status.name().to_string(), message: message.into(), category: None }
    }

    /// An error whose code is more specific than its status (for example a service error code).
    pub fn with_code(status: Status, code: impl Into<String>, message: impl Into<String>) -> Self {
        Error { status, code: code.into(), message: message.into(), category: None }
    }

    pub fn invalid_request(message: impl Into<String>) -> Self {
        Error::new(Status::InvalidRequest, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(Status::Internal, message)
    }

    /// The JSON document returned across the ABI for this error.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "status": self.status as u32,
            "code": self.code,
            "category": self.category.unwrap_or(self.status.category()),
            "message": self.message,
        })
        .to_string()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
