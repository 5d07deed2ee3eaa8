//! Show lints: findings a designer should look at before an event, each with a stable
//! code documented in `docs/lint.md`.
//!
//! [`lint`] checks a show against an effect [`Catalog`] (usually
//! `Catalog::builtin().with_overrides(..)` with the show's own `effects`) and, when known,
//! the audio's length. Findings about one cue name it by its 0-based index in
//! `show.cues` (document order); a finding about a pair names the later cue.
//!
//! The drift model behind `drift-risk` lives here too, so the CLI and the editor agree:
//! viewers' offsets are normal with mean 0 and a 95% interval of ±`expectedDrift`, and a
//! viewer is outside a cue's tolerance when their offset's magnitude exceeds it (see
//! `docs/drift-model.md`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

use crate::catalog::{Catalog, EffectKind};
use crate::{Cue, Show};

/// Effective tolerance below the show's `expectedDrift`.
pub const DRIFT_RISK: &str = "drift-risk";
/// The same action again while its previous instance still runs.
pub const OVERLAP: &str = "overlap";
/// Two cues on one lane less than [`MIN_LANE_GAP_MS`] apart.
pub const TOO_CLOSE: &str = "too-close";
/// An action with no catalog entry.
pub const UNKNOWN_ACTION: &str = "unknown-action";
/// A cue after the audio's end.
pub const AFTER_AUDIO_END: &str = "after-audio-end";
/// A catalog entry the show defines but no cue uses.
pub const UNUSED_CATALOG_ENTRY: &str = "unused-catalog-entry";

/// Every code, in the order `docs/lint.md` lists them.
pub const CODES: [&str; 6] = [
    DRIFT_RISK,
    OVERLAP,
    TOO_CLOSE,
    UNKNOWN_ACTION,
    AFTER_AUDIO_END,
    UNUSED_CATALOG_ENTRY,
];

/// Cues on one lane closer than this (ms) are `too-close`.
pub const MIN_LANE_GAP_MS: i64 = 50;

/// The z-score of a two-sided 95% interval: `expectedDrift` is this many sigmas.
pub const Z_95: f64 = 1.959964;

/// How serious a finding is. Serialised lowercase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The show will not behave as written.
    Error,
    /// Probably a mistake, or a visible flaw for part of the audience.
    Warning,
    /// Worth knowing; harmless.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An obvious edit that resolves a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuickFix {
    /// Set the cue's own `tolerance` to `to` ms.
    RaiseTolerance { to: i64 },
    /// Change the cue's `action` to `to`.
    SwapAction { to: String },
}

impl fmt::Display for QuickFix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuickFix::RaiseTolerance { to } => write!(f, "raise tolerance to {to} ms"),
            QuickFix::SwapAction { to } => write!(f, "use action `{to}`"),
        }
    }
}

/// One lint finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// A stable code from [`CODES`].
    pub code: &'static str,
    pub severity: Severity,
    /// The cue's 0-based index in `show.cues` (document order); for a pair, the later cue.
    pub cue: Option<usize>,
    /// The cue's show time (ms).
    pub time: Option<i64>,
    /// What is wrong, for people.
    pub message: String,
    /// An obvious fix, when there is one.
    pub fix: Option<QuickFix>,
}

impl Finding {
    /// `{"code", "severity", "cue", "time", "message"}`; absent cue and time are `null`.
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("code".into(), Value::from(self.code));
        object.insert("severity".into(), Value::from(self.severity.as_str()));
        object.insert("cue".into(), self.cue.map_or(Value::Null, Value::from));
        object.insert("time".into(), self.time.map_or(Value::Null, Value::from));
        object.insert("message".into(), Value::from(self.message.clone()));
        Value::Object(object)
    }
}

impl fmt::Display for Finding {
    /// `12.345 s cue 7 warning drift-risk: message`, for terminals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(time) = self.time {
            write!(f, "{time} ms ")?;
        }
        if let Some(cue) = self.cue {
            write!(f, "cue {cue} ")?;
        }
        write!(f, "{} {}: {}", self.severity, self.code, self.message)
    }
}

/// The findings as a JSON array of [`Finding::to_json`] objects.
pub fn findings_to_json(findings: &[Finding]) -> Value {
    Value::Array(findings.iter().map(Finding::to_json).collect())
}

/// The complementary error function, `erfc(x) = 1 - erf(x)`, with a fractional error
/// under 1.2e-7 everywhere (the Chebyshev fit of Numerical Recipes, 2nd ed., §6.2).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let ans = t * (-z * z + poly).exp();
    if x >= 0.0 { ans } else { 2.0 - ans }
}

