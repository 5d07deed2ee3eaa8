//! Reading a catalog file and a show's `effects` overrides, with the show and cue-sheet
//! parse's own machinery: the same strict tree ([`read_tree`]: encoding problems, syntax
//! errors and duplicate keys at `line:column`) and the same [`Checker`] (every semantic
//! problem at its path, such as `effects.fireworks.tolerance`, in document order, worded
//! as in a show).

use serde_json::{Map, Value};

use super::model::{Catalog, EffectEntry, EffectKind, FALLBACK_DEFAULT_TOLERANCE_MS, is_hex_color};
use crate::check::Checker;
use crate::error::{ParseError, Problem};
use crate::json::{Json, read_tree};

/// What a catalog file is, for "expected …" messages.
const CATALOG: &str = "a catalog (a JSON object with \"effects\")";
const CATALOG_KEYS: &str = "defaultTolerance, effects";
const ENTRY_KEYS: &str = "kind, label, color, tolerance, duration, params";

impl Catalog {
    /// Parses a catalog file. Every problem found is reported: JSON syntax and duplicate
    /// keys at `line:column`, everything else at its path.
    pub fn parse(bytes: &[u8]) -> Result<Catalog, ParseError> {
        let root = match read_tree(bytes, CATALOG)? {
            Json::Object(entries) => entries,
            other => {
                return Err(Problem::whole(format!(
                    "expected {CATALOG}, got {}",
                    other.describe()
                ))
                .into());
            }
        };
        let mut c = Checker::default();
        let mut catalog = Catalog::empty(FALLBACK_DEFAULT_TOLERANCE_MS);
        let mut saw_effects = false;
        for (key, value) in root {
            match key.as_str() {
                "defaultTolerance" => {
                    if let Some(ms) = c.whole_ms(&value, || key.clone()) {
                        catalog.default_tolerance = ms;
                    }
                }
                "effects" => {
                    saw_effects = true;
                    for (action, value) in c.object(value, || key.clone()).unwrap_or_default() {
                        if let Some(entry) = c.effect_entry(&action, value, None) {
                            catalog.insert(action, entry);
                        }
                    }
                }
                _ => c.unknown_key(key.clone(), &key, "a catalog", CATALOG_KEYS),
            }
        }
        if !saw_effects {
            c.report_whole("missing required key \"effects\" (action name → effect entry)");
        }
        c.finish(catalog)
    }

    /// This catalog with a show's `effects` applied: existing actions are merged key by
    /// key, new actions added. Problems carry paths such as `effects.fireworks.tolerance`.
    /// (The show's parse has already rejected duplicate keys and syntax errors, at their
    /// `line:column`.)
    pub fn with_overrides(&self, show_effects: &Map<String, Value>) -> Result<Catalog, ParseError> {
        let mut merged = self.clone();
        let mut c = Checker::default();
        for (action, value) in show_effects {
            let value = Json::from_value(value);
            if let Some(entry) = c.effect_entry(action, value, self.get(action)) {
                merged.insert(action.clone(), entry);
            }
        }
        c.finish(merged)
    }
}

