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

/// A mark that a writer leaves in the sections it owns (`key = value`), so that a rerun edits
/// or removes them and never touches a section it did not write.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Owner {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditParams {
    /// The file to edit (default: AWS_CONFIG_FILE or ~/.aws/config).
    pub path: Option<String>,
    #[serde(default)]
    pub sections: Vec<SectionEdit>,
    /// Sections to delete; only those that carry the owner's mark.
    #[serde(default)]
    pub remove: Vec<String>,
    /// With an owner, an existing section without its mark is left alone (reported as skipped).
    pub owner: Option<Owner>,
    /// With an owner: also delete every section with its mark that `sections` does not name.
    #[serde(default)]
    pub prune: bool,
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
    /// Sections left alone: they exist and do not carry the owner's mark.
    pub skipped: Vec<String>,
    /// Sections deleted (or, in a dry run, that would be).
    pub removed: Vec<String>,
    /// Sections added or changed (or, in a dry run, that would be).
    pub sections_written: Vec<String>,
    /// With an owner: sections not written because a value cannot be (the others are).
    pub rejected: Vec<Rejected>,
}

/// A section an owner's edit left out because one of its values cannot be written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejected {
    pub section: String,
    /// Names the key and the reason; never the value's text beyond what the key says.
    pub reason: String,
}

/// What an edit did to the text besides the new text itself.
#[derive(Debug, Default, PartialEq)]
pub struct EditOutcome {
    pub text: String,
    pub skipped: Vec<String>,
    pub removed: Vec<String>,
    pub written: Vec<String>,
    pub rejected: Vec<Rejected>,
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

/// The value part of a line split into the value and an inline comment, exactly as aws-config
/// reads it: a `#` or `;` after any whitespace starts the comment, and only spaces and tabs are
/// trimmed. The comment (with the whitespace before it) is kept when the value changes.
fn split_comment(value: &str) -> (&str, &str) {
    const TRIMMED: &[char] = &[' ', '\t'];
    let mut prev_whitespace = false;
    for (i, c) in value.char_indices() {
        if (c == '#' || c == ';') && prev_whitespace {
            let start = value[..i].trim_end_matches(TRIMMED).len();
            return (value[..start].trim_matches(TRIMMED), &value[start..]);
        }
        prev_whitespace = c.is_whitespace();
    }
    (value.trim_matches(TRIMMED), "")
}

/// Why a value cannot be written so that every parser (aws-config, botocore, the .NET SDK)
/// reads it back as given, if it cannot: line breaks and other controls, whitespace at either
/// end (Python strips Unicode spaces, aws-config only spaces and tabs), and a `#` or `;` that
/// starts the value or follows whitespace (an inline comment to aws-config, text to botocore).
pub fn unwritable_value(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        return Some("it is empty");
    }
    if value.chars().any(char::is_control) {
        return Some("it contains a line break or another control character");
    }
    if value.trim() != value {
        return Some("it starts or ends with whitespace");
    }
    let mut prev_whitespace = true;
    for c in value.chars() {
        if (c == '#' || c == ';') && prev_whitespace {
            return Some("a '#' or ';' at its start or after whitespace would be read as a comment by some tools");
        }
        prev_whitespace = c.is_whitespace();
    }
    None
}

/// Every (start, end) range of a section with this (normalised) header, in file order; the
/// range runs to the next section header.
fn section_ranges(lines: &[Line], header: &str) -> Vec<(usize, usize)> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| normalise_header(&l.text).as_deref() == Some(header))
        .map(|(start, _)| {
            let end =
                lines[start + 1..].iter().position(|l| l.text.trim_start().starts_with('[')).map(|i| start + 1 + i).unwrap_or(lines.len());
            (start, end)
        })
        .collect()
}

/// Whether a section range carries the owner's mark.
fn carries(lines: &[Line], (start, end): (usize, usize), owner: &Owner) -> bool {
    (start + 1..end).any(|i| {
        line_key(&lines[i].text) == Some(owner.key.as_str())
            && lines[i].text.split_once('=').map(|(_, v)| split_comment(v).0 == owner.value).unwrap_or(false)
    })
}

