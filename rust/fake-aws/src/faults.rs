//! Fault injection: make the next N requests to an operation fail, stall, return garbage or
//! lose their connection.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One fault rule (JSON keys as below, all optional except `operation`).
///
/// ```json
/// {"operation":"s3:ListBuckets","status":503,"error_code":"SlowDown","delay_ms":0,
///  "body":null,"drop_connection":false,"times":2,"skip":0}
/// ```
///
/// Applied in this order: wait `delay_ms`; then `drop_connection` closes the connection without
/// a response; else `body` is sent raw (status `status` or 200, the service's content type); else
/// `status` and/or `error_code` answer with the service's own error shape (a default code for the
/// status, or the usual status for the code, fills in the missing one); else (only a delay) the
/// request is then handled normally.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Fault {
    /// Operation name (`s3:ListBuckets`, `oidc:CreateToken`, `oidc:CreateToken:refresh_token`),
    /// a service wildcard (`sso:*`) or `*`.
    pub operation: String,
    pub status: Option<u16>,
    pub error_code: Option<String>,
    /// Error message (a generic one when absent).
    pub message: Option<String>,
    pub delay_ms: u64,
    /// Raw response body replacing the answer.
    pub body: Option<String>,
    pub drop_connection: bool,
    /// How many requests it applies to; `None` = every matching request.
    pub times: Option<u64>,
    /// Let this many matching requests through before the fault starts applying.
    pub skip: u64,
}

impl Fault {
    /// An error answer (`status` with the service's error shape and `code`).
    pub fn error(operation: &str, status: u16, code: &str) -> Fault {
        Fault { operation: operation.into(), status: Some(status), error_code: Some(code.into()), ..Default::default() }
    }
    /// A delay before the normal answer.
    pub fn delay(operation: &str, ms: u64) -> Fault {
        Fault { operation: operation.into(), delay_ms: ms, ..Default::default() }
    }
    /// A 200 answer with this raw body.
    pub fn raw_body(operation: &str, body: &str) -> Fault {
        Fault { operation: operation.into(), body: Some(body.into()), ..Default::default() }
    }
    /// The connection is closed without a response.
    pub fn drop_connection(operation: &str) -> Fault {
        Fault { operation: operation.into(), drop_connection: true, ..Default::default() }
    }
    pub fn times(mut self, n: u64) -> Fault {
        self.times = Some(n);
        self
    }
    pub fn skip(mut self, n: u64) -> Fault {
        self.skip = n;
        self
    }

    /// Whether this rule targets one of `ops` (e.g. `["oidc:CreateToken", "oidc:CreateToken:refresh_token"]`).
    pub fn matches(&self, ops: &[&str]) -> bool {
        let pat = self.operation.as_str();
        if pat == "*" {
            return true;
        }
        if let Some(svc) = pat.strip_suffix(":*") {
            return ops.iter().any(|op| op.split(':').next() == Some(svc));
        }
        ops.contains(&pat)
    }
}

/// A fault plus its bookkeeping.
#[derive(Clone, Debug, Serialize)]
pub struct FaultEntry {
    #[serde(flatten)]
    pub fault: Fault,
    /// Matching requests seen (including skipped ones).
    pub seen: u64,
    /// Requests the fault was applied to.
    pub applied: u64,
}

/// The HTTP status AWS uses with a well-known error code (for faults that give only a code).
pub fn default_status(code: &str) -> u16 {
    match code {
        "SlowDown" | "ServiceUnavailable" | "ServiceUnavailableException" => 503,
        "InternalError" | "InternalFailure" | "InternalServerException" => 500,
        "TooManyRequestsException" => 429,
        "UnauthorizedException" | "InvalidClientException" => 401,
        "ForbiddenException"
        | "AccessDenied"
        | "AccessDeniedException"
        | "InvalidAccessKeyId"
        | "InvalidClientTokenId"
        | "SignatureDoesNotMatch" => 403,
        _ => 400,
    }
}

/// What the server must do for a faulted request.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultOutcome {
    /// Handle normally (after the delay).
    Continue,
    Drop,
    Raw {
        status: u16,
        body: String,
    },
    Error {
        status: u16,
        code: Option<String>,
        message: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppliedFault {
    pub delay: Duration,
    pub outcome: FaultOutcome,
}

#[derive(Debug, Default)]
pub struct Faults {
    pub entries: Vec<FaultEntry>,
}

impl Faults {
    pub fn add(&mut self, f: Fault) {
        self.entries.push(FaultEntry { fault: f, seen: 0, applied: 0 });
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Picks the first rule that matches and still applies, and updates the bookkeeping.
    pub fn take(&mut self, ops: &[&str]) -> Option<AppliedFault> {
        for e in self.entries.iter_mut() {
            if !e.fault.matches(ops) {
                continue;
            }
            if let Some(t) = e.fault.times {
                if e.applied >= t {
                    continue;
                }
            }
            e.seen += 1;
            if e.seen <= e.fault.skip {
                continue;
            }
            e.applied += 1;
            let f = &e.fault;
            let outcome = if f.drop_connection {
                FaultOutcome::Drop
            } else if let Some(body) = &f.body {
                FaultOutcome::Raw { status: f.status.unwrap_or(200), body: body.clone() }
            } else if let Some(status) = f.status {
                FaultOutcome::Error { status, code: f.error_code.clone(), message: f.message.clone() }
            } else if let Some(code) = &f.error_code {
                FaultOutcome::Error { status: default_status(code), code: Some(code.clone()), message: f.message.clone() }
            } else {
                FaultOutcome::Continue
            };
            return Some(AppliedFault { delay: Duration::from_millis(f.delay_ms), outcome });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_skip_and_wildcards() {
        let mut f = Faults::default();
        f.add(Fault::error("s3:ListBuckets", 503, "SlowDown").times(2).skip(1));
        f.add(Fault::delay("sso:*", 5));
        assert_eq!(f.take(&["s3:ListBuckets"]), None); // skipped
        assert!(matches!(f.take(&["s3:ListBuckets"]).unwrap().outcome, FaultOutcome::Error { status: 503, .. }));
        assert!(f.take(&["s3:ListBuckets"]).is_some());
        assert_eq!(f.take(&["s3:ListBuckets"]), None); // exhausted
        let d = f.take(&["sso:GetRoleCredentials"]).unwrap();
        assert_eq!(d.outcome, FaultOutcome::Continue);
        assert_eq!(d.delay, Duration::from_millis(5));
        assert!(Fault::error("oidc:CreateToken:refresh_token", 500, "x").matches(&["oidc:CreateToken", "oidc:CreateToken:refresh_token"]));
        assert!(!Fault::error("oidc:CreateToken:device_code", 500, "x").matches(&["oidc:CreateToken", "oidc:CreateToken:refresh_token"]));
    }
}