/// The catalog's checks; the shared ones are in [`crate::check`].
impl Checker {
    /// One entry at `effects.<action>`, merged onto `base` when given; `None` when it has a
    /// problem.
    fn effect_entry(
        &mut self,
        action: &str,
        value: Json,
        base: Option<&EffectEntry>,
    ) -> Option<EffectEntry> {
        let path = format!("effects.{action}");
        if action.is_empty() {
            self.report(path, "the action name must not be empty");
            return None;
        }
        let Json::Object(fields) = value else {
            self.report(
                path,
                format!(
                    "must be an object (an effect entry), got {}",
                    value.describe()
                ),
            );
            return None;
        };
        let at = |key: &str| format!("{path}.{key}");
        let mut entry = base
            .cloned()
            .unwrap_or_else(|| EffectEntry::new(EffectKind::Marker, action));
        let before = self.problems.len();
        for (key, value) in fields {
            match key.as_str() {
                "kind" => {
                    if let Some(kind) = self.kind(&value, || at("kind")) {
                        entry.kind = kind;
                    }
                }
                "label" => {
                    if let Some(label) = self.string(value, || at("label")) {
                        entry.label = label;
                    }
                }
                "color" => {
                    if let Some(color) = self.color(value, || at("color")) {
                        entry.color = color;
                    }
                }
                "tolerance" => {
                    if let Some(tolerance) = self.optional_ms(&value, 0, || at("tolerance")) {
                        entry.tolerance = tolerance;
                    }
                }
                "duration" => {
                    if let Some(duration) = self.optional_ms(&value, 1, || at("duration")) {
                        entry.duration = duration;
                    }
                }
                "params" => {
                    for (name, param) in self.object(value, || at("params")).unwrap_or_default() {
                        entry.params.insert(name, param.into_value());
                    }
                }
                _ => self.unknown_key(at(&key), &key, "an effect entry", ENTRY_KEYS),
            }
        }
        (self.problems.len() == before).then_some(entry)
    }

    /// One of [`EffectKind::ALL`] by its JSON name.
    fn kind(&mut self, value: &Json, path: impl FnOnce() -> String) -> Option<EffectKind> {
        if let Json::Str(name) = value
            && let Some(kind) = EffectKind::from_name(name)
        {
            return Some(kind);
        }
        let names = EffectKind::ALL.map(EffectKind::name).join(", ");
        self.report(
            path(),
            format!("must be an effect kind ({names}), got {}", value.describe()),
        );
        None
    }

    /// A `#rrggbb` colour.
    fn color(&mut self, value: Json, path: impl FnOnce() -> String) -> Option<String> {
        match value {
            Json::Str(color) if is_hex_color(&color) => Some(color),
            other => {
                self.report(
                    path(),
                    format!("must be a colour \"#rrggbb\", got {}", other.describe()),
                );
                None
            }
        }
    }