/// The drift model's sigma (ms): `expectedDrift` is the 95% half-interval.
pub fn drift_sigma_ms(expected_drift_ms: i64) -> f64 {
    expected_drift_ms.max(0) as f64 / Z_95
}

/// The share (0..=1) of viewers who see a cue outside its tolerance: offsets are
/// N(0, sigma²) with sigma = `expectedDrift` / 1.959964, and a viewer is outside when
/// |offset| > tolerance, so the share is `erfc(tolerance / (sigma·√2))`.
/// With no drift (`expected_drift_ms <= 0`) nobody is outside.
pub fn share_outside_tolerance(tolerance_ms: i64, expected_drift_ms: i64) -> f64 {
    let sigma = drift_sigma_ms(expected_drift_ms);
    if sigma <= 0.0 {
        return 0.0;
    }
    let tolerance = tolerance_ms.max(0) as f64;
    erfc(tolerance / (sigma * std::f64::consts::SQRT_2)).clamp(0.0, 1.0)
}

/// Lints a show. `audio_end_ms` is the audio's length when known. Findings are sorted by
/// time, then cue index, then code; findings with no time come last.
pub fn lint(show: &Show, catalog: &Catalog, audio_end_ms: Option<i64>) -> Vec<Finding> {
    let order = time_order(&show.cues);
    let mut findings = Vec::new();
    for &index in &order {
        let cue = &show.cues[index];
        if let Some(expected) = show.expected_drift {
            drift_risk(index, cue, catalog, expected, &mut findings);
        }
        if catalog.get(&cue.action).is_none() {
            unknown_action(index, cue, catalog, &mut findings);
        }
        if let Some(end) = audio_end_ms
            && cue.time > end
        {
            findings.push(Finding {
                code: AFTER_AUDIO_END,
                severity: Severity::Warning,
                cue: Some(index),
                time: Some(cue.time),
                message: format!(
                    "`{}` at {} ms is after the audio ends at {end} ms",
                    cue.action, cue.time
                ),
                fix: None,
            });
        }
    }
    overlaps(&show.cues, &order, catalog, &mut findings);
    too_close(&show.cues, &order, &mut findings);
    unused_entries(show, &mut findings);
    findings.sort_by(|a, b| {
        (a.time.is_none(), a.time, a.cue, a.code).cmp(&(b.time.is_none(), b.time, b.cue, b.code))
    });
    findings
}

/// Cue indices sorted by time, ties in document order.
fn time_order(cues: &[Cue]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..cues.len()).collect();
    order.sort_by_key(|&index| (cues[index].time, index));
    order
}

fn drift_risk(index: usize, cue: &Cue, catalog: &Catalog, expected: i64, out: &mut Vec<Finding>) {
    let tolerance = catalog.effective_tolerance(cue);
    if tolerance >= expected {
        return;
    }
    let share = share_outside_tolerance(tolerance, expected);
    out.push(Finding {
        code: DRIFT_RISK,
        severity: Severity::Warning,
        cue: Some(index),
        time: Some(cue.time),
        message: format!(
            "`{}` tolerates {tolerance} ms but viewers drift up to {expected} ms: \
             about {:.1}% of viewers will see it outside its tolerance",
            cue.action,
            share * 100.0
        ),
        fix: Some(drift_fix(cue, catalog, expected)),
    });
}

/// Swap an instant effect (burst, flash) to a tolerant action whose own tolerance covers
/// the drift, when the cue does not pin its tolerance; otherwise raise the tolerance.
fn drift_fix(cue: &Cue, catalog: &Catalog, expected: i64) -> QuickFix {
    let replacement_kind = match catalog.kind_of(&cue.action) {
        EffectKind::Burst => Some(EffectKind::Particles),
        EffectKind::Flash => Some(EffectKind::ColorWash),
        _ => None,
    };
    let swap = replacement_kind
        .filter(|_| cue.tolerance.is_none())
        .and_then(|kind| {
            catalog.iter().find(|(_, entry)| {
                entry.kind == kind
                    && entry.tolerance.unwrap_or(catalog.default_tolerance) >= expected
            })
        });
    match swap {
        Some((action, _)) => QuickFix::SwapAction {
            to: action.to_owned(),
        },
        None => QuickFix::RaiseTolerance { to: expected },
    }
}

fn unknown_action(index: usize, cue: &Cue, catalog: &Catalog, out: &mut Vec<Finding>) {
    let suggestion = closest_action(&cue.action, catalog);
    let mut message = format!("no catalog entry for action `{}`", cue.action);
    if let Some(name) = &suggestion {
        message.push_str(&format!("; did you mean `{name}`?"));
    }
    out.push(Finding {
        code: UNKNOWN_ACTION,
        severity: Severity::Warning,
        cue: Some(index),
        time: Some(cue.time),
        message,
        fix: suggestion.map(|to| QuickFix::SwapAction { to }),
    });
}

