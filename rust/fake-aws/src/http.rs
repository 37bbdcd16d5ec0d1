//! Request view and response builders, including each service's error shape.

use crate::util;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderMap, HeaderValue};
use hyper::{Method, Response, StatusCode};
use serde_json::{json, Value};

pub type Resp = Response<Full<Bytes>>;

/// A fully read request.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: Method,
    pub path: String,
    pub raw_query: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Req {
    pub fn new(method: Method, path: &str, raw_query: &str, headers: HeaderMap, body: Bytes) -> Req {
        Req { method, path: path.to_string(), raw_query: raw_query.to_string(), query: util::parse_query(raw_query), headers, body }
    }

    /// First value of query parameter `k`.
    pub fn q(&self, k: &str) -> Option<&str> {
        self.query.iter().find(|(kk, _)| kk == k).map(|(_, v)| v.as_str())
    }

    pub fn header(&self, k: &str) -> Option<&str> {
        self.headers.get(k).and_then(|v| v.to_str().ok())
    }

    pub fn host(&self) -> String {
        self.header("host").unwrap_or("127.0.0.1").to_string()
    }

    /// The body as JSON (`{}` when empty).
    pub fn json(&self) -> Result<Value, String> {
        if self.body.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(json!({}));
        }
        serde_json::from_slice(&self.body).map_err(|e| format!("invalid JSON body: {e}"))
    }

    /// The body as form pairs (awsQuery).
    pub fn form(&self) -> Vec<(String, String)> {
        util::parse_query(&String::from_utf8_lossy(&self.body))
    }
}

/// Which wire protocol (and so which error shape) a response uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// restXml, errors `<Error><Code>` (unwrapped).
    S3,
    /// awsQuery, errors `<ErrorResponse><Error><Code>`.
    Sts,
    /// STS over awsJson (X-Amz-Target), errors `__type`.
    StsJson,
    /// restJson1, errors `x-amzn-ErrorType` + `{"message"}`.
    Portal,
    /// restJson1, errors `x-amzn-ErrorType` + `{"error","error_description"}`.
    Oidc,
    /// The control API: `{"error": ...}`.
    Control,
}

impl Service {
    pub fn content_type(self) -> &'static str {
        match self {
            Service::S3 => "application/xml",
            Service::Sts => "text/xml",
            Service::StsJson => "application/x-amz-json-1.0",
            Service::Portal | Service::Oidc | Service::Control => "application/json",
        }
    }

    /// Error code a bare status maps to, for faults that give no `error_code`.
    pub fn default_code(self, status: u16) -> &'static str {
        match (self, status) {
            (Service::S3, 503) => "ServiceUnavailable",
            (Service::S3, 500) => "InternalError",
            (Service::S3, 403) => "AccessDenied",
            (Service::S3, 404) => "NoSuchKey",
            (Service::S3, _) => "InvalidRequest",
            (Service::Sts | Service::StsJson, 503) => "ServiceUnavailable",
            (Service::Sts | Service::StsJson, 500) => "InternalFailure",
            (Service::Sts | Service::StsJson, 403) => "AccessDenied",
            (Service::Sts | Service::StsJson, 400) => "Throttling",
            (Service::Sts | Service::StsJson, _) => "InvalidRequest",
            (_, 429) => "TooManyRequestsException",
            (_, 500) => "InternalServerException",
            (_, 503) => "ServiceUnavailableException",
            (_, 401) => "UnauthorizedException",
            (_, 403) => "ForbiddenException",
            (Service::Oidc, _) => "InvalidRequestException",
            (_, _) => "InvalidRequestException",
        }
    }
}

