//! A local HTTP proxy in front of a [`FakeAws`](crate::FakeAws), for tests on the real AWS host
//! names with no endpoint overrides:
//!
//! - [`ProxyMode::Intercept`]: accepts `CONNECT` for any host, answers 200, terminates TLS with
//!   a certificate for the requested name issued by a test CA generated at start (its PEM is
//!   [`FakeProxy::ca_pem`]), and passes the decrypted requests to the fake; what a corporate
//!   proxy that inspects TLS does.
//! - [`ProxyMode::Forward`]: tunnels `CONNECT host:port` to that address unchanged.
//! - [`ProxyMode::Refuse`]: answers every request `407 Proxy Authentication Required`.
//!
//! With [`ProxyOptions::credentials`], a request without the matching basic
//! `Proxy-Authorization` gets 407. Every `CONNECT` target is logged ([`FakeProxy::connects`]).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyMode {
    Intercept,
    Forward,
    Refuse,
}

#[derive(Debug, Clone)]
pub struct ProxyOptions {
    pub mode: ProxyMode,
    /// Basic credentials the proxy requires (user, password).
    pub credentials: Option<(String, String)>,
}

/// One CONNECT the proxy saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    pub target: String,
    /// Whether a Proxy-Authorization header came with it.
    pub authorized: bool,
    /// The status line the proxy answered with (200 or 407).
    pub status: u16,
}

struct State {
    connects: Mutex<Vec<Connect>>,
    ca: rcgen::Issuer<'static, rcgen::KeyPair>,
    ca_pem: String,
    leaves: Mutex<HashMap<String, Arc<rustls::sign::CertifiedKey>>>,
    options: ProxyOptions,
    upstream: SocketAddr,
}

pub struct FakeProxy {
    addr: SocketAddr,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeProxy {
    /// Starts on a free port of 127.0.0.1, in front of the fake at `upstream`.
    pub fn start(upstream: SocketAddr, options: ProxyOptions) -> std::io::Result<FakeProxy> {
        let invalid = |e: rcgen::Error| std::io::Error::other(format!("test CA: {e}"));
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(invalid)?;
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.distinguished_name.push(rcgen::DnType::CommonName, "fake-aws test proxy CA");
        params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
        let key = rcgen::KeyPair::generate().map_err(invalid)?;
        let cert = params.self_signed(&key).map_err(invalid)?;
        let ca_pem = cert.pem();
        let ca = rcgen::Issuer::new(params, key);
        let state = Arc::new(State { connects: Mutex::default(), ca, ca_pem, leaves: Mutex::default(), options, upstream });
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (tx, mut rx) = oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let server_state = state.clone();
        let thread = std::thread::Builder::new().name("fake-aws-proxy".into()).spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
                loop {
                    tokio::select! {
                        _ = &mut rx => break,
                        accepted = listener.accept() => if let Ok((stream, _)) = accepted {
                            let state = server_state.clone();
                            tokio::spawn(async move { let _ = handle(state, stream).await; });
                        },
                    }
                }
            });
            runtime.shutdown_timeout(Duration::from_millis(200));
        })?;
        Ok(FakeProxy { addr, state, shutdown: Some(tx), thread: Some(thread) })
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The test CA's certificate (PEM): what a user's AWS_CA_BUNDLE would hold.
    pub fn ca_pem(&self) -> &str {
        &self.state.ca_pem
    }

    /// Every CONNECT seen, oldest first.
    pub fn connects(&self) -> Vec<Connect> {
        self.state.connects.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The host names CONNECT asked for (without ports), in order, once each.
    pub fn hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = Vec::new();
        for c in self.connects() {
            let host = c.target.rsplit_once(':').map(|(h, _)| h.to_string()).unwrap_or(c.target);
            if !hosts.contains(&host) {
                hosts.push(host);
            }
        }
        hosts
    }
}

impl Drop for FakeProxy {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads the request head (up to the blank line); what follows it stays in the stream.
async fn read_head(stream: &mut tokio::net::TcpStream) -> std::io::Result<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await? == 0 || head.len() > 16 * 1024 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no request head"));
        }
        head.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

fn authorized(head: &str, expected: &Option<(String, String)>) -> (bool, bool) {
    use base64::Engine;
    let given = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim().eq_ignore_ascii_case("proxy-authorization").then(|| value.trim().to_string())
    });
    let ok = match expected {
        None => true,
        Some((user, password)) => {
            let want = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")));
            given.as_deref() == Some(want.as_str())
        }
    };
    (given.is_some(), ok)
}

async fn handle(state: Arc<State>, mut stream: tokio::net::TcpStream) -> std::io::Result<()> {
    let head = read_head(&mut stream).await?;
    let first = head.lines().next().unwrap_or_default().to_string();
    let mut parts = first.split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default().to_string(), parts.next().unwrap_or_default().to_string());
    let (has_auth, auth_ok) = authorized(&head, &state.options.credentials);
    let refuse = state.options.mode == ProxyMode::Refuse || !auth_ok;
    let status = if refuse { 407 } else { 200 };
    if method.eq_ignore_ascii_case("CONNECT") {
        state.connects.lock().unwrap_or_else(|p| p.into_inner()).push(Connect { target: target.clone(), authorized: has_auth, status });
    }
    if refuse {
        stream
            .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"fake-aws\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await?;
        return Ok(());
    }
    if !method.eq_ignore_ascii_case("CONNECT") {
        stream.write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await?;
        return Ok(());
    }
    match state.options.mode {
        ProxyMode::Forward => {
            let mut upstream = tokio::net::TcpStream::connect(target.as_str()).await?;
            stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await?;
            tokio::io::copy_bidirectional(&mut stream, &mut upstream).await?;
        }
        ProxyMode::Intercept => {
            stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await?;
            let config = server_config(state.clone());
            let mut tls = tokio_rustls::TlsAcceptor::from(config).accept(stream).await?;
            let mut upstream = tokio::net::TcpStream::connect(state.upstream).await?;
            tokio::io::copy_bidirectional(&mut tls, &mut upstream).await?;
        }
        ProxyMode::Refuse => {}
    }
    Ok(())
}

/// Certificates for any name, issued by the test CA on first use.
#[derive(Debug)]
struct AnyName(Arc<StateRef>);

struct StateRef(Arc<State>);

impl std::fmt::Debug for StateRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("fake-aws proxy CA")
    }
}

impl rustls::server::ResolvesServerCert for AnyName {
    fn resolve(&self, hello: rustls::server::ClientHello<'_>) -> Option<Arc<rustls::sign::CertifiedKey>> {
        let name = hello.server_name().unwrap_or("localhost").to_string();
        let state = &self.0 .0;
        let mut leaves = state.leaves.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = leaves.get(&name) {
            return Some(k.clone());
        }
        let params = rcgen::CertificateParams::new(vec![name.clone()]).ok()?;
        let key = rcgen::KeyPair::generate().ok()?;
        let cert = params.signed_by(&key, &state.ca).ok()?;
        let der_key = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).ok()?;
        let signing = rustls::crypto::aws_lc_rs::sign::any_supported_type(&der_key).ok()?;
        let certified = Arc::new(rustls::sign::CertifiedKey::new(vec![cert.der().clone()], signing));
        leaves.insert(name, certified.clone());
        Some(certified)
    }
}

fn server_config(state: Arc<State>) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the default TLS provider supports the default protocol versions")
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(AnyName(Arc::new(StateRef(state)))));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}
