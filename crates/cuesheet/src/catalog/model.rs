//! The catalog's types and behaviour: effect kinds, entries, tiers, and the effective
//! tolerance, duration and params of a cue.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::{Cue, ParseError};

/// The built-in catalog's source, `assets/effects.json`.
pub const BUILTIN_JSON: &str = include_str!("../../../../assets/effects.json");

/// Tolerance for cues whose action has no catalog tolerance, when the catalog file does
/// not set `defaultTolerance`.
pub const FALLBACK_DEFAULT_TOLERANCE_MS: i64 = 500;

/// Colour of an entry that does not name one.
pub const DEFAULT_COLOR: &str = "#c0c0c0";

static BUILTIN: LazyLock<Catalog> = LazyLock::new(|| {
    // The asset is part of the binary, not user input; a unit test parses it.
    Catalog::parse(BUILTIN_JSON.as_bytes()).expect("assets/effects.json is a valid catalog")
});

/// How the editor previews an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EffectKind {
    /// The background colour shifts over the duration.
    ColorWash,
    /// Falling particles.
    Particles,
    /// A text fades in and out.
    TextFade,
    /// Fireworks: sparks burst from a point.
    Burst,
    /// A full-frame flash.
    Flash,
    /// A labelled pulse, for actions with no kind.
    Marker,
}

impl EffectKind {
    /// Every kind, in declaration order.
    pub const ALL: [EffectKind; 6] = [
        EffectKind::ColorWash,
        EffectKind::Particles,
        EffectKind::TextFade,
        EffectKind::Burst,
        EffectKind::Flash,
        EffectKind::Marker,
    ];

    /// The JSON name (`colorWash`, `particles`, …).
    pub fn name(self) -> &'static str {
        match self {
            EffectKind::ColorWash => "colorWash",
            EffectKind::Particles => "particles",
            EffectKind::TextFade => "textFade",
            EffectKind::Burst => "burst",
            EffectKind::Flash => "flash",
            EffectKind::Marker => "marker",
        }
    }

    /// The kind with this JSON name.
    pub fn from_name(name: &str) -> Option<EffectKind> {
        EffectKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// How long a cue of this kind shows when neither the cue nor its catalog entry
    /// gives a duration.
    pub fn default_duration_ms(self) -> i64 {
        match self {
            EffectKind::ColorWash => 3000,
            EffectKind::Particles => 5000,
            EffectKind::TextFade => 3000,
            EffectKind::Burst => 1500,
            EffectKind::Flash => 300,
            EffectKind::Marker => 1000,
        }
    }

    /// Whether the kind still looks right when viewers see it a second or more apart
    /// (the article's slow colour shifts, particles and text fades).
    pub fn is_drift_tolerant(self) -> bool {
        matches!(
            self,
            EffectKind::ColorWash | EffectKind::Particles | EffectKind::TextFade
        )
    }
}

impl fmt::Display for EffectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One action's preview and defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectEntry {
    /// How the editor previews it.
    pub kind: EffectKind,
    /// Human-readable name shown in the editor.
    pub label: String,
    /// `#rrggbb`, the effect's main colour and its timeline colour.
    pub color: String,
    /// Default tolerance (ms) for cues of this action.
    pub tolerance: Option<i64>,
    /// Default duration (ms) for cues of this action.
    pub duration: Option<i64>,
    /// Default params handed to the effect; a cue's own params win key by key.
    pub params: Map<String, Value>,
}

impl EffectEntry {
    /// A new entry of `kind` with the defaults a catalog file would give it.
    pub fn new(kind: EffectKind, label: impl Into<String>) -> EffectEntry {
        EffectEntry {
            kind,
            label: label.into(),
            color: DEFAULT_COLOR.to_owned(),
            tolerance: None,
            duration: None,
            params: Map::new(),
        }
    }

    /// The entry as a catalog JSON object (absent tolerance and duration are omitted).
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("kind".into(), Value::from(self.kind.name()));
        object.insert("label".into(), Value::from(self.label.clone()));
        object.insert("color".into(), Value::from(self.color.clone()));
        if let Some(tolerance) = self.tolerance {
            object.insert("tolerance".into(), Value::from(tolerance));
        }
        if let Some(duration) = self.duration {
            object.insert("duration".into(), Value::from(duration));
        }
        object.insert("params".into(), Value::Object(self.params.clone()));
        Value::Object(object)
    }
}

/// How well a tolerance absorbs drift, after the article's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// At least [`Tier::GOOD_MIN_MS`].
    Good,
    /// Between the two.
    Fair,
    /// Under [`Tier::FAIR_MIN_MS`].
    Poor,
}

impl Tier {
    /// The smallest Good tolerance.
    pub const GOOD_MIN_MS: i64 = 1000;
    /// The smallest Fair tolerance; anything below is Poor.
    pub const FAIR_MIN_MS: i64 = 250;