fn normalise_name(header: &str) -> String {
    header.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Applies the edits to `text` and returns the new text. Every line keeps its own ending (new
/// lines take the file's most common one). When a section appears more than once, the value
/// that the parsers use (the last one) is the one edited; a new key goes into the last of them.
pub fn edit_text(text: &str, sections: &[SectionEdit]) -> Result<String> {
    Ok(edit_owned(text, sections, &[], None, false)?.text)
}

/// Every section header of the text that carries the owner's mark, once each, in file order.
fn owned_headers(lines: &[Line], owner: &Owner) -> Vec<String> {
    let mut headers: Vec<String> = Vec::new();
    for line in lines {
        if let Some(h) = normalise_header(&line.text) {
            if !headers.contains(&h) && section_ranges(lines, &h).into_iter().any(|r| carries(lines, r, owner)) {
                headers.push(h);
            }
        }
    }
    headers
}

/// [`edit_text`], and with an owner: an existing section without the owner's mark is skipped,
/// and the sections in `remove` are deleted where they carry the mark (all their occurrences).
pub fn edit_owned(text: &str, sections: &[SectionEdit], remove: &[String], owner: Option<&Owner>, prune: bool) -> Result<EditOutcome> {
    let mut outcome = EditOutcome::default();
    let mut lines = split_lines(text);
    if let Some(owner) = owner {
        let mut remove: Vec<String> = remove.to_vec();
        if prune {
            let kept: Vec<String> = sections.iter().map(|s| normalise_name(&s.header)).collect();
            remove.extend(owned_headers(&lines, owner).into_iter().filter(|h| !kept.contains(h)));
        }
        for header in &remove {
            let header = normalise_name(header);
            let owned: Vec<(usize, usize)> = section_ranges(&lines, &header).into_iter().filter(|r| carries(&lines, *r, owner)).collect();
            if owned.is_empty() {
                continue;
            }
            for (start, end) in owned.into_iter().rev() {
                lines.drain(start..end);
            }
            if !outcome.removed.contains(&header) {
                outcome.removed.push(header);
            }
        }
    }
    let crlf = lines.iter().filter(|l| l.ending == "\r\n").count();
    let lf = lines.iter().filter(|l| l.ending == "\n").count();
    let newline: &'static str = if crlf > lf { "\r\n" } else { "\n" };
    for section in sections {
        let header = section.header.split_whitespace().collect::<Vec<_>>().join(" ");
        if !valid_token(&header) {
            return Err(Error::invalid_request(format!("'{}' is not a valid section name.", section.header)));
        }
        let unwritable = section.values.iter().find_map(|(k, v)| {
            if !valid_token(k) || k.contains(' ') {
                return Some(format!("'{k}' in [{header}] is not a valid key name."));
            }
            unwritable_value(v).map(|why| format!("The value for '{k}' in [{header}] cannot be written: {why}."))
        });
        if let Some(reason) = unwritable {
            // A writer that owns many sections (Sync-AWSSSOProfile) writes the others and
            // reports this one; a single edit fails as a whole.
            if owner.is_none() {
                return Err(Error::invalid_request(reason));
            }
            outcome.rejected.push(Rejected { section: header, reason });
            continue;
        }
        let ranges = section_ranges(&lines, &header);
        if let (Some(owner), Some(last)) = (owner, ranges.last()) {
            if !carries(&lines, *last, owner) {
                outcome.skipped.push(header);
                continue;
            }
        }
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
            outcome.written.push(header);
            continue;
        }
        let (last_start, last_end) = *ranges.last().unwrap_or(&(0, 0));
        let last_content = (last_start + 1..last_end).rfind(|&i| !lines[i].text.trim().is_empty()).unwrap_or(last_start);
        let mut insert_at = last_content + 1;
        let mut changed = false;
        for (k, v) in &section.values {
            // With an owner only its own (the last) section is edited, never a copy before it.
            let searched: &[(usize, usize)] = if owner.is_some() { &ranges[ranges.len() - 1..] } else { &ranges };
            let existing = searched.iter().flat_map(|(s, e)| s + 1..*e).rfind(|&i| line_key(&lines[i].text) == Some(k.as_str()));
            match existing {
                Some(i) => {
                    let line = &lines[i].text;
                    let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
                    let value_part = line.split_once('=').map(|(_, val)| val).unwrap_or("");
                    let (current, comment) = split_comment(value_part);
                    if current != v {
                        // The comment must stay a comment after the new value (the whitespace
                        // that made it one may have belonged to the old value).
                        let gap = if comment.is_empty() || comment.starts_with([' ', '\t']) { "" } else { " " };
                        let updated = format!("{indent}{k} = {v}{gap}{comment}");
                        lines[i].text = updated;
                        changed = true;
                    }
                }
                None => {
                    if insert_at > 0 && lines[insert_at - 1].ending.is_empty() {
                        lines[insert_at - 1].ending = newline;
                    }
                    lines.insert(insert_at, Line { text: format!("{k} = {v}"), ending: newline });
                    insert_at += 1;
                    changed = true;
                }
            }
        }
        if changed {
            outcome.written.push(header);
        }
    }
    let mut out = String::with_capacity(text.len() + 64);
    for l in &lines {
        out.push_str(&l.text);
        out.push_str(l.ending);
    }
    outcome.text = out;
    Ok(outcome)
}

pub fn edit(call: &crate::context::Call, p: EditParams) -> Result<EditResult> {
    // -ProfileLocation (resolved by PowerShell), AWS_CONFIG_FILE or ~/.aws/config; `~` expanded
    // as aws-config expands it for reading, so edits land in the file that is read.
    let path: PathBuf = crate::config::ProfileSource::new(p.path.as_deref(), &call.env).config_file(&call.env)?;
    // The file a symbolic link points to is the one replaced, so it is also the one locked: two
    // writers that reach one file through different links are serialised.
    let path = resolve_links(&path);
    // Our writers take a lock beside the file, and the file is read under it, so two edits at
    // once (two PowerShell sessions, say) are applied one after the other and lose nothing.
    let _lock = if p.dry_run { None } else { Some(lock_config(&path)?) };
    // Other writers (the AWS CLI's `aws configure`) take no lock: the file is read again just
    // before it is replaced, and when it changed in the meantime the edit is made again on the
    // new text, so their change is kept.
    let mut attempts = 0;
    let (before, outcome) = loop {
        attempts += 1;
        let before = read_config(&path)?;
        let outcome = apply(&before, &p)?;
        if p.dry_run || before == outcome.text {
            break (before, outcome);
        }
        #[cfg(feature = "test-hooks")]
        if let Some(ms) = call.env.get("AWS_TOOLS_RUSTSSO_TEST_CONFIG_EDIT_DELAY_MS").and_then(|v| v.parse::<u64>().ok()) {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        if read_config(&path)? == before {
            break (before, outcome);
        }
        if attempts >= 5 {
            return Err(Error::new(
                Status::Io,
                format!(
                    "'{}' kept changing while it was edited (another program is writing it); nothing was written. Try again.",
                    path.display()
                ),
            ));
        }
    };
    let after = outcome.text;
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    let mut diff = Vec::new();
    for l in &old {
        if !new.contains(l) {
            diff.push(format!("-{}", shown(l)));
        }
    }
    for l in &new {
        if !old.contains(l) {
            diff.push(format!("+{}", shown(l)));
        }
    }
    let changed = before != after;
    let mut written = false;
    if changed && !p.dry_run {
        let mode = std::fs::metadata(&path).map(|m| m.permissions()).ok();
        crate::token_cache::write_keeping_security(&path, after.as_bytes())?;
        if let Some(perms) = mode {
            let _ = std::fs::set_permissions(&path, perms);
        }
        written = true;
    }
    Ok(EditResult {
        path: path.to_string_lossy().to_string(),
        changed,
        diff,
        written,
        skipped: outcome.skipped,
        removed: outcome.removed,
        sections_written: outcome.written,
        rejected: outcome.rejected,
    })
}

/// A line as the diff shows it (-Verbose, -WhatIf): the value of a secret key (a section that
/// -Prune removes may hold one a user added by hand) is never shown.
fn shown(line: &str) -> String {
    const SECRET_KEYS: [&str; 3] = ["aws_secret_access_key", "aws_session_token", "aws_security_token"];
    match line_key(line) {
        Some(key) if SECRET_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) => format!("{key} = ****"),
        _ => line.to_string(),
    }
}

fn read_config(path: &std::path::Path) -> Result<String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Error::new(Status::Io, format!("Could not read '{}': {e}", path.display()))),
    }
}

