//! A catalog's duplicate keys, through the public API: in a catalog file and in a show's
//! `effects` overrides, each is an error that names the key at its `line:column`.

use cuesheet::catalog::Catalog;
use cuesheet::{Location, ParseError};

fn only(err: &ParseError) -> (Location, &str) {
    assert_eq!(err.problems.len(), 1, "{err}");
    (err.problems[0].location.clone(), &err.problems[0].message)
}

#[test]
fn a_catalog_file_rejects_a_repeated_key() {
    let text = "{\n  \"defaultTolerance\": 500,\n  \"effects\": {\n    \"fireworks\": {\n      \
                \"kind\": \"burst\",\n      \"kind\": \"flash\"\n    }\n  }\n}\n";
    let err = Catalog::parse(text.as_bytes()).unwrap_err();
    assert_eq!(
        only(&err),
        (
            Location::LineColumn {
                line: 6,
                column: 12
            },
            "duplicate key \"kind\""
        )
    );
    assert_eq!(err.to_string(), "6:12: duplicate key \"kind\"");
}

#[test]
fn a_shows_overrides_reject_a_repeated_key() {
    let show = r#"{
  "cuestudio": 1,
  "cues": [{"time": 0, "action": "fireworks"}],
  "effects": {
    "fireworks": {"tolerance": 400, "params": {"count": 10, "count": 20}}
  }
}"#;
    let expected = (
        Location::LineColumn {
            line: 5,
            column: 67,
        },
        "duplicate key \"count\"",
    );
    // Both entry points (each tries the fast path first) and the file reader.
    assert_eq!(
        only(&cuesheet::parse_show(show.as_bytes()).unwrap_err()),
        expected
    );
    assert_eq!(
        only(&cuesheet::parse(show.as_bytes()).unwrap_err()),
        expected
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.cueshow.json");
    std::fs::write(&path, show).unwrap();
    let lines = cuesheet::read_document(&path)
        .unwrap_err()
        .located_lines(&path);
    assert_eq!(
        lines,
        [format!("{}:5:67: duplicate key \"count\"", path.display())]
    );

    let repeated_action = show.replace(
        "\"fireworks\": {\"tolerance\": 400, \"params\": {\"count\": 10, \"count\": 20}}",
        "\"fireworks\": {},\n    \"fireworks\": {\"tolerance\": 400}",
    );
    assert_eq!(
        only(&cuesheet::parse_show(repeated_action.as_bytes()).unwrap_err()),
        (
            Location::LineColumn {
                line: 6,
                column: 15
            },
            "duplicate key \"fireworks\""
        )
    );
}
