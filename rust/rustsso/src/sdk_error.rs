//! SDK errors turned into this library's errors: the operation named, the request never shown.

use crate::error::{Error, Status};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::error::Error as StdError;

/// Maps an SDK error to this library's error, naming the operation and never the request.
pub fn map_sdk_error<E, R>(operation: &str, err: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().unwrap_or("Unknown").to_string();
            let message = e.message().unwrap_or("no message").to_string();
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
            let status = if dispatch.is_timeout() { Status::Timeout } else { Status::Network };
            Error::new(status, format!("{operation} could not reach the endpoint: {}", error_chain(&err)))
        }
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