    /// The tier of a tolerance in ms.
    pub fn from_tolerance(tolerance_ms: i64) -> Tier {
        if tolerance_ms >= Tier::GOOD_MIN_MS {
            Tier::Good
        } else if tolerance_ms >= Tier::FAIR_MIN_MS {
            Tier::Fair
        } else {
            Tier::Poor
        }
    }

    /// `Good`, `Fair` or `Poor`, for badges.
    pub fn label(self) -> &'static str {
        match self {
            Tier::Good => "Good",
            Tier::Fair => "Fair",
            Tier::Poor => "Poor",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Action name → [`EffectEntry`], plus the tolerance of cues whose action has none.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    entries: BTreeMap<String, EffectEntry>,
    /// Tolerance (ms) of a cue when neither it nor its catalog entry sets one.
    pub default_tolerance: i64,
}

impl Default for Catalog {
    fn default() -> Catalog {
        Catalog::builtin()
    }
}

impl Catalog {
    /// An empty catalog with the given default tolerance.
    pub fn empty(default_tolerance: i64) -> Catalog {
        Catalog {
            entries: BTreeMap::new(),
            default_tolerance,
        }
    }

    /// The built-in catalog, `assets/effects.json`.
    pub fn builtin() -> Catalog {
        Catalog::builtin_ref().clone()
    }

    /// The built-in catalog without a copy, for code that only reads it (every frame).
    pub fn builtin_ref() -> &'static Catalog {
        &BUILTIN
    }

    /// The entry for an action.
    pub fn get(&self, action: &str) -> Option<&EffectEntry> {
        self.entries.get(action)
    }

    /// All entries, by action name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &EffectEntry)> {
        self.entries
            .iter()
            .map(|(action, entry)| (action.as_str(), entry))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the catalog has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds or replaces an action's entry, returning the one it replaced.
    pub fn insert(&mut self, action: impl Into<String>, entry: EffectEntry) -> Option<EffectEntry> {
        self.entries.insert(action.into(), entry)
    }

    /// Removes an action's entry.
    pub fn remove(&mut self, action: &str) -> Option<EffectEntry> {
        self.entries.remove(action)
    }

    /// The preview kind of an action; [`EffectKind::Marker`] when the catalog lacks it.
    pub fn kind_of(&self, action: &str) -> EffectKind {
        self.get(action)
            .map_or(EffectKind::Marker, |entry| entry.kind)
    }

    /// The cue's own tolerance, else its action's catalog tolerance, else the default.
    pub fn effective_tolerance(&self, cue: &Cue) -> i64 {
        cue.tolerance
            .or_else(|| self.get(&cue.action).and_then(|entry| entry.tolerance))
            .unwrap_or(self.default_tolerance)
    }

    /// The cue's own duration, else its action's catalog duration, else its kind's default.
    pub fn effective_duration(&self, cue: &Cue) -> i64 {
        cue.duration
            .or_else(|| self.get(&cue.action).and_then(|entry| entry.duration))
            .unwrap_or_else(|| self.kind_of(&cue.action).default_duration_ms())
    }

    /// The cue's params as its effect gets them: its action's defaults with the cue's own
    /// merged over them, key by key.
    pub fn effective_params(&self, cue: &Cue) -> Map<String, Value> {
        let mut params = self
            .get(&cue.action)
            .map(|entry| entry.params.clone())
            .unwrap_or_default();
        if let Some(own) = &cue.params {
            for (k, v) in own {
                params.insert(k.clone(), v.clone());
            }
        }
        params
    }

    /// The catalog a show's cues play with: the built-in one with the show's `effects`
    /// overrides (an error names the override that does not parse).
    pub fn for_show(show: &crate::model::Show) -> Result<Catalog, ParseError> {
        let builtin = Catalog::builtin();
        match &show.effects {
            Some(over) => builtin.with_overrides(over),
            None => Ok(builtin),
        }
    }

    /// The cue as a page must receive it: its effective `tolerance` and `duration` (its own,
    /// else its action's entry, else the catalog's defaults) and `params` (the entry's
    /// defaults with the cue's own merged over them, key by key; absent when both are
    /// empty). What the lint, the preview and `follow` use is exactly this.
    pub fn resolve(&self, cue: &Cue) -> Cue {
        let params = self.effective_params(cue);
        Cue {
            time: cue.time,
            action: cue.action.clone(),
            tolerance: Some(self.effective_tolerance(cue)),
            duration: Some(self.effective_duration(cue)),
            params: (!params.is_empty()).then_some(params),
            lane: cue.lane.clone(),
            note: cue.note.clone(),
        }
    }

    /// Every entry as JSON, action → entry object: the `effects` object of a catalog file.
    pub fn to_json(&self) -> Map<String, Value> {
        self.entries
            .iter()
            .map(|(action, entry)| (action.clone(), entry.to_json()))
            .collect()
    }

