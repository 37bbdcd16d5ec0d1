//! `fake-aws [--port N] [--state FILE.json] [--exit-on-stdin-eof]
//!          [--proxy intercept|forward|refuse --proxy-ca FILE.pem [--proxy-credentials USER:PASS]]`
//!
//! Prints `FAKE_AWS_ENDPOINT=http://127.0.0.1:PORT` once listening (and with `--proxy`, then
//! `FAKE_AWS_PROXY=http://127.0.0.1:PORT`, its test CA written to `--proxy-ca`), then serves
//! until killed (or, with `--exit-on-stdin-eof`, until its stdin reaches end of file, so
//! that the fake dies with a parent holding the other end of a pipe).

use fake_aws::{FakeAws, FakeState};
use std::io::{Read, Write};

const USAGE: &str = "usage: fake-aws [--port N] [--state FILE.json] [--exit-on-stdin-eof] [--proxy intercept|forward|refuse --proxy-ca FILE.pem [--proxy-credentials USER:PASS]]";

fn fail(msg: &str) -> ! {
    eprintln!("fake-aws: {msg}\n{USAGE}");
    std::process::exit(2)
}

fn main() {
    let mut port: u16 = 0;
    let mut state_file: Option<String> = None;
    let mut exit_on_eof = false;
    let mut proxy_mode: Option<fake_aws::ProxyMode> = None;
    let mut proxy_ca: Option<String> = None;
    let mut proxy_credentials: Option<(String, String)> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| args.next()).unwrap_or_else(|| fail(&format!("{name} needs a value")));
        match name.as_str() {
            "--port" => port = value().parse().unwrap_or_else(|_| fail("--port must be a number 0-65535")),
            "--state" => state_file = Some(value()),
            "--exit-on-stdin-eof" => exit_on_eof = true,
            "--proxy" => {
                proxy_mode = Some(match value().as_str() {
                    "intercept" => fake_aws::ProxyMode::Intercept,
                    "forward" => fake_aws::ProxyMode::Forward,
                    "refuse" => fake_aws::ProxyMode::Refuse,
                    _ => fail("--proxy is intercept, forward or refuse"),
                })
            }
            "--proxy-ca" => proxy_ca = Some(value()),
            "--proxy-credentials" => {
                let v = value();
                let (user, password) = v.split_once(':').unwrap_or_else(|| fail("--proxy-credentials is USER:PASS"));
                proxy_credentials = Some((user.to_string(), password.to_string()));
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => fail(&format!("unknown argument {other}")),
        }
    }

    let state = match &state_file {
        None => FakeState::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path).unwrap_or_else(|e| fail(&format!("cannot read {path}: {e}")));
            let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| fail(&format!("{path}: {e}")));
            let mut s = FakeState::default();
            s.merge_json(&json).unwrap_or_else(|e| fail(&format!("{path}: {e}")));
            s
        }
    };

    let fake = FakeAws::bind(port, state).unwrap_or_else(|e| fail(&format!("cannot listen on 127.0.0.1:{port}: {e}")));
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "FAKE_AWS_ENDPOINT={}", fake.endpoint());
        let _ = out.flush();
    }
    let _proxy = proxy_mode.map(|mode| {
        let proxy = fake_aws::FakeProxy::start(fake.addr(), fake_aws::ProxyOptions { mode, credentials: proxy_credentials.clone() })
            .unwrap_or_else(|e| fail(&format!("cannot start the proxy: {e}")));
        let ca = proxy_ca.clone().unwrap_or_else(|| fail("--proxy needs --proxy-ca FILE.pem"));
        std::fs::write(&ca, proxy.ca_pem()).unwrap_or_else(|e| fail(&format!("cannot write {ca}: {e}")));
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "FAKE_AWS_PROXY={}", proxy.url());
        let _ = out.flush();
        proxy
    });

    if exit_on_eof {
        let mut sink = [0u8; 4096];
        let mut stdin = std::io::stdin().lock();
        loop {
            match stdin.read(&mut sink) {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        drop(fake);
    } else {
        loop {
            std::thread::park();
        }
    }
}
