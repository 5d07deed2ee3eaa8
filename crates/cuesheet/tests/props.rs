//! Property tests: the parser never panics, and export and save are canonical.

use cuesheet::{
    Cue, ExportFormat, Marker, Show, TempoSection, export_sheet, parse, parse_sheet, parse_show,
    show_to_json,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("time"),
            Just("action"),
            Just("cues"),
            Just("cuestudio")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("time".to_owned()),
                        Just("action".to_owned()),
                        Just("cues".to_owned()),
                        Just("cuestudio".to_owned()),
                        Just("params".to_owned()),
                        "[a-z]{1,8}"
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn cue() -> impl Strategy<Value = Cue> {
    (
        0i64..10_000_000,
        "[a-zA-Z][a-zA-Z0-9]{0,10}|花火|メリー",
        proptest::option::of(0i64..100_000),
        proptest::option::of(0i64..100_000),
        proptest::option::of(prop::collection::vec(("[a-z]{1,6}", any::<i32>()), 0..3)),
    )
        .prop_map(|(time, action, tolerance, duration, params)| Cue {
            time,
            action,
            tolerance,
            duration,
            params: params.map(|kv| kv.into_iter().map(|(k, v)| (k, Value::from(v))).collect()),
            lane: None,
            note: None,
        })
}

/// Text a person might type into a note, label or title: any characters, Japanese, quotes.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof!["(?s).{0,10}", Just("花火 \"big\" one\n".to_owned())]
}

/// A valid show: editor keys on cues, markers and effects in any order, several cues at
/// one time.
fn show() -> impl Strategy<Value = Show> {
    let cue = (
        cue(),
        0i64..4,
        proptest::option::of(any_text()),
        proptest::option::of(any_text()),
    )
        .prop_map(|(cue, slot, lane, note)| Cue {
            // Few distinct times, so ties are common.
            time: if slot == 0 { cue.time } else { slot * 1000 },
            lane,
            note,
            ..cue
        });
    let marker = (0i64..5_000, any_text()).prop_map(|(time, label)| Marker { time, label });
    // Floats as a person writes them (serde_json's reader, without its `float_roundtrip`
    // feature, may be 1 ulp off on 17-digit extremes such as -4.884585869229678e-182).
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1_000_000i64..1_000_000).prop_map(|n| Value::from(n as f64 / 1000.0)),
        any_text().prop_map(Value::from),
    ];
    let value = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,6}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    });
    let entry = prop::collection::vec(("[a-z]{1,6}", value), 0..4)
        .prop_map(|kv| Value::Object(kv.into_iter().collect()));
    let effects = prop::collection::vec(("[a-zA-Z花火]{1,6}", entry), 0..3);
    (
        prop::collection::vec(cue, 0..20),
        prop::collection::vec(marker, 0..6),
        proptest::option::of(any_text()),
        proptest::option::of(0i64..5_000),
        proptest::option::of(effects),
        any::<bool>(),
        prop::collection::vec(any::<(bool, bool, bool)>(), 0..4),
        tempo(),
    )
        .prop_map(
            |(cues, markers, title, expected_drift, effects, full, lanes, tempo)| Show {
                title,
                audio: full.then(|| "音楽/show.ogg".to_owned()),
                event_start: full.then(|| "2026-12-24T19:00:00+09:00".to_owned()),
                time_server: full.then(|| "http://127.0.0.1:8787/time".to_owned()),
                expected_drift,
                cues,
                markers,
                // Distinct names, in the designer's order (not sorted), with any flags.
                lanes: lanes
                    .into_iter()
                    .enumerate()
                    .map(|(i, (hidden, muted, solo))| cuesheet::Lane {
                        name: format!("レーン {}", 9 - i),
                        hidden,
                        muted,
                        solo,
                    })
                    .collect(),
                tempo,
                effects: effects.map(|e| e.into_iter().collect::<Map<_, _>>()),
            },
        )
}

