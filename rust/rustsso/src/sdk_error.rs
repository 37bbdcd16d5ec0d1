//! SDK errors turned into this library's errors: the operation named, the request never shown.

use crate::error::{Error, Status};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::error::Error as StdError;

type HttpResponse = aws_smithy_runtime_api::http::Response;

/// Maps an SDK error to this library's error, naming the operation and never the request.
pub fn map_sdk_error<E>(operation: &str, err: SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    map_sdk_error_at(operation, None, err)
}

/// The request id a service sent, from the headers every AWS service uses for it.
fn request_id(raw: &HttpResponse) -> Option<String> {
    ["x-amzn-requestid", "x-amz-request-id", "x-amzn-request-id"].iter().find_map(|h| raw.headers().get(*h)).map(str::to_string)
}

/// An answer without an AWS error code (an empty or non-JSON body): what happened is the HTTP
/// status, the service and the host.
fn http_error(operation: &str, host: Option<&str>, raw: &HttpResponse, detail: Option<&str>) -> Error {
    let code = raw.status().as_u16();
    let from = host.map(|h| format!(" from {h}")).unwrap_or_default();
    let rid = request_id(raw).map(|r| format!(" (request id {r})")).unwrap_or_default();
    let detail = detail.map(|d| format!(": {d}")).unwrap_or_default();
    let (status, category) = match code {
        401 => (Status::AccessDenied, "AuthenticationError"),
        403 => (Status::AccessDenied, "PermissionDenied"),
        404 => (Status::ServiceError, "ObjectNotFound"),
        408 | 429 | 500 | 502 | 503 | 504 => (Status::ServiceError, "ResourceUnavailable"),
        _ => (Status::ServiceError, "InvalidResult"),
    };
    let mut e = Error::with_code(status, format!("Http{code}"), format!("{operation} failed: HTTP {code}{from}{rid}{detail}."));
    e.category = Some(category);
    e
}

/// Like [`map_sdk_error`], naming the host that answered.
pub fn map_sdk_error_at<E>(operation: &str, host: Option<&str>, err: SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let Some(code) = e.code().filter(|c| !c.is_empty() && *c != "Unknown").map(str::to_string) else {
                return http_error(operation, host, service.raw(), e.message());
            };
            let rid = request_id(service.raw()).map(|r| format!(" (request id {r})")).unwrap_or_default();
            let message = match e.message().filter(|m| !m.is_empty()) {
                Some(m) => format!("{m}{rid}"),
                None => {
                    let from = host.map(|h| format!(" from {h}")).unwrap_or_default();
                    format!("HTTP {}{from}{rid}", service.raw().status().as_u16())
                }
            };
            let status = match code.as_str() {
                "AccessDenied"
                | "AccessDeniedException"
                | "Forbidden"
                | "ForbiddenException"
                | "InvalidAccessKeyId"
                | "SignatureDoesNotMatch"
                | "ExpiredToken"
                | "UnauthorizedException"
                | "InvalidClientTokenId" => Status::AccessDenied,
                _ => Status::ServiceError,
            };
            Error::with_code(status, code.clone(), format!("{operation} failed: {code}: {message}"))
        }
        SdkError::TimeoutError(_) => Error::new(Status::Timeout, format!("{operation} timed out.")),
        SdkError::DispatchFailure(dispatch) => {
            if let Some(cred_err) = find_source::<aws_credential_types::provider::error::CredentialsError>(&err) {
                return credentials_error(cred_err);
            }
            let chain = error_chain(&err);
            if let Some(reason) = certificate_problem(&chain) {
                let host = host.unwrap_or("the endpoint");
                let mut e = Error::with_code(
                    Status::Network,
                    "CertificateNotTrusted",
                    format!(
                        "{operation}: the TLS certificate of {host} was not accepted ({reason}). If your network inspects TLS with a company CA, trust it with AWS_CA_BUNDLE or the profile's ca_bundle (a PEM file)."
                    ),
                );
                e.category = Some("SecurityError");
                return e;
            }
            let status = if dispatch.is_timeout() { Status::Timeout } else { Status::Network };
            Error::new(status, format!("{operation} could not reach the endpoint: {chain}"))
        }
        SdkError::ResponseError(response) if response.raw().status().as_u16() >= 400 => http_error(operation, host, response.raw(), None),
        SdkError::ResponseError(_) => Error::with_code(
            Status::ServiceError,
            "MalformedResponse",
            format!("{operation} returned a response that could not be read: {}", error_chain(&err)),
        ),
        _ => {
            if let Some(cred_err) = find_source::<aws_credential_types::provider::error::CredentialsError>(&err) {
                return credentials_error(cred_err);
            }
            Error::new(Status::Internal, format!("{operation} failed: {}", error_chain(&err)))
        }
    }
}

fn credentials_error(err: &aws_credential_types::provider::error::CredentialsError) -> Error {
    use aws_credential_types::provider::error::CredentialsError as C;
    if let Some(own) = find_source::<Error>(err) {
        return own.clone();
    }
    let status = match err {
        C::CredentialsNotLoaded(_) => Status::NoCredentials,
        C::InvalidConfiguration(_) => Status::InvalidConfig,
        C::ProviderTimedOut(_) => Status::Timeout,
        _ => Status::NoCredentials,
    };
    let detail = error_chain(err);
    if status == Status::NoCredentials && matches!(err, C::CredentialsNotLoaded(_)) {
        return Error::new(status, format!("No credentials specified or obtained from persisted/shell defaults. ({detail})"));
    }
    Error::new(status, format!("Credentials could not be resolved: {detail}"))
}

pub fn find_source<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// The messages of an error and its sources, joined.
pub fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut current = err.source();
    while let Some(e) = current {
        let s = e.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// What a TLS certificate failure in an error chain says, in words: rustls names it
/// `invalid peer certificate: <reason>`.
pub fn certificate_problem(chain: &str) -> Option<String> {
    let rest = &chain[chain.find("invalid peer certificate")? + "invalid peer certificate".len()..];
    let reason = rest.trim_start_matches([':', ' ']).split([',', ')']).next().unwrap_or("").trim();
    Some(match reason {
        r if r.starts_with("UnknownIssuer") => "unknown issuer".to_string(),
        r if r.starts_with("Expired") => "expired".to_string(),
        r if r.starts_with("NotValidForName") => "issued for another name".to_string(),
        r if r.starts_with("Revoked") => "revoked".to_string(),
        "" => "invalid".to_string(),
        r => r.to_string(),
    })
}
