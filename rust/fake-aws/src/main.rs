//! `fake-aws [--port N] [--state FILE.json] [--exit-on-stdin-eof]`
//!
//! Prints exactly one line, `FAKE_AWS_ENDPOINT=http://127.0.0.1:PORT`, once listening, then
//! serves until killed (or, with `--exit-on-stdin-eof`, until its stdin reaches end of file, so
//! that the fake dies with a parent holding the other end of a pipe).

use fake_aws::{FakeAws, FakeState};
use std::io::{Read, Write};

const USAGE: &str = "usage: fake-aws [--port N] [--state FILE.json] [--exit-on-stdin-eof]";

fn fail(msg: &str) -> ! {
    eprintln!("fake-aws: {msg}\n{USAGE}");
    std::process::exit(2)
}

fn main() {
    let mut port: u16 = 0;
    let mut state_file: Option<String> = None;
    let mut exit_on_eof = false;
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
