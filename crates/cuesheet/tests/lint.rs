//! The lint on its fixtures: each `tests/fixtures/lint/CODE.cueshow.json` gives findings of
//! that code (naming the expected cues), and `clean.cueshow.json` gives none.

use cuesheet::catalog::Catalog;
use cuesheet::lint::{CODES, Finding, lint};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/lint");

fn lint_fixture(name: &str, audio_end_ms: Option<i64>) -> Vec<Finding> {
    let bytes = std::fs::read(format!("{DIR}/{name}.cueshow.json")).unwrap();
    let show = cuesheet::parse_show(&bytes).unwrap();
    let catalog = match &show.effects {
        Some(o) => Catalog::builtin().with_overrides(o).unwrap(),
        None => Catalog::builtin(),
    };
    lint(&show, &catalog, audio_end_ms)
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
