//! Show lints: findings a designer should look at before an event, each with a stable
//! code documented in `docs/lint.md`.
//!
//! [`lint`] checks a show against an effect [`Catalog`] (usually
//! `Catalog::builtin().with_overrides(..)` with the show's own `effects`) and, when known,
//! the audio's length. A finding about one cue carries its 0-based index in `show.cues`
//! (document order, for the program) and its time and action (for people: `01:12.000
//! showParticles`, see [`Finding::subject`]); a finding about a pair is about the later
//! cue, and its message names the other one by time and action.
//!
//! A quick fix ([`Fix`]) says what it changes and which findings applying it would create.
//! Fixes of drift risks are chosen to create none; the suggestion for an unknown action is
//! offered even when it creates some, and lists them.
//!
//! The drift model behind `drift-risk` lives here too, so the CLI and the editor agree:
//! viewers' offsets are normal with mean 0 and a 95% interval of ±`expectedDrift`, and a
//! viewer is outside a cue's tolerance when their offset's magnitude exceeds it (see
//! `docs/drift-model.md`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

use crate::catalog::{Catalog, EffectKind};
use crate::{Cue, Show, format_time_ms};

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

/// A quick fix with what applying it does, worked out on the show as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub change: QuickFix,
    /// What it changes, for people: the cue's effective values before and after, and for
    /// a drift risk the share of viewers outside the cue's tolerance before and after.
    pub effect: String,
    /// For a drift risk: the share (0..=1) of viewers outside the cue's tolerance once the
    /// fix is applied.
    pub share_outside_after: Option<f64>,
    /// The findings the fix would create: a code on a cue (or catalog entry) that has no
    /// finding of that code now. Empty for the fixes of drift risks.
    pub creates: Vec<Finding>,
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
    /// The cue's action.
    pub action: Option<String>,
    /// What is wrong, for people; other cues are named by time and action.
    pub message: String,
    /// An obvious fix, when there is one.
    pub fix: Option<Fix>,
}

impl Finding {
    /// The cue as people see it, `01:12.000 showParticles`; `None` for show-wide findings.
    pub fn subject(&self) -> Option<String> {
        match (self.time, &self.action) {
            (Some(time), Some(action)) => Some(format!("{} {action}", format_time_ms(time))),
            (Some(time), None) => Some(format_time_ms(time)),
            (None, _) => None,
        }
    }

    /// `{"code", "severity", "cue", "time", "action", "message"}`; absent cue, time and
    /// action are `null`.
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("code".into(), Value::from(self.code));
        object.insert("severity".into(), Value::from(self.severity.as_str()));
        object.insert("cue".into(), self.cue.map_or(Value::Null, Value::from));
        object.insert("time".into(), self.time.map_or(Value::Null, Value::from));
        object.insert(
            "action".into(),
            self.action.clone().map_or(Value::Null, Value::from),
        );
        object.insert("message".into(), Value::from(self.message.clone()));
        Value::Object(object)
    }
}

impl fmt::Display for Finding {
    /// `01:12.000 showParticles: warning overlap: message`, for terminals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(subject) = self.subject() {
            write!(f, "{subject}: ")?;
        }
        write!(f, "{} {}: {}", self.severity, self.code, self.message)
    }
}

/// A cue as people see it: `01:12.000 showParticles`.
fn cue_name(cue: &Cue) -> String {
    format!("{} {}", format_time_ms(cue.time), cue.action)
}

