//! The lint on its fixtures: each `tests/fixtures/lint/CODE.cueshow.json` gives findings of
//! that code (naming the expected cues), and `clean.cueshow.json` gives none. Messages name
//! cues by time and action. Quick fixes, applied to a copy and linted again, create exactly
//! the findings they say they create, and the fixes of drift risks create none.

use std::collections::BTreeSet;

use cuesheet::catalog::Catalog;
use cuesheet::lint::{CODES, Finding, QuickFix, lint};
use cuesheet::{Cue, Show};
use proptest::prelude::*;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/lint");

fn fixture(name: &str) -> Show {
    let bytes = std::fs::read(format!("{DIR}/{name}.cueshow.json")).unwrap();
    cuesheet::parse_show(&bytes).unwrap()
}

fn catalog_of(show: &Show) -> Catalog {
    match &show.effects {
        Some(o) => Catalog::builtin().with_overrides(o).unwrap(),
        None => Catalog::builtin(),
    }
}

fn lint_show(show: &Show, audio_end_ms: Option<i64>) -> Vec<Finding> {
    lint(show, &catalog_of(show), audio_end_ms)
}

fn lint_fixture(name: &str, audio_end_ms: Option<i64>) -> Vec<Finding> {
    lint_show(&fixture(name), audio_end_ms)
}

fn cues_with(findings: &[Finding], code: &str) -> Vec<usize> {
    findings
        .iter()
        .filter(|f| f.code == code)
        .filter_map(|f| f.cue)
        .collect()
}

#[test]
fn every_code_has_a_fixture_that_triggers_it() {
    for code in CODES {
        let end = (code == "after-audio-end").then_some(60_000);
        let findings = lint_fixture(code, end);
        assert!(
            findings.iter().any(|f| f.code == code),
            "{code}: fixture gave {findings:?}"
        );
    }
}

#[test]
fn findings_name_the_right_cues() {
    assert_eq!(
        cues_with(
            &lint_fixture("after-audio-end", Some(60_000)),
            "after-audio-end"
        ),
        [2]
    );
    // fireworks (catalog tolerance), textFade 300 ms and flash 100 ms are below 1500 ms drift.
    assert_eq!(
        cues_with(&lint_fixture("drift-risk", None), "drift-risk"),
        [0, 1, 2]
    );
    let unused = lint_fixture("unused-catalog-entry", None);
    assert!(
        unused
            .iter()
            .any(|f| f.code == "unused-catalog-entry" && f.message.contains("neverUsed"))
    );
    assert!(
        !unused
            .iter()
            .any(|f| f.message.contains("sakuraFall") && f.code == "unused-catalog-entry")
    );
}

