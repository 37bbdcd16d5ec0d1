//! The loopback listener of the PKCE login: it waits for the browser's redirect to
//! `http://127.0.0.1:PORT/oauth/callback` and answers with a page a person reads.
//!
//! Every connection is served on its own task under an overall deadline, so a connection that
//! sends nothing (browsers open speculative ones) or trickles bytes cannot hold up the login.
//! Only a callback that carries this login's `state` can end it; any other request gets an
//! answer (404, or 400 for a foreign state) and the listener keeps waiting.

use crate::error::{Error, Status};
use crate::secret::SecretString;
use std::collections::HashMap;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// The longest one connection may take to send its request.
pub const CONNECTION_DEADLINE: Duration = Duration::from_secs(5);
const MAX_REQUEST: usize = 16 * 1024;

/// How a callback ended the login.
enum Outcome {
    Code(SecretString),
    Failed(Error),
}

/// Waits for the callback that carries `csrf_state` and returns its authorization code.
/// `target` names the profile or session in the pages ("profile 'dev'").
pub async fn wait_for_code(listener: TcpListener, csrf_state: String, target: String) -> Result<SecretString, Error> {
    let (tx, mut rx) = mpsc::channel::<Outcome>(4);
    let page_context = std::sync::Arc::new((csrf_state, target));
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = accepted.map_err(|e| Error::new(Status::Io, format!("The login callback listener failed: {e}")))?;
                let (tx, page_context) = (tx.clone(), page_context.clone());
                tokio::spawn(async move {
                    let served = tokio::time::timeout(CONNECTION_DEADLINE, serve(stream, &page_context.0, &page_context.1)).await;
                    if let Ok(Some(outcome)) = served {
                        let _ = tx.send(outcome).await;
                    }
                });
            }
            Some(outcome) = rx.recv() => {
                return match outcome {
                    Outcome::Code(code) => Ok(code),
                    Outcome::Failed(e) => Err(e),
                };
            }
        }
    }
}

/// Serves one connection; returns an outcome only for a callback of this login.
async fn serve(mut stream: TcpStream, csrf_state: &str, target: &str) -> Option<Outcome> {
    let request = read_request(&mut stream).await?;
    let (method, path, query) = request;
    if method != "GET" || path != "/oauth/callback" {
        respond(&mut stream, "404 Not Found", &Page::not_found()).await;
        return None;
    }
    let params = parse_query(&query);
    let state_ok = params.get("state").is_some_and(|s| constant_time_eq(s.as_bytes(), csrf_state.as_bytes()));
    if !state_ok {
        respond(&mut stream, "400 Bad Request", &Page::foreign_state()).await;
        return None;
    }
    if let Some(err) = params.get("error") {
        respond(&mut stream, "200 OK", &Page::denied(target)).await;
        let safe: String = err.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(64).collect();
        return Some(Outcome::Failed(Error::with_code(
            Status::AccessDenied,
            "LoginDenied",
            format!("The SSO login for {target} was not approved ({safe})."),
        )));
    }
    match params.get("code") {
        Some(code) if !code.is_empty() => {
            respond(&mut stream, "200 OK", &Page::complete(target)).await;
            Some(Outcome::Code(SecretString::new(code.clone())))
        }
        _ => {
            respond(&mut stream, "400 Bad Request", &Page::no_code(target)).await;
            Some(Outcome::Failed(Error::with_code(
                Status::ServiceError,
                "LoginNoCode",
                "The login callback carried no authorization code.",
            )))
        }
    }
}

/// Reads the request line and headers; `None` when the peer sends nothing usable.
async fn read_request(stream: &mut TcpStream) -> Option<(String, String, String)> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while buf.len() < MAX_REQUEST && !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk).await {
            Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&buf);
    let line = text.lines().next()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?, parts.next()?);
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    Some((method.to_string(), path.to_string(), query.to_string()))
}