/// Tempo sections in strictly increasing time order, with whole tempi and tempi to a
/// millionth (as saved), in any meter a section may have.
fn tempo() -> impl Strategy<Value = Vec<TempoSection>> {
    let bpm = prop_oneof![
        (20u32..=400).prop_map(f64::from),
        (20_000_000u64..=400_000_000).prop_map(|n| n as f64 / 1e6),
    ];
    let section = (
        1i64..200_000,
        bpm,
        1u32..=TempoSection::MAX_BEATS_PER_BAR,
        prop::sample::select(TempoSection::BEAT_UNITS.to_vec()),
    );
    (0i64..10_000, prop::collection::vec(section, 0..4)).prop_map(|(start, sections)| {
        let mut time = start;
        sections
            .into_iter()
            .map(|(gap, bpm, beats_per_bar, beat_unit)| {
                time += gap;
                TempoSection {
                    time,
                    bpm,
                    beats_per_bar,
                    beat_unit,
                }
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn saving_is_lossless_sorted_and_canonical(show in show()) {
        let text = show_to_json(&show);
        let back = parse_show(text.as_bytes()).expect("a saved show parses");
        // Cues and markers in time order, ties in document order; nothing else changes.
        let mut markers = show.markers.clone();
        markers.sort_by_key(|m| m.time);
        let sorted = Show { cues: show.sorted_cues(), markers, ..show.clone() };
        prop_assert_eq!(&back, &sorted);
        // Saving what was read gives the same bytes.
        prop_assert_eq!(show_to_json(&back), text.clone());
        // One line per cue, marker and tempo section, text unescaped beyond JSON's own rules.
        let lines = text.lines().filter(|l| l.starts_with("    {\"time\": ")).count();
        prop_assert_eq!(lines, show.cues.len() + show.markers.len() + show.tempo.len());
        let ends_once = text.ends_with("}\n") && !text.ends_with("\n\n");
        prop_assert!(ends_once, "{}", text);
        same_as_precise(text.as_bytes());
    }

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn never_panics_on_arbitrary_json(v in json_value()) {
        let _ = parse(v.to_string().as_bytes());
    }

    #[test]
    fn export_is_canonical_and_idempotent(cues in prop::collection::vec(cue(), 0..40), pretty in any::<bool>()) {
        let once = export_sheet(&cues, ExportFormat::Extended, pretty);
        let back = parse_sheet(once.as_bytes()).expect("an export parses");
        // Sorted by time, ties in document order, nothing lost.
        let mut sorted = cues.clone();
        sorted.sort_by_key(|c| c.time);
        prop_assert_eq!(&back, &sorted);
        // export(import(x)) == x for the canonical sheet.
        let canonical = export_sheet(&back, ExportFormat::Extended, pretty);
        prop_assert_eq!(&canonical, &once);
        // Seed keeps only time and action.
        let seed = parse_sheet(export_sheet(&cues, ExportFormat::Seed, false).as_bytes()).unwrap();
        prop_assert!(seed.iter().all(|c| c.tolerance.is_none() && c.duration.is_none() && c.params.is_none()));
    }
}

/// The fast path for valid files must give exactly what the precise path gives.
fn same_as_precise(bytes: &[u8]) {
    let fast = parse(bytes);
    let precise = cuesheet::parse_precise(bytes);
    assert_eq!(fast, precise, "{}", String::from_utf8_lossy(bytes));
}

#[test]
fn fast_path_agrees_with_the_precise_path_on_fixtures() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut files = vec![format!("{root}/sample_shows/hoshizora.cueshow.json")];
    for dir in [
        "tests/fixtures/good",
        "tests/fixtures/bad",
        "tests/fixtures/lint",
    ] {
        for e in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "json") {
                files.push(p.to_string_lossy().into_owned());
            }
        }
    }
    for f in &files {
        same_as_precise(&std::fs::read(f).unwrap());
    }
    // Values the fast path must hand back to the precise path.
    for text in [
        r#"[{"time": 0, "action": "a", "tolerance": null}]"#,
        r#"[{"time": 0, "action": "a", "params": {"x": 1, "x": 2}}]"#,
        r#"{"cuestudio": 1, "cues": [], "markers": null}"#,
        r#"{"cuestudio": 1, "cues": [], "timeServer": "ftp://x"}"#,
        r#"{"cuestudio": 1, "cues": [], "effects": {"a": 1}}"#,
        r#"{"cuestudio": 1, "cues": [{"time": 0, "action": "a", "lane": null}]}"#,
        "\u{feff}[{\"time\": 3, \"action\": \"b\"}]",
        r#"[{"time": 0, "action": "a", "params": {"x": {"y": 1, "y": 2}}}]"#,
        r#"[{"time": 0, "action": "a", "params": {"x": [{"y": 1, "y": 2}]}}]"#,
        r#"[{"time": 0, "action": "a", "time": 1}]"#,
        r#"[{"time": 0, "action": "a", "lane": "FX"}]"#,
        r#"[{"time": -0, "action": "a", "params": {"big": 18446744073709551615, "f": 1e3}}]"#,
        r#"{"cuestudio": 1, "cues": [{"time": 0, "action": "a", "note": "n", "note": "m"}]}"#,
        r#"{"cuestudio": 1, "cues": [], "effects": {"a": {"k": 1, "k": 2}}}"#,
        "[{\"time\": 0, \"action\": \"a\u{0}\"}]",
        "[{\"time\": 0, \"action\": \"a\"}, {\"time\": 1\u{0}}]",
    ] {
        same_as_precise(text.as_bytes());
    }
}

proptest! {
    #[test]
    fn fast_path_agrees_on_generated_sheets(cues in prop::collection::vec(cue(), 0..20)) {
        same_as_precise(export_sheet(&cues, ExportFormat::Extended, true).as_bytes());
    }

    #[test]
    fn fast_path_agrees_on_arbitrary_json(v in json_value()) {
        same_as_precise(v.to_string().as_bytes());
    }
}
