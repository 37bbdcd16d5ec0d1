//! The HTTP server: accept loop, routing, counters, faults, request log.

use crate::control;
use crate::faults::FaultOutcome;
use crate::http::{self, Req, Resp, Service};
use crate::store::{RequestLogEntry, Shared};
use crate::{oidc, portal, s3, sts, util};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::Method;
use hyper_util::rt::TokioIo;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Returned by the service to make hyper close the connection without answering.
#[derive(Debug)]
pub struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("fault: connection dropped")
    }
}

impl std::error::Error for DropConnection {}

/// Serves until `shutdown` fires (or its sender is dropped).
pub async fn serve(listener: tokio::net::TcpListener, shared: Shared, mut shutdown: oneshot::Receiver<()>) {
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let shared = shared.clone();
                    tokio::spawn(async move {
                        let svc = service_fn(move |req| handle(shared.clone(), req));
                        let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
                    });
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
}

/// What a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    ListBuckets,
    GetCallerIdentity { json: bool },
    AssumeRole { json: bool },
    AssumeRoleWithWebIdentity { json: bool },
    GetRoleCredentials,
    ListAccounts,
    ListAccountRoles,
    Logout,
    RegisterClient,
    StartDeviceAuthorization,
    CreateToken,
    Authorize,
    DevicePage,
    Unknown,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::ListBuckets => "s3:ListBuckets",
            Op::GetCallerIdentity { .. } => "sts:GetCallerIdentity",
            Op::AssumeRole { .. } => "sts:AssumeRole",
            Op::AssumeRoleWithWebIdentity { .. } => "sts:AssumeRoleWithWebIdentity",
            Op::GetRoleCredentials => "sso:GetRoleCredentials",
            Op::ListAccounts => "sso:ListAccounts",
            Op::ListAccountRoles => "sso:ListAccountRoles",
            Op::Logout => "sso:Logout",
            Op::RegisterClient => "oidc:RegisterClient",
            Op::StartDeviceAuthorization => "oidc:StartDeviceAuthorization",
            Op::CreateToken => "oidc:CreateToken",
            Op::Authorize => "oidc:Authorize",
            Op::DevicePage => "oidc:DeviceVerification",
            Op::Unknown => "unknown",
        }
    }

    pub fn service(self, req: &Req) -> Service {
        match self {
            Op::ListBuckets => Service::S3,
            Op::GetCallerIdentity { json: false } | Op::AssumeRole { json: false } | Op::AssumeRoleWithWebIdentity { json: false } => {
                Service::Sts
            }
            Op::GetCallerIdentity { json: true } | Op::AssumeRole { json: true } | Op::AssumeRoleWithWebIdentity { json: true } => {
                Service::StsJson
            }
            Op::GetRoleCredentials | Op::ListAccounts | Op::ListAccountRoles | Op::Logout => Service::Portal,
            Op::RegisterClient | Op::StartDeviceAuthorization | Op::CreateToken | Op::Authorize | Op::DevicePage => Service::Oidc,
            Op::Unknown => {
                if req.header("x-amz-content-sha256").is_some() {
                    Service::S3
                } else if req.method == Method::POST && req.path == "/" {
                    Service::Sts
                } else {
                    Service::Portal
                }
            }
        }
    }
}

pub fn route(req: &Req) -> Op {
    match (&req.method, req.path.as_str()) {
        (&Method::GET, "/") if req.q("x-id").map(|x| x == "ListBuckets").unwrap_or(true) && req.header("x-amz-target").is_none() => {
            Op::ListBuckets
        }
        (&Method::POST, "/") => match sts::action(req) {
            Some((a, json)) => match a.as_str() {
                "GetCallerIdentity" => Op::GetCallerIdentity { json },
                "AssumeRole" => Op::AssumeRole { json },
                "AssumeRoleWithWebIdentity" => Op::AssumeRoleWithWebIdentity { json },
                _ => Op::Unknown,
            },
            None => Op::Unknown,
        },
        (&Method::GET, "/federation/credentials") => Op::GetRoleCredentials,
        (&Method::GET, "/assignment/accounts") => Op::ListAccounts,
        (&Method::GET, "/assignment/roles") => Op::ListAccountRoles,
        (&Method::POST, "/logout") => Op::Logout,
        (&Method::POST, "/client/register") => Op::RegisterClient,
        (&Method::POST, "/device_authorization") => Op::StartDeviceAuthorization,
        (&Method::POST, "/token") => Op::CreateToken,
        (&Method::GET, "/authorize") => Op::Authorize,
        (&Method::GET, "/device") | (&Method::GET, "/device/") => Op::DevicePage,
        _ => Op::Unknown,
    }
}

/// Query parameters whose values never go into the request log.
const REDACTED_PARAMS: &[&str] = &[
    "code",
    "code_verifier",
    "device_code",
    "client_secret",
    "access_token",
    "refresh_token",
    "x-amz-security-token",
    "x-amz-signature",
    "x-amz-credential",
    "webidentitytoken",
];

fn redacted_query(req: &Req) -> String {
    req.query
        .iter()
        .map(|(k, v)| {
            let v = if REDACTED_PARAMS.contains(&k.to_ascii_lowercase().as_str()) { "REDACTED" } else { v.as_str() };
            format!("{}={}", util::uri_encode(k, false), util::uri_encode(v, false))
        })
        .collect::<Vec<_>>()
        .join("&")
}

