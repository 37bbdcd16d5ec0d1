//! The device authorization flow: poll CreateToken until the user approves the code, at the
//! interval the service asks for.

use crate::config::SsoProfile;
use crate::context::Call;
use crate::error::{Error, Status};
use crate::registration::Registration;
use crate::secret::SecretString;
use crate::sso_clients::SsoClients;
use std::time::Duration;

#[allow(clippy::too_many_arguments)]
pub async fn device_flow(
    call: &Call,
    device_code: SecretString,
    mut interval: Duration,
    deadline: std::time::Instant,
    clients: &SsoClients,
    registration: &Registration,
    profile: &SsoProfile,
    path: &std::path::Path,
) -> std::result::Result<String, Error> {
    use aws_sdk_ssooidc::operation::create_token::CreateTokenError as E;
    loop {
        if std::time::Instant::now() >= deadline {
            return Err(Error::with_code(
                Status::Timeout,
                "LoginExpired",
                format!("The device authorization for {} expired before it was approved. Run the login again.", profile.describe()),
            ));
        }
        tokio::time::sleep(interval).await;
        let result = clients
            .oidc
            .create_token()
            .client_id(&registration.client_id)
            .client_secret(registration.client_secret.expose())
            .grant_type("urn:ietf:params:oauth:grant-type:device_code")
            .device_code(device_code.expose())
            .send()
            .await;
        match result {
            Ok(out) => return crate::login::save_token(call, &out, registration, profile, path).await,
            Err(err) => match err.as_service_error() {
                Some(E::AuthorizationPendingException(_)) => continue,
                Some(E::SlowDownException(_)) => interval += Duration::from_secs(5),
                Some(E::ExpiredTokenException(_)) => {
                    return Err(Error::with_code(
                        Status::Timeout,
                        "LoginExpired",
                        format!("The device authorization for {} expired before it was approved. Run the login again.", profile.describe()),
                    ))
                }
                Some(E::AccessDeniedException(_)) => {
                    return Err(Error::with_code(
                        Status::AccessDenied,
                        "LoginDenied",
                        format!("The SSO login for {} was denied.", profile.describe()),
                    ))
                }
                _ => return Err(crate::sdk_error::map_sdk_error("SSO-OIDC CreateToken", err)),
            },
        }
    }
}
