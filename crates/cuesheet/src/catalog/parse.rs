//! Reading a catalog file and a show's `effects` overrides.

use serde_json::{Map, Value};

use super::model::{Catalog, EffectEntry, EffectKind, FALLBACK_DEFAULT_TOLERANCE_MS, is_hex_color};
use crate::{Location, ParseError, Problem};

impl Catalog {
    /// Parses a catalog file. Every problem found is reported, each with its path.
    pub fn parse(bytes: &[u8]) -> Result<Catalog, ParseError> {
        let root: Value = serde_json::from_slice(bytes).map_err(|error| ParseError {
            problems: vec![Problem {
                location: Location::LineColumn {
                    line: error.line(),
                    column: error.column(),
                },
                message: format!("invalid JSON: {error}"),
            }],
        })?;
        let mut problems = Vec::new();
        let Value::Object(root) = root else {
            return Err(single(
                Location::Whole,
                "a catalog must be a JSON object with an `effects` object",
            ));
        };
        let mut default_tolerance = FALLBACK_DEFAULT_TOLERANCE_MS;
        let mut catalog_entries = Vec::new();
        let mut saw_effects = false;
        for (key, value) in &root {
            match key.as_str() {
                "defaultTolerance" => {
                    if let Some(ms) = whole_ms(value, "defaultTolerance", 0, &mut problems) {
                        default_tolerance = ms;
                    }
                }
                "effects" => {
                    saw_effects = true;
                    let Value::Object(effects) = value else {
                        problems.push(problem("effects", "must be an object of action → entry"));
                        continue;
                    };
                    for (action, entry) in effects {
                        if let Some(entry) = parse_entry(action, entry, None, &mut problems) {
                            catalog_entries.push((action.clone(), entry));
                        }
                    }
                }
                other => problems.push(problem(
                    other,
                    "unknown key (expected `defaultTolerance` or `effects`)",
                )),
            }
        }
        if !saw_effects {
            problems.push(Problem {
                location: Location::Whole,
                message: "missing key `effects`".into(),
            });
        }
        if problems.is_empty() {
            let mut catalog = Catalog::empty(default_tolerance);
            for (action, entry) in catalog_entries {
                catalog.insert(action, entry);
            }
            Ok(catalog)
        } else {
            Err(ParseError { problems })
        }
    }

    /// This catalog with a show's `effects` applied: existing actions are merged key by
    /// key, new actions added. Problems carry paths such as `effects.fireworks.tolerance`.
    pub fn with_overrides(&self, show_effects: &Map<String, Value>) -> Result<Catalog, ParseError> {
        let mut merged = self.clone();
        let mut problems = Vec::new();
        for (action, value) in show_effects {
            let base = self.get(action);
            if let Some(entry) = parse_entry(action, value, base, &mut problems) {
                merged.insert(action.clone(), entry);
            }
        }
        if problems.is_empty() {
            Ok(merged)
        } else {
            Err(ParseError { problems })
        }
    }
}

fn problem(path: &str, message: impl Into<String>) -> Problem {
    Problem {
        location: Location::Path(path.to_owned()),
        message: message.into(),
    }
}

fn single(location: Location, message: &str) -> ParseError {
    ParseError {
        problems: vec![Problem {
            location,
            message: message.to_owned(),
        }],
    }
}

/// A whole number of ms, at least `min`; reports a problem at `path` otherwise.
fn whole_ms(value: &Value, path: &str, min: i64, problems: &mut Vec<Problem>) -> Option<i64> {
    match value.as_i64() {
        Some(ms) if ms >= min => Some(ms),
        Some(ms) => {
            problems.push(problem(
                path,
                format!("must be at least {min} ms, got {ms}"),
            ));
            None
        }
        None => {
            problems.push(problem(
                path,
                format!("must be a whole number of milliseconds, got {value}"),
            ));
            None
        }
    }
}