/// A finding about the cue at `index`.
fn about(
    code: &'static str,
    index: usize,
    cue: &Cue,
    message: String,
    fix: Option<Fix>,
) -> Finding {
    Finding {
        code,
        severity: Severity::Warning,
        cue: Some(index),
        time: Some(cue.time),
        action: Some(cue.action.clone()),
        message,
        fix,
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
    let runs = action_runs(&show.cues, &order, catalog);
    let fixes = FixCheck {
        show,
        catalog,
        runs: &runs,
    };
    let mut findings = Vec::new();
    for &index in &order {
        let cue = &show.cues[index];
        if let Some(expected) = show.expected_drift
            && let Some(finding) = drift_risk(index, cue, catalog, expected, Some(&fixes))
        {
            findings.push(finding);
        }
        if catalog.get(&cue.action).is_none() {
            findings.push(unknown_action(index, cue, catalog, &fixes));
        }
        if let Some(end) = audio_end_ms
            && cue.time > end
        {
            findings.push(about(
                AFTER_AUDIO_END,
                index,
                cue,
                format!("starts after the audio ends at {}", format_time_ms(end)),
                None,
            ));
        }
    }
    overlaps(&show.cues, &runs, &mut findings);
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

/// The drift risk of the cue at `index`, if it is one. With `fixes`, it carries its fix.
fn drift_risk(
    index: usize,
    cue: &Cue,
    catalog: &Catalog,
    expected: i64,
    fixes: Option<&FixCheck<'_>>,
) -> Option<Finding> {
    let tolerance = catalog.effective_tolerance(cue);
    if tolerance >= expected {
        return None;
    }
    let share = share_outside_tolerance(tolerance, expected);
    let message = format!(
        "tolerates {tolerance} ms but viewers drift up to {expected} ms: \
         about {:.1}% of viewers will see it outside its tolerance",
        share * 100.0
    );
    let fix = fixes.map(|fixes| fixes.drift_fix(index, expected));
    Some(about(DRIFT_RISK, index, cue, message, fix))
}

fn unknown_action(index: usize, cue: &Cue, catalog: &Catalog, fixes: &FixCheck<'_>) -> Finding {
    let suggestion = closest_action(&cue.action, catalog);
    let mut message = format!("no catalog entry for action `{}`", cue.action);
    if let Some(name) = &suggestion {
        message.push_str(&format!("; did you mean `{name}`?"));
    }
    let fix = suggestion.map(|to| fixes.swap(index, to));
    about(UNKNOWN_ACTION, index, cue, message, fix)
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

/// The overlap finding of `cue` (at `index`), which starts while `running` (ending at
/// `running_end`) still runs.
fn overlap(index: usize, cue: &Cue, running: &Cue, running_end: i64) -> Finding {
    let message = format!(
        "starts again while {} runs until {}",
        cue_name(running),
        format_time_ms(running_end)
    );
    about(OVERLAP, index, cue, message, None)
}

fn overlaps(cues: &[Cue], runs: &BTreeMap<&str, Vec<ActionRun>>, out: &mut Vec<Finding>) {
    for runs in runs.values() {
        for (k, run) in runs.iter().enumerate() {
            let cue = &cues[run.index];
            if let Some((end, previous)) = k.checked_sub(1).map(|k| runs[k].longest)
                && end > cue.time
            {
                out.push(overlap(run.index, cue, &cues[previous], end));
            }
        }
    }
}

/// One cue in its action's time order, with the longest-running instance of that action
/// so far (`(end, index)`, this cue included): the same action starting before that end
/// overlaps it.
#[derive(Clone, Copy, Debug)]
struct ActionRun {
    index: usize,
    longest: (i64, usize),
}

/// Per action, its cues in time order (ties in document order).
fn action_runs<'a>(
    cues: &'a [Cue],
    order: &[usize],
    catalog: &Catalog,
) -> BTreeMap<&'a str, Vec<ActionRun>> {
    let mut runs: BTreeMap<&str, Vec<ActionRun>> = BTreeMap::new();
    for &index in order {
        let cue = &cues[index];
        let end = cue.time.saturating_add(catalog.effective_duration(cue));
        let list = runs.entry(cue.action.as_str()).or_default();
        let longest = match list.last().map(|run| run.longest) {
            Some((previous_end, previous)) if previous_end >= end => (previous_end, previous),
            _ => (end, index),
        };
        list.push(ActionRun { index, longest });
    }
    runs
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
                let message = format!(
                    "{gap} ms after {} on {lane_name}; \
                     cues on one lane need at least {MIN_LANE_GAP_MS} ms between them",
                    cue_name(&cues[previous])
                );
                out.push(about(TOO_CLOSE, index, cue, message, None));
            }
        }
        previous_on_lane.insert(lane, index);
    }
}

fn unused_entry(action: &str) -> Finding {
    Finding {
        code: UNUSED_CATALOG_ENTRY,
        severity: Severity::Info,
        cue: None,
        time: None,
        action: None,
        message: format!("the show's catalog entry `effects.{action}` is not used by any cue"),
        fix: None,
    }
}

fn unused_entries(show: &Show, out: &mut Vec<Finding>) {
    let Some(effects) = &show.effects else {
        return;
    };
    let used: BTreeSet<&str> = show.cues.iter().map(|cue| cue.action.as_str()).collect();
    for action in effects.keys() {
        if !used.contains(action.as_str()) {
            out.push(unused_entry(action));
        }
    }
}

/// Works out what a quick fix would do to the show, by re-linting only what the change can
/// affect: a new tolerance changes only the cue's drift risk (so raising it creates
/// nothing); a new action changes the cue's drift risk, its overlaps with the cues of its
/// new action, and whether its old action's show catalog entry is still used (`too-close`
/// and `after-audio-end` depend on time and lane alone, `unknown-action` fixes name known
/// actions).
struct FixCheck<'a> {
    show: &'a Show,
    catalog: &'a Catalog,
    runs: &'a BTreeMap<&'a str, Vec<ActionRun>>,
}