/// The edit applied to a file's text. A byte order mark (Windows PowerShell 5.1 writes one) is
/// kept, but not taken for text.
fn apply(before: &str, p: &EditParams) -> Result<EditOutcome> {
    let (bom, body) = match before.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", before),
    };
    if let Some(owner) = &p.owner {
        if !valid_token(&owner.key) || owner.key.contains(' ') || owner.value.trim().is_empty() {
            return Err(Error::invalid_request("The owner mark of a config edit needs a key and a value."));
        }
    }
    let mut outcome = edit_owned(body, &p.sections, &p.remove, p.owner.as_ref(), p.prune)?;
    outcome.text = format!("{bom}{}", outcome.text);
    Ok(outcome)
}

/// The file a path names after following symbolic links (a file that does not exist yet: its
/// folder's links followed, so that its lock and its later replacement agree).
fn resolve_links(path: &std::path::Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return strip_verbatim(real);
    }
    match (path.parent().filter(|d| !d.as_os_str().is_empty()).map(std::fs::canonicalize), path.file_name()) {
        (Some(Ok(dir)), Some(name)) => strip_verbatim(dir).join(name),
        _ => path.to_path_buf(),
    }
}

/// `canonicalize` on Windows gives `\\?\C:\...`; messages and the AWS CLI use `C:\...`.
fn strip_verbatim(path: PathBuf) -> PathBuf {
    #[cfg(windows)]
    if let Some(rest) = path.to_str().and_then(|p| p.strip_prefix(r"\\?\")) {
        if rest.as_bytes().get(1) == Some(&b':') {
            return PathBuf::from(rest);
        }
    }
    path
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
    fn an_owner_edits_and_removes_only_its_own_sections() {
        let owner = Owner { key: "managed_by".into(), value: "sync corp".into() };
        let text = "[profile mine]\nsso_role_name = Old\nmanaged_by = sync corp\n\n[profile theirs]\nregion = eu-west-1\n\n[profile gone]\nmanaged_by = sync corp\n\n[profile kept]\nmanaged_by = sync other\n";
        let edits = vec![
            SectionEdit {
                header: "profile mine".into(),
                values: vec![("sso_role_name".into(), "New".into()), ("managed_by".into(), "sync corp".into())],
            },
            SectionEdit { header: "profile theirs".into(), values: vec![("sso_role_name".into(), "X".into())] },
            SectionEdit { header: "profile fresh".into(), values: vec![("managed_by".into(), "sync corp".into())] },
        ];
        let remove = vec!["profile gone".to_string(), "profile kept".to_string(), "profile theirs".to_string()];
        let out = edit_owned(text, &edits, &remove, Some(&owner), false).unwrap();
        assert_eq!(out.skipped, vec!["profile theirs".to_string()]);
        assert_eq!(out.removed, vec!["profile gone".to_string()]);
        assert_eq!(
            out.text,
            "[profile mine]\nsso_role_name = New\nmanaged_by = sync corp\n\n[profile theirs]\nregion = eu-west-1\n\n[profile kept]\nmanaged_by = sync other\n\n[profile fresh]\nmanaged_by = sync corp\n"
        );
        // Without an owner nothing is skipped or removed.
        let plain = edit_owned(text, &edits[1..2], &remove, None, false).unwrap();
        assert!(plain.skipped.is_empty() && plain.removed.is_empty());
        assert!(plain.text.contains("[profile theirs]\nregion = eu-west-1\nsso_role_name = X\n"));
        assert_eq!(out.written, vec!["profile mine".to_string(), "profile fresh".to_string()]);
        // Pruning removes every owned section the edit does not name, and nothing else.
        let pruned = edit_owned(text, &edits[..1], &[], Some(&owner), true).unwrap();
        assert_eq!(pruned.removed, vec!["profile gone".to_string()]);
        assert!(
            pruned.text.contains("[profile mine]") && pruned.text.contains("[profile theirs]") && pruned.text.contains("[profile kept]")
        );
        // A rerun with nothing new writes nothing.
        let again = edit_owned(&out.text, &edits, &[], Some(&owner), false).unwrap();
        assert_eq!(again.text, out.text);
        assert!(again.written.is_empty());
    }

    #[test]
    fn an_owner_never_edits_an_earlier_copy_of_its_section() {
        let owner = Owner { key: "managed_by".into(), value: "sync".into() };
        let text = "[profile x]\nregion = us-east-1\n\n[profile x]\nmanaged_by = sync\n";
        let edit = [SectionEdit { header: "profile x".into(), values: vec![("region".into(), "eu-west-1".into())] }];
        let out = edit_owned(text, &edit, &[], Some(&owner), false).unwrap();
        assert_eq!(out.text, "[profile x]\nregion = us-east-1\n\n[profile x]\nmanaged_by = sync\nregion = eu-west-1\n");
        // Without an owner the value the parsers use (the last one) is edited where it stands.
        assert_eq!(edit_text(text, &edit).unwrap(), "[profile x]\nregion = eu-west-1\n\n[profile x]\nmanaged_by = sync\n");
    }

    #[test]
    fn the_diff_never_shows_a_secret_value() {
        assert_eq!(shown("aws_secret_access_key = wJalrXUtnFEMI"), "aws_secret_access_key = ****");
        assert_eq!(shown("  AWS_SESSION_TOKEN=abc"), "AWS_SESSION_TOKEN = ****");
        assert_eq!(shown("region = eu-west-1"), "region = eu-west-1");
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

    #[test]
    fn values_are_compared_as_aws_config_reads_them_and_reruns_are_identical() {
        let owner = Owner { key: "managed_by".into(), value: "sync".into() };
        let edit = |role: &str| {
            vec![SectionEdit {
                header: "profile p".into(),
                values: vec![("sso_role_name".into(), role.into()), ("managed_by".into(), "sync".into())],
            }]
        };
        // A line whose comment follows a non-ASCII space: the value is what aws-config reads.
        let text = "[profile p]\nsso_role_name = Admin\u{a0}# note\nmanaged_by = sync\n";
        assert_eq!(split_comment(" Admin\u{a0}# note"), ("Admin\u{a0}", "# note"));
        let once = edit_owned(text, &edit("Admin\u{a0}"), &[], Some(&owner), false).unwrap();
        assert_eq!(once.rejected.len(), 1, "a value ending in a non-ASCII space is refused");
        assert_eq!(once.text, text);
        let renamed = edit_owned(text, &edit("Reader"), &[], Some(&owner), false).unwrap();
        assert_eq!(renamed.text, "[profile p]\nsso_role_name = Reader # note\nmanaged_by = sync\n");
        let again = edit_owned(&renamed.text, &edit("Reader"), &[], Some(&owner), false).unwrap();
        assert_eq!(again.text, renamed.text, "a rerun is byte-identical");
    }

    #[test]
    fn values_that_parsers_read_differently_are_refused_per_section() {
        let owner = Owner { key: "managed_by".into(), value: "sync".into() };
        for bad in ["R #c", "R\u{a0}#c", "R ;c", "#R", "R\nx", " R", "R\u{a0}", ""] {
            assert!(unwritable_value(bad).is_some(), "{bad:?}");
            let sections = vec![
                SectionEdit {
                    header: "profile bad".into(),
                    values: vec![("sso_role_name".into(), bad.into()), ("managed_by".into(), "sync".into())],
                },
                SectionEdit {
                    header: "profile good".into(),
                    values: vec![("sso_role_name".into(), "R#c".into()), ("managed_by".into(), "sync".into())],
                },
            ];
            let out = edit_owned("", &sections, &[], Some(&owner), false).unwrap();
            assert_eq!(out.rejected.iter().map(|r| r.section.as_str()).collect::<Vec<_>>(), vec!["profile bad"], "{bad:?}");
            assert_eq!(out.text, "[profile good]\nsso_role_name = R#c\nmanaged_by = sync\n", "the others are written");
            assert!(edit_text("", &sections[..1]).is_err(), "a single edit fails: {bad:?}");
        }
        for good in ["R#c", "ReadOnly", "a;b", "https://x/start", "R \u{e9}"] {
            assert_eq!(unwritable_value(good), None, "{good:?}");
        }
    }
}