pub fn request_id() -> String {
    let h = util::random_hex(16);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A response with a body, content type and the usual request id headers.
pub fn raw(service: Service, status: u16, body: impl Into<Bytes>) -> Resp {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status_code(status);
    let h = r.headers_mut();
    h.insert("content-type", HeaderValue::from_static(service.content_type()));
    let rid = request_id();
    match service {
        Service::S3 => {
            h.insert("x-amz-request-id", HeaderValue::from_str(&util::random_upper(16)).unwrap());
            h.insert("x-amz-id-2", HeaderValue::from_str(&util::b64url(&util::random_bytes(48))).unwrap());
        }
        Service::Control => {}
        _ => {
            h.insert("x-amzn-requestid", HeaderValue::from_str(&rid).unwrap());
        }
    }
    r
}

pub fn json(service: Service, status: u16, v: &Value) -> Resp {
    raw(service, status, serde_json::to_vec(v).unwrap_or_default())
}

pub fn empty(service: Service, status: u16) -> Resp {
    let mut r = raw(service, status, Bytes::new());
    r.headers_mut().remove("content-type");
    r
}

/// The OAuth `error` string of an SSO-OIDC exception name.
pub fn oauth_error(code: &str) -> &'static str {
    match code {
        "AuthorizationPendingException" => "authorization_pending",
        "SlowDownException" => "slow_down",
        "ExpiredTokenException" => "expired_token",
        "AccessDeniedException" => "access_denied",
        "InvalidGrantException" => "invalid_grant",
        "InvalidClientException" => "invalid_client",
        "InvalidRequestException" => "invalid_request",
        "UnauthorizedClientException" => "unauthorized_client",
        "UnsupportedGrantTypeException" => "unsupported_grant_type",
        "InvalidScopeException" => "invalid_scope",
        "InvalidClientMetadataException" => "invalid_client_metadata",
        "InvalidRedirectUriException" => "invalid_redirect_uri",
        "InternalServerException" => "server_error",
        _ => "server_error",
    }
}

/// An error in `service`'s own shape, so the SDK parses `code` and `message` from it.
pub fn error(service: Service, status: u16, code: &str, message: &str) -> Resp {
    match service {
        Service::S3 => {
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message><RequestId>{}</RequestId><HostId>{}</HostId></Error>",
                util::xml_escape(code),
                util::xml_escape(message),
                util::random_upper(16),
                util::b64url(&util::random_bytes(48)),
            );
            raw(service, status, body)
        }
        Service::Sts => {
            let kind = if status >= 500 { "Receiver" } else { "Sender" };
            let body = format!(
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{}</RequestId>\n</ErrorResponse>\n",
                util::xml_escape(code),
                util::xml_escape(message),
                request_id()
            );
            raw(service, status, body)
        }
        Service::StsJson => {
            let mut r = json(service, status, &json!({"__type": format!("com.amazonaws.sts#{code}"), "message": message}));
            if let Ok(v) = HeaderValue::from_str(&format!("{code};{}", if status >= 500 { "Receiver" } else { "Sender" })) {
                r.headers_mut().insert("x-amzn-query-error", v);
            }
            r
        }
        Service::Portal => {
            let mut r = json(service, status, &json!({"message": message}));
            if let Ok(v) = HeaderValue::from_str(code) {
                r.headers_mut().insert("x-amzn-errortype", v);
            }
            r
        }
        Service::Oidc => {
            let mut r = json(service, status, &json!({"error": oauth_error(code), "error_description": message}));
            if let Ok(v) = HeaderValue::from_str(code) {
                r.headers_mut().insert("x-amzn-errortype", v);
            }
            r
        }
        Service::Control => json(service, status, &json!({"error": code, "message": message})),
    }
}

/// A 302 redirect.
pub fn redirect(location: &str) -> Resp {
    let mut r = Response::new(Full::new(Bytes::from_static(b"")));
    *r.status_mut() = StatusCode::FOUND;
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert("location", v);
    }
    r.headers_mut().insert("cache-control", HeaderValue::from_static("no-store"));
    r
}

pub fn html(status: u16, body: &str) -> Resp {
    let mut r = Response::new(Full::new(Bytes::from(body.to_string())));
    *r.status_mut() = status_code(status);
    r.headers_mut().insert("content-type", HeaderValue::from_static("text/html; charset=utf-8"));
    r
}
