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

/// One line of the file and the line ending it had ("" for a last line without one).
struct Line {
    text: String,
    ending: &'static str,
}

fn split_lines(text: &str) -> Vec<Line> {
    text.split_inclusive('\n')
        .map(|piece| {
            if let Some(t) = piece.strip_suffix("\r\n") {
                Line { text: t.to_string(), ending: "\r\n" }
            } else if let Some(t) = piece.strip_suffix('\n') {
                Line { text: t.to_string(), ending: "\n" }
            } else {
                Line { text: piece.to_string(), ending: "" }
            }
        })
        .collect()
}

/// The key of a `key = value` line, unless the line is a comment or a section header.
fn line_key(line: &str) -> Option<&str> {
    let l = line.trim_start();
    if l.starts_with('#') || l.starts_with(';') || l.starts_with('[') {
        return None;
    }
    l.split_once('=').map(|(key, _)| key.trim())
}

/// The value part of a line split into the value and an inline comment (whitespace followed by
/// `#` or `;`, as the AWS config parsers read it), which is kept when the value changes.
fn split_comment(value: &str) -> (&str, &str) {
    let bytes = value.as_bytes();
    for i in 1..bytes.len() {
        if (bytes[i] == b'#' || bytes[i] == b';') && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
            let start = value[..i].trim_end().len();
            return (value[..start].trim(), &value[start..]);
        }
    }
    (value.trim(), "")
}

/// Applies the edits to `text` and returns the new text. Every line keeps its own ending (new
/// lines take the file's most common one). When a section appears more than once, the value
/// that the parsers use (the last one) is the one edited; a new key goes into the last of them.
pub fn edit_text(text: &str, sections: &[SectionEdit]) -> Result<String> {
    let mut lines = split_lines(text);
    let crlf = lines.iter().filter(|l| l.ending == "\r\n").count();
    let lf = lines.iter().filter(|l| l.ending == "\n").count();
    let newline: &'static str = if crlf > lf { "\r\n" } else { "\n" };
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
        // Every (start, end) range of a section with this header, in file order.
        let ranges: Vec<(usize, usize)> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| normalise_header(&l.text).as_deref() == Some(header.as_str()))
            .map(|(start, _)| {
                let end = lines[start + 1..]
                    .iter()
                    .position(|l| l.text.trim_start().starts_with('['))
                    .map(|i| start + 1 + i)
                    .unwrap_or(lines.len());
                (start, end)
            })
            .collect();
        if ranges.is_empty() {
            while lines.last().is_some_and(|l| l.text.trim().is_empty()) {
                lines.pop();
            }
            if let Some(last) = lines.last_mut() {
                if last.ending.is_empty() {
                    last.ending = newline;
                }
                lines.push(Line { text: String::new(), ending: newline });
            }
            lines.push(Line { text: format!("[{header}]"), ending: newline });
            for (k, v) in &section.values {
                lines.push(Line { text: format!("{k} = {v}"), ending: newline });
            }
            continue;
        }
        let (last_start, last_end) = *ranges.last().unwrap_or(&(0, 0));
        let last_content = (last_start + 1..last_end).rfind(|&i| !lines[i].text.trim().is_empty()).unwrap_or(last_start);
        let mut insert_at = last_content + 1;
        for (k, v) in &section.values {
            let existing = ranges.iter().flat_map(|(s, e)| s + 1..*e).rfind(|&i| line_key(&lines[i].text) == Some(k.as_str()));
            match existing {
                Some(i) => {
                    let line = &lines[i].text;
                    let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
                    let value_part = line.split_once('=').map(|(_, val)| val).unwrap_or("");
                    let (current, comment) = split_comment(value_part);
                    if current != v {
                        let updated = format!("{indent}{k} = {v}{comment}");
                        lines[i].text = updated;
                    }
                }
                None => {
                    if insert_at > 0 && lines[insert_at - 1].ending.is_empty() {
                        lines[insert_at - 1].ending = newline;
                    }
                    lines.insert(insert_at, Line { text: format!("{k} = {v}"), ending: newline });
                    insert_at += 1;
                }
            }
        }
    }
    let mut out = String::with_capacity(text.len() + 64);
    for l in &lines {
        out.push_str(&l.text);
        out.push_str(l.ending);
    }
    Ok(out)
}

pub fn edit(call: &crate::context::Call, p: EditParams) -> Result<EditResult> {
    // -ProfileLocation (resolved by PowerShell), AWS_CONFIG_FILE or ~/.aws/config; `~` expanded
    // as aws-config expands it for reading, so edits land in the file that is read.
    let path: PathBuf = crate::config::ProfileSource::new(p.path.as_deref(), &call.env).config_file(&call.env)?;
    // Our writers take a lock beside the file, and the file is read under it, so two edits at
    // once (two PowerShell sessions, say) are applied one after the other and lose nothing.
    let _lock = if p.dry_run { None } else { Some(lock_config(&path)?) };
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

/// The lock of a config file's writers: `.<name>.lock` beside it.
fn lock_config(path: &std::path::Path) -> Result<crate::token_cache::CacheLock> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("config");
    crate::token_cache::lock(dir, &format!(".{name}"), std::time::Duration::from_secs(10))
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
        // The inline comment stays when the value changes.
        let region =
            edit_text(text, &[SectionEdit { header: "default".into(), values: vec![("region".into(), "eu-west-1".into())] }]).unwrap();
        assert_eq!(region, text.replace("region = us-east-1   # inline", "region = eu-west-1   # inline"));
        assert!(edit_text(text, &[SectionEdit { header: "x".into(), values: vec![("k".into(), "a\nb".into())] }]).is_err());
    }

    #[test]
    fn each_line_keeps_its_ending() {
        let text = "[default]\r\nregion = us-east-1\n[profile x]\r\noutput = json";
        let out =
            edit_text(text, &[SectionEdit { header: "profile x".into(), values: vec![("region".into(), "eu-west-1".into())] }]).unwrap();
        assert_eq!(out, "[default]\r\nregion = us-east-1\n[profile x]\r\noutput = json\r\nregion = eu-west-1\r\n");
    }

    #[test]
    fn the_section_that_wins_is_edited() {
        let text = "[profile d]\nregion = us-east-1\n\n[profile d]\nregion = eu-west-1\n";
        let out =
            edit_text(text, &[SectionEdit { header: "profile d".into(), values: vec![("region".into(), "ap-south-1".into())] }]).unwrap();
        assert_eq!(out, "[profile d]\nregion = us-east-1\n\n[profile d]\nregion = ap-south-1\n");
        let added = edit_text(text, &[SectionEdit { header: "profile d".into(), values: vec![("output".into(), "json".into())] }]).unwrap();
        assert_eq!(added, format!("{text}output = json\n"));
    }
}