/// An optional ms field: `null` clears it.
fn optional_ms(
    value: &Value,
    path: &str,
    min: i64,
    problems: &mut Vec<Problem>,
) -> Option<Option<i64>> {
    if value.is_null() {
        Some(None)
    } else {
        whole_ms(value, path, min, problems).map(Some)
    }
}

/// Parses one entry at `effects.<action>`, merged onto `base` when given.
fn parse_entry(
    action: &str,
    value: &Value,
    base: Option<&EffectEntry>,
    problems: &mut Vec<Problem>,
) -> Option<EffectEntry> {
    let path = format!("effects.{action}");
    if action.is_empty() {
        problems.push(problem(&path, "action name is empty"));
        return None;
    }
    let Value::Object(fields) = value else {
        problems.push(problem(&path, format!("must be an object, got {value}")));
        return None;
    };
    let mut entry = base
        .cloned()
        .unwrap_or_else(|| EffectEntry::new(EffectKind::Marker, action));
    let before = problems.len();
    for (key, value) in fields {
        let field_path = format!("{path}.{key}");
        match key.as_str() {
            "kind" => match value.as_str().and_then(EffectKind::from_name) {
                Some(kind) => entry.kind = kind,
                None => {
                    let names: Vec<&str> = EffectKind::ALL.iter().map(|k| k.name()).collect();
                    problems.push(problem(
                        &field_path,
                        format!(
                            "unknown kind {value} (expected one of {})",
                            names.join(", ")
                        ),
                    ));
                }
            },
            "label" => match value.as_str() {
                Some(label) => entry.label = label.to_owned(),
                None => problems.push(problem(
                    &field_path,
                    format!("must be a string, got {value}"),
                )),
            },
            "color" => match value.as_str() {
                Some(color) if is_hex_color(color) => entry.color = color.to_owned(),
                _ => problems.push(problem(
                    &field_path,
                    format!("must be a colour \"#rrggbb\", got {value}"),
                )),
            },
            "tolerance" => {
                if let Some(tolerance) = optional_ms(value, &field_path, 0, problems) {
                    entry.tolerance = tolerance;
                }
            }
            "duration" => {
                if let Some(duration) = optional_ms(value, &field_path, 1, problems) {
                    entry.duration = duration;
                }
            }
            "params" => match value {
                Value::Object(params) => {
                    for (name, param) in params {
                        entry.params.insert(name.clone(), param.clone());
                    }
                }
                _ => problems.push(problem(
                    &field_path,
                    format!("must be an object, got {value}"),
                )),
            },
            _ => problems.push(problem(
                &field_path,
                "unknown key (expected kind, label, color, tolerance, duration or params)",
            )),
        }
    }
    (problems.len() == before).then_some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(error: &ParseError) -> Vec<String> {
        error
            .problems
            .iter()
            .map(|p| match &p.location {
                Location::Path(path) => path.clone(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn errors_name_their_paths() {
        let bad = json!({
            "defaultTolerance": -5,
            "effects": {
                "fireworks": { "kind": "boom", "tolerance": 1.5, "color": "red", "tolerence": 3 },
                "ok": { "kind": "flash" },
                "dur": { "duration": 0, "params": [] }
            },
            "extra": true
        });
        let error = Catalog::parse(bad.to_string().as_bytes()).unwrap_err();
        let mut got = paths(&error);
        got.sort();
        assert_eq!(
            got,
            [
                "defaultTolerance",
                "effects.dur.duration",
                "effects.dur.params",
                "effects.fireworks.color",
                "effects.fireworks.kind",
                "effects.fireworks.tolerance",
                "effects.fireworks.tolerence",
                "extra",
            ]
        );
        let syntax = Catalog::parse(b"{\n  \"effects\": {,}\n}").unwrap_err();
        assert!(matches!(
            syntax.problems[0].location,
            Location::LineColumn { line: 2, .. }
        ));
        assert!(Catalog::parse(b"[]").is_err());
        assert!(Catalog::parse(b"{}").is_err());
    }
}