#[test]
fn a_clean_show_has_no_findings() {
    let findings = lint_fixture("clean", Some(120_000));
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn messages_name_cues_by_time_and_action_never_by_index() {
    let overlap = lint_fixture("overlap", None);
    let texts: Vec<String> = overlap.iter().map(ToString::to_string).collect();
    assert!(
        texts.contains(
            &"00:03.000 showParticles: warning overlap: starts again while \
              00:01.000 showParticles runs until 00:06.000"
                .to_owned()
        ),
        "{texts:#?}"
    );
    let close = lint_fixture("too-close", None);
    let flash = close.iter().find(|f| f.code == "too-close").unwrap();
    assert_eq!(flash.subject().as_deref(), Some("00:01.030 flash"));
    assert_eq!(
        flash.message,
        "30 ms after 00:01.000 colorWash on lane `Lights`; \
         cues on one lane need at least 50 ms between them"
    );
    let end = lint_fixture("after-audio-end", Some(60_000));
    assert!(
        end.iter().any(|f| f.to_string()
            == "01:00.001 textFade: warning after-audio-end: starts after the audio ends at 01:00.000"),
        "{end:#?}"
    );
    // No finding of any fixture mentions a cue by its index.
    let mut all = Vec::new();
    for code in CODES {
        all.extend(lint_fixture(code, Some(60_000)));
    }
    for f in &all {
        let text = f.to_string();
        let words: Vec<&str> = text.split_whitespace().collect();
        let by_index = words.windows(2).any(|w| {
            w[0] == "cue"
                && w[1]
                    .trim_matches(|c: char| !c.is_ascii_digit())
                    .parse::<usize>()
                    .is_ok()
        });
        assert!(!by_index && !text.contains("cues["), "{text}");
        assert_eq!(f.subject().is_some(), f.cue.is_some(), "{text}");
    }
    let json = cuesheet::lint::findings_to_json(&close);
    assert_eq!(json[0]["action"], "flash", "{json}");
}

/// Applies a quick fix to a copy of the show.
fn apply(show: &Show, cue: usize, change: &QuickFix) -> Show {
    let mut fixed = show.clone();
    let target = &mut fixed.cues[cue];
    match change {
        QuickFix::RaiseTolerance { to } => target.tolerance = Some(*to),
        QuickFix::SwapAction { to } => target.action.clone_from(to),
    }
    fixed
}

/// What identifies a finding across edits: its code and cue, or for show-wide ones its
/// message.
fn key(f: &Finding) -> (&'static str, Option<usize>, String) {
    let text = if f.cue.is_none() {
        f.message.clone()
    } else {
        String::new()
    };
    (f.code, f.cue, text)
}

/// Every fix the lint offers creates exactly the findings it lists, and removes the one it
/// fixes; drift risks get fixes that create nothing.
fn check_fixes(show: &Show, audio_end_ms: Option<i64>) -> usize {
    let before = lint_show(show, audio_end_ms);
    let keys_before: BTreeSet<_> = before.iter().map(key).collect();
    let mut checked = 0;
    for f in &before {
        let (Some(fix), Some(cue)) = (&f.fix, f.cue) else {
            continue;
        };
        let after = lint_show(&apply(show, cue, &fix.change), audio_end_ms);
        let created: BTreeSet<_> = after
            .iter()
            .map(key)
            .filter(|k| !keys_before.contains(k))
            .collect();
        let said: BTreeSet<_> = fix.creates.iter().map(key).collect();
        assert_eq!(
            created, said,
            "{f}: fix {:?} on {show:#?}\nafter: {after:#?}",
            fix.change
        );
        assert!(
            !after.iter().any(|a| a.code == f.code && a.cue == f.cue) || f.code == "drift-risk",
            "{f} is still there after its fix {:?}",
            fix.change
        );
        if f.code == "drift-risk" {
            assert!(fix.creates.is_empty(), "{f}: {:?}", fix.creates);
            let share = fix
                .share_outside_after
                .expect("a drift fix gives the share");
            // The drift risk is gone, or (the tolerance raised to the drift) down to 5%.
            assert!(share <= 0.05 + 1e-6, "{f}: {share}");
            assert!(
                fix.effect.contains("Viewers outside its tolerance"),
                "{}",
                fix.effect
            );
        }
        checked += 1;
    }
    checked
}

fn cue(time: i64, action: &str) -> Cue {
    Cue {
        time,
        action: action.into(),
        ..Cue::default()
    }
}

#[test]
fn a_drift_fix_that_would_overlap_raises_the_tolerance_instead() {
    // A tapped flash (no tolerance, no duration) 2.5 s before a wash: a 4 s wash in its
    // place would overlap it, so the fix raises the tolerance.
    let mut show = Show {
        expected_drift: Some(1500),
        cues: vec![cue(15_500, "flash"), cue(18_000, "colorWash")],
        ..Show::default()
    };
    let findings = lint_show(&show, None);
    let risk = findings.iter().find(|f| f.code == "drift-risk").unwrap();
    let fix = risk.fix.as_ref().unwrap();
    assert_eq!(fix.change, QuickFix::RaiseTolerance { to: 1500 });
    assert!(fix.creates.is_empty());
    assert_eq!(
        fix.effect,
        "Sets the cue's tolerance to 1500 ms (now 100 ms, from the catalog). \
         Viewers outside its tolerance: 89.6% → 5.0%."
    );
    assert_eq!(check_fixes(&show, None), 1);
    // With the wash out of reach, the flash becomes a wash.
    show.cues[1].time = 19_500;
    let findings = lint_show(&show, None);
    let fix = findings[0].fix.as_ref().unwrap();
    assert_eq!(
        fix.change,
        QuickFix::SwapAction {
            to: "colorWash".into()
        }
    );
    assert!(fix.effect.starts_with(
        "Changes the action from `flash` to `colorWash`: tolerance 100 → 2000 ms, \
         duration 300 → 4000 ms."
    ));
    assert!((fix.share_outside_after.unwrap() - 0.0089).abs() < 0.0005);
    assert_eq!(check_fixes(&show, None), 1);
}

#[test]
fn a_suggested_action_says_what_it_would_cause() {
    // `fierworks` is surely `fireworks`, but fireworks tolerate less than the drift (the
    // unknown action has the catalog's default, 500 ms) and would overlap the fireworks
    // 1 s later: the fix is offered and lists both.
    let show = Show {
        expected_drift: Some(300),
        cues: vec![cue(1000, "fierworks"), cue(2000, "fireworks")],
        ..Show::default()
    };
    let findings = lint_show(&show, None);
    let unknown = findings
        .iter()
        .find(|f| f.code == "unknown-action")
        .unwrap();
    let fix = unknown.fix.as_ref().unwrap();
    let caused: Vec<String> = fix.creates.iter().map(ToString::to_string).collect();
    assert_eq!(
        caused,
        [
            "00:01.000 fireworks: warning drift-risk: tolerates 150 ms but viewers drift up to \
             300 ms: about 32.7% of viewers will see it outside its tolerance",
            "00:02.000 fireworks: warning overlap: starts again while 00:01.000 fireworks \
             runs until 00:02.500"
        ],
        "{caused:#?}"
    );
    // Both fixes (the other: the later fireworks' drift risk) create what they say.
    assert_eq!(check_fixes(&show, None), 2);
}

#[test]
fn fixes_on_the_fixtures_and_the_sample_create_what_they_say() {
    let mut checked = 0;
    for code in CODES {
        checked += check_fixes(&fixture(code), Some(60_000));
    }
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../sample_shows/hoshizora.cueshow.json"
    );
    let sample = cuesheet::parse_show(&std::fs::read(sample).unwrap()).unwrap();
    checked += check_fixes(&sample, Some(150_000));
    assert!(checked >= 10, "{checked}");
}

