//! The control API under `/_fake/` (JSON in, JSON out). See the crate documentation for the
//! list of endpoints.

use crate::faults::Fault;
use crate::http::{self, Req, Resp, Service};
use crate::oidc::{self, IssueTokenRequest};
use crate::state::{FakeState, GenerateBuckets};
use crate::store::{Inner, SessionSelector, Shared};
use crate::util;
use hyper::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

const C: Service = Service::Control;

fn ok(v: Value) -> Resp {
    http::json(C, 200, &v)
}

fn bad(msg: impl Into<String>) -> Resp {
    http::json(C, 400, &json!({"error": "BadRequest", "message": msg.into()}))
}

fn parse<T: DeserializeOwned>(req: &Req) -> Result<T, Resp> {
    let v = req.json().map_err(bad)?;
    serde_json::from_value(v).map_err(|e| bad(format!("invalid body: {e}")))
}

/// Faults from a body holding one fault object, a list of them, or `{"faults": [...]}`.
fn parse_faults(req: &Req) -> Result<Vec<Fault>, Resp> {
    let v = req.json().map_err(bad)?;
    let list = match v {
        Value::Array(a) => a,
        Value::Object(ref o) if o.contains_key("faults") => o["faults"].as_array().cloned().unwrap_or_default(),
        v @ Value::Object(_) => vec![v],
        _ => return Err(bad("expected a fault object or a list of faults")),
    };
    list.into_iter().map(|f| serde_json::from_value(f).map_err(|e| bad(format!("invalid fault: {e}")))).collect()
}

/// Every secret value the fake issued, plus the configured static secrets.
pub fn secrets(inner: &Inner) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in &inner.state.static_keys {
        out.push(k.secret_access_key.clone());
        if let Some(t) = &k.session_token {
            out.push(t.clone());
        }
    }
    out.extend(inner.store.secrets.iter().cloned());
    out
}

pub fn clock(inner: &Inner) -> Value {
    json!({
        "now": util::rfc3339(util::from_unix(inner.store.now())),
        "now_epoch": inner.store.now(),
        "offset_secs": inner.store.clock_offset_secs,
    })
}

