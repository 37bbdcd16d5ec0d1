//! Edits of the shared config file that keep everything else as it was: comments, blank lines,
//! ordering, spacing and every unrelated section and key. Only the lines of the keys being set
//! change (or are added); a missing section is appended. The file is replaced atomically.

use crate::error::{Error, Result, Status};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionEdit {
    /// The text between the brackets, e.g. `sso-session corp` or `profile dev` or `default`.
    pub header: String,
    /// Keys and values, in the order new keys are added.
    pub values: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditParams {
    /// The file to edit (default: AWS_CONFIG_FILE or ~/.aws/config).
    pub path: Option<String>,
    pub sections: Vec<SectionEdit>,
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Serialize)]
pub struct EditResult {
    pub path: String,
    pub changed: bool,
    /// The lines that differ, as "-old" / "+new", for -WhatIf.
    pub diff: Vec<String>,
    pub written: bool,
}

fn normalise_header(line: &str) -> Option<String> {
    let t = line.trim();
    let inner = t.strip_prefix('[')?.split(']').next()?;
    Some(inner.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn valid_token(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(|c| c.is_control() || c == '[' || c == ']' || c == '=' || c == '#' || c == ';')
}

/// Applies the edits to `text` and returns the new text.
pub fn edit_text(text: &str, sections: &[SectionEdit]) -> Result<String> {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for section in sections {
        let header = section.header.split_whitespace().collect::<Vec<_>>().join(" ");
        if !valid_token(&header) {
            return Err(Error::invalid_request(format!("'{}' is not a valid section name.", section.header)));
        }
        for (k, v) in &section.values {
            if !valid_token(k) || k.contains(' ') || v.chars().any(|c| c.is_control()) || v.trim() != v || v.is_empty() {
                return Err(Error::invalid_request(format!(
                    "The value for '{k}' in [{header}] is empty or contains characters a config file cannot hold."
                )));
            }
        }
        let start = lines.iter().position(|l| normalise_header(l).as_deref() == Some(header.as_str()));
        match start {
            None => {
                while lines.last().is_some_and(|l| l.trim().is_empty()) {
                    lines.pop();
                }
                if !lines.is_empty() {
                    lines.push(String::new());
                }
                lines.push(format!("[{header}]"));
                for (k, v) in &section.values {
                    lines.push(format!("{k} = {v}"));
                }
            }
            Some(start) => {
                let end =
                    lines[start + 1..].iter().position(|l| l.trim_start().starts_with('[')).map(|i| start + 1 + i).unwrap_or(lines.len());
                let mut last_content = start;
                for (i, line) in lines.iter().enumerate().take(end).skip(start + 1) {
                    if !line.trim().is_empty() {
                        last_content = i;
                    }
                }
                let mut insert_at = last_content + 1;
                for (k, v) in &section.values {
                    let existing = (start + 1..end).find(|&i| {
                        let l = lines[i].trim_start();
                        !l.starts_with('#') && !l.starts_with(';') && l.split_once('=').is_some_and(|(key, _)| key.trim() == k)
                    });
                    match existing {
                        Some(i) => {
                            let indent: String = lines[i].chars().take_while(|c| c.is_whitespace()).collect();
                            let current = lines[i].split_once('=').map(|(_, val)| val.trim()).unwrap_or("");
                            if current != v {
                                lines[i] = format!("{indent}{k} = {v}");
                            }
                        }
                        None => {
                            lines.insert(insert_at, format!("{k} = {v}"));
                            insert_at += 1;
                        }
                    }
                }
            }
        }
    }
    let mut out = lines.join(newline);
    if !out.is_empty() {
        out.push_str(newline);
    }
    Ok(out)
}

pub fn edit(call: &crate::context::Call, p: EditParams) -> Result<EditResult> {
    // -ProfileLocation (resolved by PowerShell), AWS_CONFIG_FILE or ~/.aws/config; `~` expanded
    // as aws-config expands it for reading, so edits land in the file that is read.
    let path: PathBuf = crate::config::ProfileSource::new(p.path.as_deref(), &call.env).config_file(&call.env)?;
    let before = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::new(Status::Io, format!("Could not read '{}': {e}", path.display()))),
    };
    // A byte order mark (Windows PowerShell 5.1 writes one) is kept, but not taken for text.
    let (bom, body) = match before.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", before.as_str()),
    };
    let after = format!("{bom}{}", edit_text(body, &p.sections)?);
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    let mut diff = Vec::new();
    for l in &old {
        if !new.contains(l) {
            diff.push(format!("-{l}"));
        }
    }
    for l in &new {
        if !old.contains(l) {
            diff.push(format!("+{l}"));
        }
    }
    let changed = before != after;
    let mut written = false;
    if changed && !p.dry_run {
        // Replace the file a symbolic link points to, not the link.
        let path = std::fs::canonicalize(&path).unwrap_or(path.clone());
        let mode = std::fs::metadata(&path).map(|m| m.permissions()).ok();
        crate::token_cache::write_atomic(&path, after.as_bytes())?;
        if let Some(perms) = mode {
            let _ = std::fs::set_permissions(&path, perms);
        }
        written = true;
    }
    Ok(EditResult { path: path.to_string_lossy().to_string(), changed, diff, written })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_only_the_intended_lines() {
        let text = "# my settings\n[default]\nregion = us-east-1   # inline\n\n[profile x]\n  output=json\n; comment\n\n[sso-session corp]\nsso_region = eu-west-1\nsso_start_url = https://old/start\n\n[services s]\ns3 =\n  endpoint_url = http://x\n";
        let edits = vec![SectionEdit {
            header: "sso-session  corp".into(),
            values: vec![
                ("sso_start_url".into(), "https://new/start".into()),
                ("sso_registration_scopes".into(), "sso:account:access".into()),
            ],
        }];
        let out = edit_text(text, &edits).unwrap();
        let expected = text.replace(
            "sso_start_url = https://old/start\n",
            "sso_start_url = https://new/start\nsso_registration_scopes = sso:account:access\n",
        );
        assert_eq!(out, expected);
        let appended =
            edit_text(text, &[SectionEdit { header: "profile new".into(), values: vec![("region".into(), "eu-west-2".into())] }]).unwrap();
        assert_eq!(appended, format!("{text}\n[profile new]\nregion = eu-west-2\n"));
        assert!(edit_text(text, &[SectionEdit { header: "x]".into(), values: vec![] }]).is_err());
        assert!(edit_text(text, &[SectionEdit { header: "x".into(), values: vec![("k".into(), "a\nb".into())] }]).is_err());
    }
}
