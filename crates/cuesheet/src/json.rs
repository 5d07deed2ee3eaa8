//! A strict JSON tree, deserialized through serde so that serde_json reports `line:column`
//! for syntax errors *and* duplicate keys. Integers stay integers (`i64`, or `u64` above
//! `i64::MAX`) and everything else is `f64`, so `1.5`, `1e3` and `99999999999999999999`
//! can each get a specific message. Objects keep their entries in document order.
//!
//! [`read_tree`] is the one way from a file's bytes to that tree, for every format: the
//! encoding checks, then the tree, with each problem located.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{Location, Problem};

/// The UTF-8 byte-order mark, which a file may start with.
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes the bytes as UTF-8 (a BOM is skipped) and parses the strict JSON tree: encoding
/// problems are about the whole input; syntax errors and duplicate keys are at
/// `line:column`. `expected` names what an empty file should have been.
pub(crate) fn read_tree(bytes: &[u8], expected: &str) -> Result<Json, Problem> {
    let text = decode(bytes)?;
    if text.trim().is_empty() {
        return Err(Problem::whole(format!("empty file: expected {expected}")));
    }
    serde_json::from_str(text).map_err(|err| {
        let (line, column) = (err.line(), err.column());
        let full = err.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        Problem {
            location: Location::LineColumn { line, column },
            message,
        }
    })
}

/// Reads a JSON object typed by a person (a cue's or an effect's `params`) with the same
/// strict reader as the files: a repeated key is an error, and so is anything but an
/// object; the problem says where (`line:column`). Blank text is the empty object.
pub fn parse_object(text: &str) -> Result<serde_json::Map<String, serde_json::Value>, Problem> {
    if text.trim().is_empty() {
        return Ok(serde_json::Map::new());
    }
    match read_tree(text.as_bytes(), "a JSON object")? {
        tree @ Json::Object(_) => match tree.into_value() {
            serde_json::Value::Object(map) => Ok(map),
            _ => Err(Problem::whole("expected a JSON object")),
        },
        other => Err(Problem::whole(format!(
            "expected a JSON object, e.g. {{\"color\": \"#ffd700\"}}, got {}",
            other.describe()
        ))),
    }
}

fn decode(bytes: &[u8]) -> Result<&str, Problem> {
    if let Some(encoding) = wide_encoding(bytes) {
        return Err(Problem::whole(format!(
            "not UTF-8 text (looks like {encoding}); save the file as UTF-8"
        )));
    }
    let (body, skipped) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, UTF8_BOM.len()),
        None => (bytes, 0),
    };
    if let Some(at) = body.iter().position(|&b| b == 0) {
        return Err(Problem::whole(format!(
            "binary data, not JSON text (a NUL byte at byte {})",
            at + skipped
        )));
    }
    std::str::from_utf8(body).map_err(|err| {
        Problem::whole(format!(
            "invalid UTF-8 at byte {}; save the file as UTF-8",
            err.valid_up_to() + skipped
        ))
    })
}

/// Recognises UTF-16/UTF-32 by byte-order mark, or by the NUL pattern that ASCII JSON
/// text leaves in them.
pub(crate) fn wide_encoding(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] | [_, 0, 0, 0, ..] => Some("UTF-32 LE"),
        [0, 0, 0xFE, 0xFF, ..] | [0, 0, 0, _, ..] => Some("UTF-32 BE"),
        [0xFF, 0xFE, ..] => Some("UTF-16 LE"),
        [0xFE, 0xFF, ..] => Some("UTF-16 BE"),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => Some("UTF-16 LE"),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => Some("UTF-16 BE"),
        _ => None,
    }
}

/// A parsed JSON value with no duplicate keys.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    /// Any integer that fits `i64`.
    Int(i64),
    /// A non-negative integer above `i64::MAX`.
    UInt(u64),
    /// A number written with a fraction or exponent, or too large for `u64`.
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// The longest string quoted back in a message before it is shortened.
const QUOTE_CHARS: usize = 40;

impl Json {
    /// Describes the value for a "got ..." message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Json::Null => "null".into(),
            Json::Bool(b) => b.to_string(),
            Json::Int(n) => n.to_string(),
            Json::UInt(n) => n.to_string(),
            Json::Float(f) => format!("{f:?}"),
            Json::Str(s) => format!("a string {}", quote(s)),
            Json::Array(_) => "an array".into(),
            Json::Object(_) => "an object".into(),
        }
    }

    /// The tree of a `serde_json::Value` (the raw `effects` a show keeps), its numbers sorted
    /// as the reader sorts them: what [`Json::into_value`] made comes back as it was, so a
    /// kept value is checked as the text it came from.
    pub(crate) fn from_value(value: &serde_json::Value) -> Json {
        use serde_json::Value;
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Json::Int(i),
                (None, Some(u)) => Json::UInt(u),
                (None, None) => n.as_f64().map_or(Json::Null, Json::Float),
            },
            Value::String(s) => Json::Str(s.clone()),
            Value::Array(items) => Json::Array(items.iter().map(Json::from_value).collect()),
            Value::Object(map) => Json::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Json::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// Converts into a `serde_json::Value` (for `params` and `effects`, kept raw).
    pub(crate) fn into_value(self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Int(n) => Value::from(n),
            Json::UInt(n) => Value::from(n),
            // JSON text has no NaN or infinity, so `from_f64` always succeeds here.
            Json::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
            Json::Str(s) => Value::String(s),
            Json::Array(items) => Value::Array(items.into_iter().map(Json::into_value).collect()),
            Json::Object(entries) => Value::Object(object_into_map(entries)),
        }
    }
}