pub async fn handle(shared: &Shared, req: &Req) -> Resp {
    let path = req.path.trim_start_matches("/_fake").trim_end_matches('/');
    let m = &req.method;

    // The only endpoint that does network I/O: not under the lock.
    if path == "/browser" && *m == Method::POST {
        let url = match req.json().ok().and_then(|v| v.get("url").and_then(Value::as_str).map(str::to_string)) {
            Some(u) => u,
            None => return bad("body must be {\"url\": \"http://...\"}"),
        };
        return match tokio::task::spawn_blocking(move || browse(&url)).await {
            Ok(v) => ok(v),
            Err(e) => bad(e.to_string()),
        };
    }

    let mut g = shared.lock();
    let inner = &mut *g;
    match (m, path) {
        (&Method::GET, "" | "/health") => ok(json!({"ok": true})),

        (&Method::GET, "/counters") => ok(json!(inner.store.counters)),
        (&Method::POST, "/counters/reset") | (&Method::DELETE, "/counters") => {
            inner.store.counters.clear();
            ok(json!({}))
        }

        (&Method::GET, "/state") => ok(serde_json::to_value(&inner.state).unwrap_or_default()),
        (&Method::POST, "/state") => match req.json().map_err(bad).and_then(|p| inner.state.merge_json(&p).map_err(bad)) {
            Ok(()) => ok(serde_json::to_value(&inner.state).unwrap_or_default()),
            Err(r) => r,
        },
        (&Method::PUT, "/state") => match req.json().map_err(bad).and_then(|v| FakeState::from_json(v).map_err(bad)) {
            Ok(s) => {
                inner.state = s;
                ok(serde_json::to_value(&inner.state).unwrap_or_default())
            }
            Err(r) => r,
        },
        (&Method::POST, "/reset") => {
            inner.reset();
            ok(json!({}))
        }

        (&Method::POST, "/buckets/generate") => match parse::<GenerateBuckets>(req) {
            Ok(spec) => {
                let total = inner.state.generate_buckets(&spec);
                ok(json!({"generated": spec.count, "total": total}))
            }
            Err(r) => r,
        },
        (&Method::DELETE, "/buckets") => {
            inner.state.buckets.clear();
            ok(json!({"total": 0}))
        }

        (&Method::GET, "/faults") => ok(serde_json::to_value(&inner.faults.entries).unwrap_or_default()),
        (&Method::POST | &Method::PUT, "/faults") => match parse_faults(req) {
            Ok(list) => {
                if *m == Method::PUT {
                    inner.faults.clear();
                }
                for f in list {
                    inner.faults.add(f);
                }
                ok(serde_json::to_value(&inner.faults.entries).unwrap_or_default())
            }
            Err(r) => r,
        },
        (&Method::DELETE, "/faults") => {
            inner.faults.clear();
            ok(json!([]))
        }

        (&Method::POST, "/sso/token") => match parse::<IssueTokenRequest>(req) {
            Ok(r) => ok(serde_json::to_value(oidc::issue_sso_token(inner, &r)).unwrap_or_default()),
            Err(r) => r,
        },
        (&Method::POST, "/sso/revoke") => match parse::<SessionSelector>(req) {
            Ok(sel) => ok(json!({"revoked": inner.store.revoke(&sel)})),
            Err(r) => r,
        },
        (&Method::POST, "/sso/expire") => match parse::<SessionSelector>(req) {
            Ok(sel) => ok(json!({"expired": inner.store.expire_access_tokens(&sel)})),
            Err(r) => r,
        },

        (&Method::POST, "/device/approve" | "/device/deny") => {
            let code =
                req.json().ok().and_then(|v| v.get("userCode").or_else(|| v.get("user_code")).and_then(Value::as_str).map(str::to_string));
            match code {
                Some(c) => {
                    let found = oidc::decide_device(inner, &c, path.ends_with("approve"));
                    if found {
                        ok(json!({"ok": true}))
                    } else {
                        http::json(C, 404, &json!({"error": "NotFound", "message": "no pending device authorization with that user code"}))
                    }
                }
                None => bad("body must be {\"userCode\": \"ABCD-EFGH\"}"),
            }
        }

        (&Method::GET, "/secrets") => ok(json!(secrets(inner))),
        (&Method::GET, "/requests") => {
            let limit = req.q("limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(usize::MAX);
            let skip = inner.store.log.len().saturating_sub(limit);
            ok(serde_json::to_value(inner.store.log.iter().skip(skip).collect::<Vec<_>>()).unwrap_or_default())
        }
        (&Method::DELETE, "/requests") => {
            inner.store.log.clear();
            ok(json!([]))
        }
        (&Method::GET, "/clients") => {
            let list: Vec<_> = inner.store.client_order.iter().filter_map(|id| inner.store.clients.get(id)).map(|c| &c.info).collect();
            ok(serde_json::to_value(list).unwrap_or_default())
        }
        (&Method::GET, "/sessions") => ok(serde_json::to_value(&inner.store.sessions).unwrap_or_default()),

        (&Method::GET, "/clock") => ok(clock(inner)),
        (&Method::POST, "/clock") => {
            let v = req.json().unwrap_or_default();
            if let Some(a) = v.get("advance_secs").and_then(Value::as_i64) {
                inner.store.clock_offset_secs += a;
            } else if let Some(o) = v.get("offset_secs").and_then(Value::as_i64) {
                inner.store.clock_offset_secs = o;
            } else {
                return bad("body must be {\"advance_secs\": N} or {\"offset_secs\": N}");
            }
            ok(clock(inner))
        }

        _ => http::json(C, 404, &json!({"error": "NotFound", "message": format!("no control endpoint {} {}", m, req.path)})),
    }
}

/// Plays a browser: GETs `url`, following up to 5 redirects. Returns every hop.
pub fn browse(url: &str) -> Value {
    let mut hops = Vec::new();
    let mut url = url.to_string();
    for _ in 0..6 {
        match crate::client::get(&url) {
            Ok(r) => {
                let location = r.header("location").map(str::to_string);
                hops.push(json!({"url": url, "status": r.status, "location": location}));
                match location {
                    Some(l) if (300..400).contains(&r.status) => url = l,
                    _ => return json!({"ok": true, "status": r.status, "body": r.text(), "hops": hops}),
                }
            }
            Err(e) => {
                hops.push(json!({"url": url, "error": e.to_string()}));
                return json!({"ok": false, "error": e.to_string(), "hops": hops});
            }
        }
    }
    json!({"ok": false, "error": "too many redirects", "hops": hops})
}
