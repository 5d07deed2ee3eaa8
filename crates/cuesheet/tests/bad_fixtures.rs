//! The malformed-file corpus: every file in `tests/fixtures/bad/` must be rejected with the
//! exact problems (location and message) in its `.expected` file beside it.

use std::path::Path;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/bad");

#[test]
fn every_bad_fixture_fails_with_its_expected_message() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(DIR)
        .expect("tests/fixtures/bad exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_none_or(|e| e != "expected"))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expected_path = Path::new(DIR).join(format!("{name}.expected"));
        let Ok(expected) = std::fs::read_to_string(&expected_path) else {
            failures.push(format!("{name}: no {name}.expected beside it"));
            continue;
        };
        let bytes = std::fs::read(&path).unwrap();
        match cuesheet::parse(&bytes) {
            Ok(doc) => failures.push(format!("{name}: accepted as {doc:?}")),
            Err(err) => {
                let got = err.to_string();
                if got.trim() != expected.trim() {
                    failures.push(format!(
                        "{name}:\n  expected: {}\n  got:      {}",
                        expected.trim(),
                        got.trim()
                    ));
                }
            }
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 25, "only {checked} fixtures");
}

#[test]
fn syntax_errors_carry_line_and_column_and_semantic_ones_a_path() {
    let trailing = std::fs::read(Path::new(DIR).join("trailing-comma.json")).unwrap();
    let err = cuesheet::parse(&trailing).unwrap_err();
    assert_eq!(
        err.problems[0].location,
        cuesheet::Location::LineColumn { line: 3, column: 1 }
    );
    let many = std::fs::read(Path::new(DIR).join("many-problems.json")).unwrap();
    let err = cuesheet::parse(&many).unwrap_err();
    let paths: Vec<_> = err
        .problems
        .iter()
        .map(|p| match &p.location {
            cuesheet::Location::Path(p) => p.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        paths,
        [
            "[0].time",
            "[0].action",
            "[2].time",
            "[2].action",
            "[2].params"
        ]
    );
}