fn parse_query(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                Ok(b) => {
                    out.push(b);
                    i += 2;
                }
                Err(_) => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

/// A page for the user's browser: fixed text plus the profile or session name, never a code or
/// token; self-contained (no external resources).
pub struct Page {
    pub title: &'static str,
    pub heading: &'static str,
    pub lines: Vec<String>,
    pub ok: bool,
}

impl Page {
    pub fn complete(target: &str) -> Page {
        Page {
            title: "Login complete - AWS.Tools.RustSSO",
            heading: "Login complete",
            lines: vec![
                format!("You are signed in to AWS IAM Identity Center for {}.", escape(target)),
                "You can close this window and return to PowerShell.".into(),
            ],
            ok: true,
        }
    }

    pub fn denied(target: &str) -> Page {
        Page {
            title: "Login failed - AWS.Tools.RustSSO",
            heading: "Login not approved",
            lines: vec![
                format!("The login for {} was not approved, so nothing was saved.", escape(target)),
                "You can close this window. To try again, run <code>Invoke-AWSSSOLogin</code> in PowerShell.".into(),
            ],
            ok: false,
        }
    }

    pub fn no_code(target: &str) -> Page {
        Page {
            title: "Login failed - AWS.Tools.RustSSO",
            heading: "Login failed",
            lines: vec![
                format!("The sign-in response for {} carried no authorization code, so nothing was saved.", escape(target)),
                "You can close this window. To try again, run <code>Invoke-AWSSSOLogin</code> in PowerShell.".into(),
            ],
            ok: false,
        }
    }

    pub fn foreign_state() -> Page {
        Page {
            title: "Login failed - AWS.Tools.RustSSO",
            heading: "Not this login",
            lines: vec![
                "This sign-in response did not match the login that PowerShell is waiting for, so it was refused.".into(),
                "If you started a login, finish it in the window that the login opened, or run <code>Invoke-AWSSSOLogin</code> again."
                    .into(),
            ],
            ok: false,
        }
    }

    pub fn not_found() -> Page {
        Page {
            title: "Not found - AWS.Tools.RustSSO",
            heading: "Not found",
            lines: vec!["This address only answers the AWS IAM Identity Center sign-in of AWS.Tools.RustSSO.".into()],
            ok: false,
        }
    }

    pub fn html(&self) -> String {
        let accent = if self.ok { "#1d8102" } else { "#d13212" };
        let body: String = self.lines.iter().map(|l| format!("<p>{l}</p>")).collect();
        format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title><style>body{{font-family:system-ui,-apple-system,Segoe UI,sans-serif;background:#f2f3f3;margin:0;padding:3em 1em;color:#16191f}}main{{max-width:36em;margin:auto;background:#fff;border-top:4px solid {accent};padding:1.5em 2em;box-shadow:0 1px 3px rgba(0,0,0,.2)}}h1{{font-size:1.4em;color:{accent}}}footer{{margin-top:2em;font-size:.85em;color:#545b64}}code{{background:#f2f3f3;padding:0 .2em}}</style></head><body><main><h1>{heading}</h1>{body}<footer>AWS.Tools.RustSSO</footer></main></body></html>",
            title = self.title,
            heading = self.heading,
        )
    }
}

/// HTML-escapes text that came from the config file.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

async fn respond(stream: &mut TcpStream, status: &str, page: &Page) {
    let body = page.html();
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nContent-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_the_name_and_hold_no_external_resource() {
        let html = Page::complete("profile '<x>'").html();
        assert!(html.contains("&#39;&lt;x&gt;&#39;"));
        assert!(html.contains("You can close this window"));
        assert!(!html.contains("http"), "no external resources");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn silent_connections_and_foreign_states_do_not_end_the_login() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let login = tokio::spawn(wait_for_code(listener, "right".into(), "profile 'p'".into()));
        // A connection that sends nothing, held open.
        let _silent = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let get = |path: &'static str| async move {
            let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
            s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).await.unwrap();
            let mut answer = String::new();
            s.read_to_string(&mut answer).await.unwrap();
            answer
        };
        let started = std::time::Instant::now();
        assert!(get("/favicon.ico").await.starts_with("HTTP/1.1 404"));
        let foreign = get("/oauth/callback?code=c&state=wrong").await;
        assert!(foreign.starts_with("HTTP/1.1 400") && foreign.contains("did not match"));
        let ok = get("/oauth/callback?code=the-code&state=right").await;
        assert!(ok.starts_with("HTTP/1.1 200") && ok.contains("Login complete"));
        let code = login.await.unwrap().unwrap();
        assert_eq!(code.expose(), "the-code");
        assert!(started.elapsed() < Duration::from_secs(2), "the silent connection held up the login");
    }
}
