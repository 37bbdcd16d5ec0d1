//! JSON in the AWS CLI's style, which is Python's `json.dumps`: `", "` and `": "` separators (or
//! `","` and `":"` where the CLI passes compact separators), every character outside printable
//! ASCII escaped as `\uXXXX` (UTF-16, lowercase hex), keys in the order given.
//!
//! The token cache, the registration cache and the CLI's cache keys are written with it, so their
//! bytes (and SHA-1 keys) match what the AWS CLI writes.

use serde::ser::{Serialize, SerializeMap, Serializer};
use std::io;

/// A value of a CLI cache file: a string, a list of strings, or null.
#[derive(Debug, Clone, Copy)]
pub enum Field<'a> {
    Str(&'a str),
    List(&'a [String]),
    Null,
}

/// An object whose keys keep the order given.
pub struct Object<'a>(pub &'a [(&'a str, Field<'a>)]);

impl Serialize for Field<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Str(v) => s.serialize_str(v),
            Field::List(v) => v.serialize(s),
            Field::Null => s.serialize_none(),
        }
    }
}

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The separators of `json.dumps`: the default (`", "`, `": "`) or compact (`","`, `":"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Default,
    Compact,
}

struct PythonFormatter(Style);

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            w.write_all(if self.0 == Style::Default { b", " } else { b"," })
        }
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.begin_array_value(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.0 == Style::Default { b": " } else { b":" })
    }

    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        for c in fragment.chars() {
            if (' '..='~').contains(&c) {
                w.write_all(&[c as u8])?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(w, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// Serializes `value` as `json.dumps` would.
pub fn to_string<T: Serialize + ?Sized>(value: &T, style: Style) -> String {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonFormatter(style));
    // Serializing strings, lists and maps into memory cannot fail.
    let _ = value.serialize(&mut ser);
    // The formatter writes ASCII only.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_python() {
        let list = vec!["a".to_string(), "b\u{7f}".to_string()];
        let fields = [("k", Field::Str("\"q\" \\ \n\t\u{1}é😀/")), ("l", Field::List(&list)), ("n", Field::Null)];
        assert_eq!(
            to_string(&Object(&fields), Style::Default),
            r#"{"k": "\"q\" \\ \n\t\u0001\u00e9\ud83d\ude00/", "l": ["a", "b\u007f"], "n": null}"#
        );
        assert_eq!(to_string(&Object(&fields[1..]), Style::Compact), r#"{"l":["a","b\u007f"],"n":null}"#);
    }
}