async fn handle(shared: Shared, request: hyper::Request<Incoming>) -> Result<Resp, DropConnection> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|c| c.to_bytes()).unwrap_or_default();
    let req = Req::new(parts.method, parts.uri.path(), parts.uri.query().unwrap_or(""), parts.headers, body);

    if req.path == "/_fake" || req.path.starts_with("/_fake/") {
        return Ok(control::handle(&shared, &req).await);
    }

    let op = route(&req);
    let service = op.service(&req);
    let grant = if op == Op::CreateToken { oidc::grant_of(&req) } else { None };
    let mut ops = vec![op.name().to_string()];
    if let Some(g) = &grant {
        ops.push(format!("{}:{}", op.name(), oidc::grant_short(g)));
    }
    let op_refs: Vec<&str> = ops.iter().map(String::as_str).collect();

    let fault = {
        let mut g = shared.lock();
        for o in &ops {
            g.store.count(o);
        }
        g.faults.take(&op_refs)
    };

    let mut faulted = false;
    let mut answer: Option<Resp> = None;
    if let Some(f) = fault {
        faulted = true;
        if !f.delay.is_zero() {
            tokio::time::sleep(f.delay).await;
        }
        match f.outcome {
            FaultOutcome::Continue => {}
            FaultOutcome::Drop => {
                log(&shared, &req, op, 0, true, started);
                return Err(DropConnection);
            }
            FaultOutcome::Raw { status, body } => answer = Some(http::raw(service, status, body)),
            FaultOutcome::Error { status, code, message } => {
                let code = code.unwrap_or_else(|| service.default_code(status).to_string());
                let message = message.unwrap_or_else(|| format!("Fault injected by fake-aws ({code})"));
                answer = Some(http::error(service, status, &code, &message));
            }
        }
    }

    let resp = match answer {
        Some(r) => r,
        None => {
            let (resp, follow) = {
                let mut g = shared.lock();
                let inner = &mut *g;
                match op {
                    Op::ListBuckets => (s3::list_buckets(inner, &req), None),
                    Op::GetCallerIdentity { json } => (sts::get_caller_identity(inner, &req, json), None),
                    Op::AssumeRole { json } => (sts::assume_role(inner, &req, json), None),
                    Op::AssumeRoleWithWebIdentity { json } => (sts::assume_role_with_web_identity(inner, &req, json), None),
                    Op::GetRoleCredentials => (portal::get_role_credentials(inner, &req), None),
                    Op::ListAccounts => (portal::list_accounts(inner, &req), None),
                    Op::ListAccountRoles => (portal::list_account_roles(inner, &req), None),
                    Op::Logout => (portal::logout(inner, &req), None),
                    Op::RegisterClient => (oidc::register_client(inner, &req), None),
                    Op::StartDeviceAuthorization => (oidc::start_device_authorization(inner, &req), None),
                    Op::CreateToken => (oidc::create_token(inner, &req), None),
                    Op::Authorize => oidc::authorize(inner, &req),
                    Op::DevicePage => (oidc::device_page(inner, &req), None),
                    Op::Unknown => (unknown(&req, service), None),
                }
            };
            match follow {
                None => resp,
                Some(url) => deliver_redirect(url).await,
            }
        }
    };
    log(&shared, &req, op, resp.status().as_u16(), faulted, started);
    Ok(resp)
}

fn unknown(req: &Req, service: Service) -> Resp {
    let msg = format!("fake-aws has no route for {} {}", req.method, req.path);
    match service {
        Service::S3 | Service::Sts => http::error(service, 404, "NotImplemented", &msg),
        _ => http::error(service, 404, "UnknownOperationException", &msg),
    }
}

/// The fake as the user's browser: GETs the redirect target (the client's loopback callback).
async fn deliver_redirect(url: String) -> Resp {
    let result = tokio::task::spawn_blocking(move || crate::client::get(&url)).await;
    match result {
        Ok(Ok(r)) => {
            http::html(200, &format!("<html><body><h1>Redirect delivered</h1><p>Callback answered {}.</p></body></html>", r.status))
        }
        Ok(Err(e)) => {
            http::html(502, &format!("<html><body><h1>Callback failed</h1><p>{}</p></body></html>", util::xml_escape(&e.to_string())))
        }
        Err(_) => http::html(502, "<html><body><h1>Callback failed</h1></body></html>"),
    }
}

fn log(shared: &Shared, req: &Req, op: Op, status: u16, fault: bool, started: Instant) {
    let access_key_id = req.header("authorization").and_then(crate::sigv4::parse_authorization).map(|a| a.access_key_id);
    let client_id = if matches!(op, Op::RegisterClient) {
        None
    } else if op == Op::Authorize {
        req.q("client_id").map(str::to_string)
    } else if matches!(op, Op::StartDeviceAuthorization | Op::CreateToken) {
        req.json().ok().and_then(|b| b.get("clientId").and_then(|v| v.as_str()).map(str::to_string))
    } else {
        None
    };
    let entry = RequestLogEntry {
        seq: 0,
        time: util::rfc3339_millis(time::OffsetDateTime::now_utc()),
        method: req.method.to_string(),
        path: req.path.clone(),
        query: redacted_query(req),
        operation: op.name().to_string(),
        status,
        fault,
        access_key_id,
        client_id,
        user_agent: req.header("user-agent").map(str::to_string),
        duration_ms: started.elapsed().as_millis() as u64,
    };
    let mut g = shared.lock();
    let limit = g.state.request_log_limit;
    g.store.log(entry, limit);
}