impl FixCheck<'_> {
    /// The fix of the drift risk of the cue at `index`: an instant effect (burst, flash)
    /// whose tolerance the cue does not pin becomes the catalog's first action of the
    /// matching tolerant kind (particles, colour wash) whose own tolerance covers the
    /// drift, unless that creates a finding (a longer effect may overlap the next one of
    /// its action); otherwise the tolerance is raised to the drift, which creates none.
    fn drift_fix(&self, index: usize, expected: i64) -> Fix {
        let cue = &self.show.cues[index];
        let catalog = self.catalog;
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
            })
            .map(|(action, _)| self.swap(index, action.to_owned()))
            .filter(|fix| fix.creates.is_empty());
        swap.unwrap_or_else(|| self.raise_tolerance(index, expected))
    }

    fn raise_tolerance(&self, index: usize, to: i64) -> Fix {
        let cue = &self.show.cues[index];
        let before = self.catalog.effective_tolerance(cue);
        let source = if cue.tolerance.is_some() {
            "its own"
        } else {
            "from the catalog"
        };
        let mut effect =
            format!("Sets the cue's tolerance to {to} ms (now {before} ms, {source}).");
        let share_outside_after = self.show.expected_drift.map(|expected| {
            let after = share_outside_tolerance(to, expected);
            effect.push_str(&share_change(before, to, expected));
            after
        });
        Fix {
            change: QuickFix::RaiseTolerance { to },
            effect,
            share_outside_after,
            creates: Vec::new(),
        }
    }

    /// Changing the action of the cue at `index` to `to`.
    fn swap(&self, index: usize, to: String) -> Fix {
        let cues = &self.show.cues;
        let catalog = self.catalog;
        let cue = &cues[index];
        let swapped = Cue {
            action: to.clone(),
            ..cue.clone()
        };
        let (tolerance_before, tolerance_after) = (
            catalog.effective_tolerance(cue),
            catalog.effective_tolerance(&swapped),
        );
        let (duration_before, duration_after) = (
            catalog.effective_duration(cue),
            catalog.effective_duration(&swapped),
        );
        let mut effect = format!(
            "Changes the action from `{}` to `{to}`: tolerance {tolerance_before} → \
             {tolerance_after} ms, duration {duration_before} → {duration_after} ms.",
            cue.action
        );
        let mut creates = Vec::new();
        let mut share_outside_after = None;
        if let Some(expected) = self.show.expected_drift {
            effect.push_str(&share_change(tolerance_before, tolerance_after, expected));
            share_outside_after = Some(share_outside_tolerance(tolerance_after, expected));
            if tolerance_before >= expected
                && let Some(risk) = drift_risk(index, &swapped, catalog, expected, None)
            {
                creates.push(risk);
            }
        }
        self.new_overlaps(index, &swapped, &mut creates);
        let last_use = self
            .runs
            .get(cue.action.as_str())
            .is_some_and(|r| r.len() == 1);
        let in_show_catalog = self
            .show
            .effects
            .as_ref()
            .is_some_and(|effects| effects.contains_key(&cue.action));
        if last_use && in_show_catalog {
            creates.push(unused_entry(&cue.action));
        }
        Fix {
            change: QuickFix::SwapAction { to },
            effect,
            share_outside_after,
            creates,
        }
    }

    /// The overlaps that the cue at `index`, changed to `swapped` (a new action), would
    /// start: its own, unless it overlapped as its old action already, and those of the
    /// later cues of its new action that it would still run over.
    fn new_overlaps(&self, index: usize, swapped: &Cue, out: &mut Vec<Finding>) {
        let cues = &self.show.cues;
        let runs = self.runs;
        let empty = Vec::new();
        let list = runs.get(swapped.action.as_str()).unwrap_or(&empty);
        let key = (swapped.time, index);
        let at = list.partition_point(|run| (cues[run.index].time, run.index) < key);
        let longest_before = |k: usize| k.checked_sub(1).map(|k| list[k].longest);
        if let Some((end, previous)) = longest_before(at)
            && end > swapped.time
            && !self.overlaps_now(index)
        {
            out.push(overlap(index, swapped, &cues[previous], end));
        }
        let end = swapped
            .time
            .saturating_add(self.catalog.effective_duration(swapped));
        for (k, run) in list.iter().enumerate().skip(at) {
            let later = &cues[run.index];
            if later.time >= end {
                break;
            }
            let overlapped_already = longest_before(k).is_some_and(|(e, _)| e > later.time);
            if !overlapped_already {
                out.push(overlap(run.index, later, swapped, end));
            }
        }
    }

    /// Whether the cue at `index` overlaps an earlier cue of its action now.
    fn overlaps_now(&self, index: usize) -> bool {
        let cues = &self.show.cues;
        let cue = &cues[index];
        let Some(list) = self.runs.get(cue.action.as_str()) else {
            return false;
        };
        let at = list.partition_point(|run| (cues[run.index].time, run.index) < (cue.time, index));
        at.checked_sub(1)
            .map(|k| list[k].longest)
            .is_some_and(|(end, _)| end > cue.time)
    }
}

/// ` Viewers outside its tolerance: 92.3% → 5.0%.`
fn share_change(before_ms: i64, after_ms: i64, expected: i64) -> String {
    format!(
        " Viewers outside its tolerance: {:.1}% → {:.1}%.",
        share_outside_tolerance(before_ms, expected) * 100.0,
        share_outside_tolerance(after_ms, expected) * 100.0
    )
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
