//! STS GetCallerIdentity. The SDK in this workspace uses awsQuery (`POST /`, form body
//! `Action=GetCallerIdentity&Version=2011-06-15`, XML answer, `<ErrorResponse>` errors). The
//! awsJson flavour (`X-Amz-Target: AWSSecurityTokenServiceV20110615.GetCallerIdentity`) is
//! answered too, for newer SDKs.

use crate::http::{self, Req, Resp, Service};
use crate::sigv4;
use crate::store::Inner;
use crate::util::xml_escape;
use serde_json::json;

/// The STS action a `POST /` names, and whether it came as awsJson.
pub fn action(req: &Req) -> Option<(String, bool)> {
    if let Some(t) = req.header("x-amz-target") {
        return t.rsplit('.').next().map(|a| (a.to_string(), true));
    }
    req.form()
        .into_iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| (v, false))
}

pub fn get_caller_identity(inner: &mut Inner, req: &Req, json_protocol: bool) -> Resp {
    let service = if json_protocol {
        Service::StsJson
    } else {
        Service::Sts
    };
    let caller = match sigv4::authenticate(inner, req, service) {
        Ok(c) => c,
        Err((status, code, msg)) => return http::error(service, status, code, msg),
    };
    if json_protocol {
        return http::json(
            service,
            200,
            &json!({"UserId": caller.user_id, "Account": caller.account, "Arn": caller.arn}),
        );
    }
    let body = format!(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <GetCallerIdentityResult>\n    <Arn>{}</Arn>\n    <UserId>{}</UserId>\n    <Account>{}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>{}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
        xml_escape(&caller.arn),
        xml_escape(&caller.user_id),
        xml_escape(&caller.account),
        http::request_id()
    );
    http::raw(service, 200, body)
}