    /// The entries that are new or differ from `base`, as JSON: what a show's `effects`
    /// must hold so that `base.with_overrides(..)` gives this catalog back. (Removing a
    /// base entry cannot be expressed and is ignored.)
    pub fn overrides_against(&self, base: &Catalog) -> Map<String, Value> {
        self.entries
            .iter()
            .filter(|(action, entry)| base.get(action) != Some(entry))
            .map(|(action, entry)| (action.clone(), entry.to_json()))
            .collect()
    }
}

/// Whether `color` is `#rrggbb`.
pub fn is_hex_color(color: &str) -> bool {
    color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cue(action: &str) -> Cue {
        Cue {
            action: action.into(),
            ..Cue::default()
        }
    }

    #[test]
    fn builtin_covers_the_sample_actions_with_article_tiers() {
        let catalog = Catalog::builtin();
        for action in [
            "showOpening",
            "startSong1",
            "startSong2",
            "showParticles",
            "discChange",
            "colorWash",
            "textFade",
            "fireworks",
            "flash",
            "showEnding",
        ] {
            assert!(catalog.get(action).is_some(), "{action} missing");
        }
        for (action, entry) in catalog.iter() {
            let tier = Tier::from_tolerance(entry.tolerance.unwrap_or(catalog.default_tolerance));
            if entry.kind.is_drift_tolerant() {
                assert_eq!(tier, Tier::Good, "{action}");
            }
            if matches!(entry.kind, EffectKind::Burst | EffectKind::Flash) {
                assert_eq!(tier, Tier::Poor, "{action}");
            }
        }
        assert_eq!(catalog.kind_of("fireworks"), EffectKind::Burst);
        assert_eq!(catalog.kind_of("flash"), EffectKind::Flash);
        assert_eq!(catalog.kind_of("noSuchAction"), EffectKind::Marker);
    }

    #[test]
    fn tiers_have_the_article_boundaries() {
        assert_eq!(Tier::from_tolerance(1000), Tier::Good);
        assert_eq!(Tier::from_tolerance(999), Tier::Fair);
        assert_eq!(Tier::from_tolerance(250), Tier::Fair);
        assert_eq!(Tier::from_tolerance(249), Tier::Poor);
        assert_eq!(Tier::from_tolerance(0), Tier::Poor);
    }

    #[test]
    fn effective_tolerance_prefers_cue_then_entry_then_default() {
        let catalog = Catalog::builtin();
        let mut fireworks = cue("fireworks");
        assert_eq!(catalog.effective_tolerance(&fireworks), 150);
        fireworks.tolerance = Some(700);
        assert_eq!(catalog.effective_tolerance(&fireworks), 700);
        assert_eq!(
            catalog.effective_tolerance(&cue("mystery")),
            catalog.default_tolerance
        );
        assert_eq!(catalog.effective_duration(&cue("fireworks")), 1500);
        assert_eq!(catalog.effective_duration(&cue("mystery")), 1000);
    }

    #[test]
    fn overrides_merge_key_by_key_and_add_new_actions() {
        let base = Catalog::builtin();
        let show_effects = json!({
            "fireworks": { "tolerance": 400, "params": { "seed": 7 } },
            "confetti": { "kind": "particles", "tolerance": 1200 }
        });
        let Value::Object(show_effects) = show_effects else {
            unreachable!()
        };
        let merged = base.with_overrides(&show_effects).unwrap();
        let fireworks = merged.get("fireworks").unwrap();
        assert_eq!(fireworks.tolerance, Some(400));
        assert_eq!(fireworks.kind, EffectKind::Burst);
        assert_eq!(fireworks.params.get("count"), Some(&json!(60)));
        assert_eq!(fireworks.params.get("seed"), Some(&json!(7)));
        let confetti = merged.get("confetti").unwrap();
        assert_eq!(confetti.kind, EffectKind::Particles);
        assert_eq!(confetti.label, "confetti");
        // The base is untouched.
        assert_eq!(base.get("fireworks").unwrap().tolerance, Some(150));

        let overrides = merged.overrides_against(&base);
        assert_eq!(
            overrides.keys().collect::<Vec<_>>(),
            ["confetti", "fireworks"]
        );
        assert_eq!(base.with_overrides(&overrides).unwrap(), merged);

        let Value::Object(bad) = json!({ "fireworks": { "tolerance": "soon" } }) else {
            unreachable!()
        };
        let error = base.with_overrides(&bad).unwrap_err();
        assert_eq!(error.paths(), ["effects.fireworks.tolerance"]);
    }

    #[test]
    fn to_json_round_trips() {
        let catalog = Catalog::builtin();
        let file = json!({
            "defaultTolerance": catalog.default_tolerance,
            "effects": Value::Object(catalog.to_json()),
        });
        assert_eq!(
            Catalog::parse(file.to_string().as_bytes()).unwrap(),
            catalog
        );
    }
}
