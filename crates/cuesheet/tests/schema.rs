//! The JSON Schemas in `assets/schema/` checked with an independent validator (Python's
//! `jsonschema`, Draft 2020-12): the sample show, the good fixtures and the exports validate;
//! the malformed fixtures that are valid JSON are rejected.

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

const SCRIPT: &str = r#"
import json, sys
from jsonschema import Draft202012Validator, FormatChecker
plan = json.load(open(sys.argv[1]))
bad = []
for schema_path, file, should_pass in plan:
    schema = json.load(open(schema_path))
    Draft202012Validator.check_schema(schema)
    v = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = list(v.iter_errors(json.load(open(file, encoding="utf-8"))))
    if bool(errors) == should_pass:
        bad.append(f"{file}: expected {'valid' if should_pass else 'invalid'}, got {[e.message for e in errors][:3]}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
"#;

fn root(p: &str) -> PathBuf {
    Path::new(ROOT).join(p)
}

#[test]
fn schemas_agree_with_the_parser() {
    let probe = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .status();
    assert!(
        probe.is_ok_and(|s| s.success()),
        "python3 with jsonschema is needed: pip install jsonschema (scripts/setup.sh does it)"
    );
    let show_schema = root("assets/schema/cueshow.schema.json");
    let sheet_schema = root("assets/schema/cuesheet.schema.json");
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read(root("sample_shows/hoshizora.cueshow.json")).unwrap();
    let show = cuesheet::parse_show(&sample).unwrap();
    let mut plan: Vec<(PathBuf, PathBuf, bool)> = vec![
        (
            show_schema.clone(),
            root("sample_shows/hoshizora.cueshow.json"),
            true,
        ),
        (
            show_schema.clone(),
            root("tests/fixtures/good/winter.cueshow.json"),
            true,
        ),
        (
            sheet_schema.clone(),
            root("tests/fixtures/good/winter.cues.json"),
            true,
        ),
    ];
    for (name, format) in [
        ("extended.json", cuesheet::ExportFormat::Extended),
        ("seed.json", cuesheet::ExportFormat::Seed),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, cuesheet::export_sheet(&show.cues, format, false)).unwrap();
        plan.push((sheet_schema.clone(), p, true));
    }
    let saved = dir.path().join("saved.cueshow.json");
    std::fs::write(&saved, cuesheet::show_to_json(&show)).unwrap();
    plan.push((show_schema.clone(), saved, true));
    // With a tempo grid, as the editor saves it.
    let with_tempo = cuesheet::Show {
        tempo: vec![
            cuesheet::TempoSection::default(),
            cuesheet::TempoSection {
                time: 60_000,
                bpm: 87.654321,
                beats_per_bar: 12,
                beat_unit: 8,
            },
        ],
        ..show.clone()
    };
    let tempo = dir.path().join("tempo.cueshow.json");
    std::fs::write(&tempo, cuesheet::show_to_json(&with_tempo)).unwrap();
    plan.push((show_schema.clone(), tempo, true));
    // Malformed but valid JSON: the schema must reject them as the parser does.
    for name in [
        "negative-time.json",
        "fractional-time.json",
        "string-time.json",
        "huge-time.json",
        "missing-action.json",
        "empty-action.json",
        "action-not-string.json",
        "unknown-cue-key.json",
        "negative-tolerance.json",
        "fractional-duration.json",
        "params-not-object.json",
        "sheet-with-lane.json",
        "many-problems.json",
        "cue-not-object.json",
        "top-level-number.json",
    ] {
        plan.push((
            sheet_schema.clone(),
            root(&format!("tests/fixtures/bad/{name}")),
            false,
        ));
    }
    for name in [
        "unknown-show-key.cueshow.json",
        "bad-event-start.cueshow.json",
        "event-start-no-offset.cueshow.json",
        "negative-drift.cueshow.json",
        "wrong-version.cueshow.json",
        "missing-version.cueshow.json",
        "cues-not-array.cueshow.json",
        "marker-missing-label.cueshow.json",
        "bad-tempo.cueshow.json",
    ] {
        plan.push((
            show_schema.clone(),
            root(&format!("tests/fixtures/bad/{name}")),
            false,
        ));
    }
    let plan_file = dir.path().join("plan.json");
    std::fs::write(&plan_file, serde_json::to_vec(&plan).unwrap()).unwrap();
    let out = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(&plan_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