/// The catalog action nearest to `action` by edit distance (ignoring case), if within 2.
fn closest_action(action: &str, catalog: &Catalog) -> Option<String> {
    let wanted = action.to_lowercase();
    catalog
        .iter()
        .map(|(name, _)| (edit_distance(&wanted, &name.to_lowercase()), name))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name.to_owned())
}

/// Levenshtein distance in chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

fn overlaps(cues: &[Cue], order: &[usize], catalog: &Catalog, out: &mut Vec<Finding>) {
    // Per action: (end time, index) of the instance that runs longest so far.
    let mut running: BTreeMap<&str, (i64, usize)> = BTreeMap::new();
    for &index in order {
        let cue = &cues[index];
        let end = cue.time.saturating_add(catalog.effective_duration(cue));
        match running.get(cue.action.as_str()) {
            Some(&(previous_end, previous)) if previous_end > cue.time => {
                out.push(Finding {
                    code: OVERLAP,
                    severity: Severity::Warning,
                    cue: Some(index),
                    time: Some(cue.time),
                    message: format!(
                        "`{}` starts again at {} ms while cue {previous} (at {} ms) runs until {previous_end} ms",
                        cue.action, cue.time, cues[previous].time
                    ),
                    fix: None,
                });
                if end > previous_end {
                    running.insert(&cue.action, (end, index));
                }
            }
            _ => {
                running.insert(&cue.action, (end, index));
            }
        }
    }
}

fn too_close(cues: &[Cue], order: &[usize], out: &mut Vec<Finding>) {
    // Per lane (no lane is a lane of its own): the previous cue in time order.
    let mut previous_on_lane: BTreeMap<Option<&str>, usize> = BTreeMap::new();
    for &index in order {
        let cue = &cues[index];
        let lane = cue.lane.as_deref();
        if let Some(&previous) = previous_on_lane.get(&lane) {
            let gap = cue.time - cues[previous].time;
            if gap < MIN_LANE_GAP_MS {
                let lane_name =
                    lane.map_or_else(|| "no lane".to_owned(), |l| format!("lane `{l}`"));
                out.push(Finding {
                    code: TOO_CLOSE,
                    severity: Severity::Warning,
                    cue: Some(index),
                    time: Some(cue.time),
                    message: format!(
                        "`{}` is {gap} ms after cue {previous} (`{}`) on {lane_name}; \
                         cues on one lane need at least {MIN_LANE_GAP_MS} ms between them",
                        cue.action, cues[previous].action
                    ),
                    fix: None,
                });
            }
        }
        previous_on_lane.insert(lane, index);
    }
}

fn unused_entries(show: &Show, out: &mut Vec<Finding>) {
    let Some(effects) = &show.effects else {
        return;
    };
    let used: BTreeSet<&str> = show.cues.iter().map(|cue| cue.action.as_str()).collect();
    for action in effects.keys() {
        if !used.contains(action.as_str()) {
            out.push(Finding {
                code: UNUSED_CATALOG_ENTRY,
                severity: Severity::Info,
                cue: None,
                time: None,
                message: format!(
                    "the show's catalog entry `effects.{action}` is not used by any cue"
                ),
                fix: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_reference_values() {
        // Values from the closed form, to 16 digits (Abramowitz & Stegun table 7.1).
        for (x, expected) in [
            (0.0, 1.0),
            (0.5, 0.479_500_122_186_953_5),
            (1.0, 0.157_299_207_050_285_1),
            (2.0, 0.004_677_734_981_047_266),
            (3.0, 2.209_049_699_858_544e-5),
            (-1.0, 1.842_700_792_949_715),
        ] {
            let got = erfc(x);
            assert!(
                ((got - expected) / expected).abs() < 1.2e-7,
                "erfc({x}) = {got}, expected {expected}"
            );
        }
    }

    #[test]
    fn share_outside_is_five_percent_at_the_expected_drift() {
        assert!((share_outside_tolerance(1500, 1500) - 0.05).abs() < 1e-6);
        // One sigma either side holds 68.27%.
        let sigma = drift_sigma_ms(1960).round() as i64;
        assert_eq!(sigma, 1000);
        assert!((share_outside_tolerance(1000, 1960) - 0.317_310_5).abs() < 1e-4);
        assert!((share_outside_tolerance(0, 1500) - 1.0).abs() < 1e-9);
        assert_eq!(share_outside_tolerance(10, 0), 0.0);
        assert!(share_outside_tolerance(200, 1500) > share_outside_tolerance(400, 1500));
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("fierworks", "fireworks"), 2);
        assert_eq!(edit_distance("flash", "flash"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
