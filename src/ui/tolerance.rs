//! Tolerance choices offered by more than one panel.

/// Tolerance presets (label, value, tooltip) offered by the inspector and the effect catalog;
/// `None` clears the value.
pub const TOLERANCE_PRESETS: [(&str, Option<i64>, &str); 5] = [
    (
        "Exact 100",
        Some(100),
        "Poor: only for effects that must hit the instant",
    ),
    ("Fair 500", Some(500), "Fair"),
    (
        "Good 1000",
        Some(1000),
        "Good: slow colour shifts, text fades",
    ),
    ("Loose 3000", Some(3000), "Very tolerant"),
    (
        "Default",
        None,
        "Clear it: a cue falls back to its action's catalog default, a catalog entry to the show's default",
    ),
];