    /// Whole ms >= `min`, or `null` (no value: `Some(None)`); `None` when it is neither.
    fn optional_ms(
        &mut self,
        value: &Json,
        min: i64,
        path: impl FnOnce() -> String,
    ) -> Option<Option<i64>> {
        match value {
            Json::Null => Some(None),
            value => self.ms_at_least(value, min, path).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Location;
    use serde_json::json;

    fn lines(bytes: &[u8]) -> Vec<String> {
        match Catalog::parse(bytes) {
            Ok(catalog) => panic!("expected an error, got {catalog:?}"),
            Err(err) => err.problems.iter().map(ToString::to_string).collect(),
        }
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
        let mut got = error.paths();
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

    #[test]
    fn duplicate_keys_are_errors_at_their_line_and_column() {
        // In an entry, among the actions, at the top and in params: the key is named and
        // located where it is repeated (its closing quote), as in a show.
        let entry =
            b"{\"effects\": {\n  \"fireworks\": {\"tolerance\": 150,\n    \"tolerance\": 400}\n}}";
        assert_eq!(lines(entry), ["3:15: duplicate key \"tolerance\""]);
        let action = b"{\"effects\": {\n  \"flash\": {},\n  \"flash\": {\"kind\": \"burst\"}}}";
        assert_eq!(lines(action), ["3:9: duplicate key \"flash\""]);
        let top = b"{\"effects\": {},\n\"effects\": {}}";
        assert_eq!(lines(top), ["2:9: duplicate key \"effects\""]);
        let params = b"{\"effects\": {\"a\": {\"params\": {\"n\": 1, \"n\": 2}}}}";
        let err = Catalog::parse(params).unwrap_err();
        assert_eq!(
            err.problems[0].location,
            Location::LineColumn {
                line: 1,
                column: 41
            }
        );
        assert_eq!(err.problems[0].message, "duplicate key \"n\"");
    }

    #[test]
    fn wrong_types_and_unknown_keys_are_worded_as_in_a_show() {
        assert_eq!(
            lines(
                br##"{"effects": {"a": {"tolerance": 1.5, "duration": 0, "label": 3,
                     "kind": "boom", "color": "red", "params": [], "tolerence": 1}},
                     "defaultTolerance": "500", "extra": 1}"##
            ),
            [
                "effects.a.tolerance: must be a whole number of milliseconds >= 0, got 1.5, which has a fraction",
                "effects.a.duration: must be a whole number of milliseconds >= 1, got 0",
                "effects.a.label: must be a string, got 3",
                "effects.a.kind: must be an effect kind (colorWash, particles, textFade, burst, flash, marker), got a string \"boom\"",
                "effects.a.color: must be a colour \"#rrggbb\", got a string \"red\"",
                "effects.a.params: must be an object, got an array",
                "effects.a.tolerence: unknown key \"tolerence\" (an effect entry has kind, label, color, tolerance, duration, params)",
                "defaultTolerance: must be a whole number of milliseconds >= 0, got a string \"500\"; remove the quotes",
                "extra: unknown key \"extra\" (a catalog has defaultTolerance, effects)",
            ]
        );
        // The same value gets the same words in a show's cue.
        let show = crate::parse_show(
            br#"{"cuestudio": 1, "cues": [{"time": 0, "action": "a", "tolerance": 1.5}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            show.problems[0].message,
            "must be a whole number of milliseconds >= 0, got 1.5, which has a fraction"
        );
        assert_eq!(
            lines(br#"{"effects": {"": {}, "b": 7}}"#),
            [
                "effects.: the action name must not be empty",
                "effects.b: must be an object (an effect entry), got 7",
            ]
        );
    }

    #[test]
    fn the_whole_file_is_read_as_a_show_is() {
        assert_eq!(
            lines(b""),
            ["empty file: expected a catalog (a JSON object with \"effects\")"]
        );
        assert_eq!(
            lines(b"[]"),
            ["expected a catalog (a JSON object with \"effects\"), got an array"]
        );
        assert_eq!(
            lines(b"{}"),
            ["missing required key \"effects\" (action name → effect entry)"]
        );
        assert_eq!(
            lines(b"{\x00}"),
            ["binary data, not JSON text (a NUL byte at byte 1)"]
        );
        assert_eq!(
            lines(b"\xFF\xFE{\x00}\x00"),
            ["not UTF-8 text (looks like UTF-16 LE); save the file as UTF-8"]
        );
        let with_bom = Catalog::parse(b"\xEF\xBB\xBF{\"effects\": {\"a\": {\"kind\": \"flash\"}}}");
        assert_eq!(with_bom.unwrap().kind_of("a"), EffectKind::Flash);
    }

    #[test]
    fn overrides_are_checked_as_a_catalog_file_is() {
        // A show keeps its overrides as JSON values; their numbers are judged as written.
        let show = crate::parse_show(
            br#"{"cuestudio": 1, "cues": [],
                 "effects": {"fireworks": {"tolerance": 1e3, "duration": null, "size": 2}}}"#,
        )
        .unwrap();
        let err = Catalog::for_show(&show).unwrap_err();
        assert_eq!(
            err.problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [
                "effects.fireworks.tolerance: must be a whole number of milliseconds >= 0, got 1000.0, \
                 written with a decimal point or exponent; write it as the integer 1000",
                "effects.fireworks.size: unknown key \"size\" (an effect entry has kind, label, color, \
                 tolerance, duration, params)",
            ]
        );
        // `null` clears a base value.
        let Value::Object(clear) = json!({"fireworks": {"duration": null}}) else {
            unreachable!()
        };
        let cleared = Catalog::builtin().with_overrides(&clear).unwrap();
        assert_eq!(cleared.get("fireworks").unwrap().duration, None);
    }
}