/// Converts object entries into a `serde_json::Map`, keeping their order.
pub(crate) fn object_into_map(
    entries: Vec<(String, Json)>,
) -> serde_json::Map<String, serde_json::Value> {
    entries
        .into_iter()
        .map(|(k, v)| (k, v.into_value()))
        .collect()
}

/// Quotes a string as JSON would, shortened to [`QUOTE_CHARS`] characters.
pub(crate) fn quote(s: &str) -> String {
    let short: String = s.chars().take(QUOTE_CHARS).collect();
    let quoted = serde_json::Value::String(short).to_string();
    if s.chars().count() > QUOTE_CHARS {
        format!("{quoted}…")
    } else {
        quoted
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

/// Objects up to this size are checked for duplicates by a linear scan.
const LINEAR_SCAN_KEYS: usize = 16;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
        Ok(Json::Int(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
        Ok(i64::try_from(n).map_or(Json::UInt(n), Json::Int))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Json, E> {
        Ok(Json::Float(f))
    }

    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::Str(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::Str(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries: Vec<(String, Json)> = Vec::new();
        let mut seen: Option<HashSet<String>> = None;
        while let Some(key) = map.next_key::<String>()? {
            let duplicate = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None => {
                    let dup = entries.iter().any(|(k, _)| *k == key);
                    if entries.len() >= LINEAR_SCAN_KEYS {
                        let mut set: HashSet<String> =
                            entries.iter().map(|(k, _)| k.clone()).collect();
                        set.insert(key.clone());
                        seen = Some(set);
                    }
                    dup
                }
            };
            if duplicate {
                return Err(de::Error::custom(format!("duplicate key {}", quote(&key))));
            }
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_object_is_read_as_strictly_as_a_file() {
        let map = parse_object(r##"{"color": "#ffd700", "count": 3}"##).unwrap();
        assert_eq!(map.len(), 2);
        assert!(
            parse_object("  ").unwrap().is_empty(),
            "blank is the empty object"
        );
        let dup = parse_object("{\"a\": 1,\n \"a\": 2}").unwrap_err();
        assert_eq!(dup.to_string(), "2:4: duplicate key \"a\"");
        let not = parse_object("[1]").unwrap_err();
        assert!(
            not.to_string().starts_with("expected a JSON object"),
            "{not}"
        );
        let bad = parse_object("{\"a\": }").unwrap_err();
        assert!(bad.to_string().starts_with("1:7: "), "{bad}");
    }

    #[test]
    fn keeps_integers_apart_from_floats() {
        let v: Json =
            serde_json::from_str("[1, -2, 1.5, 1e3, 18446744073709551615, 99999999999999999999]")
                .unwrap();
        assert_eq!(
            v,
            Json::Array(vec![
                Json::Int(1),
                Json::Int(-2),
                Json::Float(1.5),
                Json::Float(1000.0),
                Json::UInt(u64::MAX),
                Json::Float(1e20),
            ])
        );
    }

    #[test]
    fn duplicate_keys_are_syntax_errors_with_position() {
        let err = serde_json::from_str::<Json>("{\"a\": 1,\n \"a\": 2}").unwrap_err();
        assert_eq!(
            (err.line(), err.to_string().contains("duplicate key \"a\"")),
            (2, true)
        );
    }

    #[test]
    fn duplicate_keys_found_in_large_objects() {
        let mut text: String = (0..40).map(|i| format!("\"k{i}\": {i},")).collect();
        text.push_str("\"k3\": 0");
        let err = serde_json::from_str::<Json>(&format!("{{{text}}}")).unwrap_err();
        assert!(err.to_string().contains("duplicate key \"k3\""), "{err}");
        let ok: Json = serde_json::from_str(&format!("{{{}}}", &text[..text.len() - 8])).unwrap();
        assert!(matches!(ok, Json::Object(e) if e.len() == 40));
    }

    #[test]
    fn values_come_back_as_the_tree_they_were() {
        let tree: Json = serde_json::from_str(
            r#"{"i": -2, "u": 18446744073709551615, "f": 1e3, "g": 1.5, "s": "x",
                "a": [null, true, {"z": 0, "b": []}]}"#,
        )
        .unwrap();
        assert_eq!(Json::from_value(&tree.clone().into_value()), tree);
    }

    #[test]
    fn quote_shortens_long_strings() {
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
        assert_eq!(quote(&"x".repeat(50)), format!("\"{}\"…", "x".repeat(40)));
    }
}