fn generated_show() -> impl Strategy<Value = Show> {
    let action = prop_oneof![
        Just("flash"),
        Just("fireworks"),
        Just("colorWash"),
        Just("showParticles"),
        Just("flsh"),
        Just("colorwash"),
        Just("mine"),
        Just("mystery"),
    ];
    let cue = (
        0i64..20,
        action,
        proptest::option::of(0i64..3000),
        proptest::option::of(0i64..6000),
        proptest::option::of(prop_oneof![Just("A"), Just("B")]),
    )
        .prop_map(|(slot, action, tolerance, duration, lane)| Cue {
            time: slot * 500,
            action: action.to_owned(),
            tolerance,
            duration,
            lane: lane.map(str::to_owned),
            ..Cue::default()
        });
    let effects = prop_oneof![
        Just(None),
        Just(Some(
            serde_json::json!({"mine": {"kind": "flash", "tolerance": 50}})
        )),
        Just(Some(
            serde_json::json!({"flash": {"duration": 2500}, "colorWash": {"tolerance": 1600}})
        )),
    ];
    (
        prop::collection::vec(cue, 0..14),
        proptest::option::of(0i64..3000),
        effects,
    )
        .prop_map(|(cues, expected_drift, effects)| Show {
            expected_drift,
            cues,
            effects: effects.and_then(|e| e.as_object().cloned()),
            ..Show::default()
        })
}

proptest! {
    #[test]
    fn fixes_on_generated_shows_create_what_they_say(show in generated_show()) {
        check_fixes(&show, Some(8_000));
    }
}
