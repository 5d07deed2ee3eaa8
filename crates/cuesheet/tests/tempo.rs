//! The tempo grid's sections in the show document: saved one per line, read back equal by
//! both parsers, checked with located errors, and never part of the CDN cue sheet.

use cuesheet::{
    Document, ExportFormat, Show, TempoSection, export_sheet, parse, parse_precise, parse_show,
    show_to_json,
};

fn section(time: i64, bpm: f64, beats_per_bar: u32, beat_unit: u32) -> TempoSection {
    TempoSection {
        time,
        bpm,
        beats_per_bar,
        beat_unit,
    }
}

fn messages(text: &str) -> Vec<String> {
    match parse(text.as_bytes()) {
        Ok(doc) => panic!("expected an error, got {doc:?}"),
        Err(err) => err.problems.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn tempo_sections_are_saved_one_per_line_and_read_back_by_both_parsers() {
    let show = Show {
        tempo: vec![
            section(0, 128.0, 4, 4),
            section(93_750, 87.5, 6, 8),
            section(180_000, 132.051282, 7, 16),
        ],
        ..Show::default()
    };
    let text = show_to_json(&show);
    assert_eq!(
        text,
        "{\n  \"cuestudio\": 1,\n  \"cues\": [],\n  \"tempo\": [\n    \
         {\"time\": 0, \"bpm\": 128, \"meter\": \"4/4\"},\n    \
         {\"time\": 93750, \"bpm\": 87.5, \"meter\": \"6/8\"},\n    \
         {\"time\": 180000, \"bpm\": 132.051282, \"meter\": \"7/16\"}\n  ]\n}\n"
    );
    assert_eq!(parse_show(text.as_bytes()), Ok(show.clone()));
    assert_eq!(
        parse_precise(text.as_bytes()),
        Ok(Document::Show(show.clone()))
    );
    // A tempo with all 17 digits is saved to a millionth, which reads back exactly: saving
    // what was read gives the same bytes.
    let long = Show {
        tempo: vec![section(500, 128.20512820512822, 3, 4)],
        ..Show::default()
    };
    let text = show_to_json(&long);
    assert!(text.contains("\"bpm\": 128.205128,"), "{text}");
    let back = parse_show(text.as_bytes()).unwrap();
    assert_eq!(back.tempo[0].bpm, 128.205128);
    assert_eq!(show_to_json(&back), text);
    assert_eq!(parse_precise(text.as_bytes()), Ok(Document::Show(back)));
    // No sections, no key.
    assert!(!show_to_json(&Show::default()).contains("tempo"));
}

#[test]
fn the_meter_defaults_to_four_four_and_spaces_are_allowed_in_it() {
    let text = r#"{"cuestudio": 1, "cues": [], "tempo": [
        {"time": 0, "bpm": 120},
        {"bpm": 90.25, "time": 1000, "meter": " 6 / 8 "}
    ]}"#;
    let expected = vec![section(0, 120.0, 4, 4), section(1000, 90.25, 6, 8)];
    assert_eq!(
        parse_show(text.as_bytes()).map(|s| s.tempo),
        Ok(expected.clone())
    );
    assert_eq!(
        parse_precise(text.as_bytes()),
        Ok(Document::Show(Show {
            tempo: expected,
            ..Show::default()
        }))
    );
}

#[test]
fn bad_sections_are_reported_at_their_index_and_field() {
    // Each section's own problems first, then its place in the order (checked for every
    // section with a good time, even one with other problems).
    let text = r#"{"cuestudio": 1, "cues": [], "tempo": [
        {"time": 1000, "bpm": 120, "meter": "4/4"},
        {"time": 1000, "bpm": 0},
        {"time": 500, "bpm": 401.5, "meter": "5/5"},
        {"time": -1, "bpm": "128", "swing": 0.5},
        {"bpm": 90, "meter": 44},
        {"time": 9000},
        {"time": 9500, "bpm": 19.99, "meter": "33/4"},
        "128 bpm",
        {"time": 9500, "bpm": 120}
    ]}"#;
    assert_eq!(
        messages(text),
        [
            "tempo[1].bpm: must be a number of beats per minute from 20 to 400, got 0",
            "tempo[1].time: must be after tempo[0]'s time (1000 ms): sections are listed in time order, each from its own time",
            "tempo[2].bpm: must be a number of beats per minute from 20 to 400, got 401.5",
            "tempo[2].meter: must be a meter \"beats/unit\" such as \"4/4\" or \"6/8\" (beats 1 to 32, unit 1, 2, 4, 8 or 16), got a string \"5/5\"",
            "tempo[2].time: must be after tempo[1]'s time (1000 ms): sections are listed in time order, each from its own time",
            "tempo[3].time: must be a whole number of milliseconds >= 0, got -1",
            "tempo[3].bpm: must be a number of beats per minute from 20 to 400, got a string \"128\"; remove the quotes",
            "tempo[3].swing: unknown key \"swing\" (a tempo section has time, bpm, meter)",
            "tempo[4].meter: must be a meter \"beats/unit\" such as \"4/4\" or \"6/8\" (beats 1 to 32, unit 1, 2, 4, 8 or 16), got 44",
            "tempo[4]: missing required key \"time\" (ms of the section's first downbeat)",
            "tempo[5]: missing required key \"bpm\" (beats per minute)",
            "tempo[6].bpm: must be a number of beats per minute from 20 to 400, got 19.99",
            "tempo[6].meter: must be a meter \"beats/unit\" such as \"4/4\" or \"6/8\" (beats 1 to 32, unit 1, 2, 4, 8 or 16), got a string \"33/4\"",
            "tempo[7]: must be a tempo section object with \"time\" and \"bpm\", got a string \"128 bpm\"",
            "tempo[8].time: must be after tempo[6]'s time (9500 ms): sections are listed in time order, each from its own time",
        ]
    );
    // Out of order and on the same time, each named against the section before it.
    let text = r#"{"cuestudio": 1, "cues": [], "tempo": [
        {"time": 5000, "bpm": 120}, {"time": 5000, "bpm": 100}, {"time": 4000, "bpm": 90}
    ]}"#;
    assert_eq!(
        messages(text),
        [
            "tempo[1].time: must be after tempo[0]'s time (5000 ms): sections are listed in time order, each from its own time",
            "tempo[2].time: must be after tempo[1]'s time (5000 ms): sections are listed in time order, each from its own time",
        ]
    );
    assert_eq!(
        messages(r#"{"cuestudio": 1, "cues": [], "tempo": {"bpm": 120}}"#),
        ["tempo: must be an array of tempo sections, got an object"]
    );
    assert_eq!(
        messages(r#"{"cuestudio": 1, "cues": [], "tempo": null}"#),
        ["tempo: must be an array of tempo sections, got null"]
    );
}

#[test]
fn the_cue_sheet_never_carries_the_tempo() {
    let text = r#"{"cuestudio": 1, "cues": [{"time": 500, "action": "flash"}],
        "tempo": [{"time": 0, "bpm": 128, "meter": "3/4"}]}"#;
    let show = parse_show(text.as_bytes()).unwrap();
    assert_eq!(show.tempo.len(), 1);
    for format in [ExportFormat::Extended, ExportFormat::Seed] {
        for pretty in [false, true] {
            let sheet = export_sheet(&show.cues, format, pretty);
            assert!(
                !sheet.contains("tempo") && !sheet.contains("bpm") && !sheet.contains("meter"),
                "{sheet}"
            );
        }
    }
}

#[test]
fn meters_and_tempi_a_section_may_have() {
    assert_eq!(TempoSection::parse_meter("4/4"), Some((4, 4)));
    assert_eq!(TempoSection::parse_meter("32/16"), Some((32, 16)));
    assert_eq!(TempoSection::parse_meter("12/8"), Some((12, 8)));
    for bad in [
        "0/4", "33/4", "4/3", "4/32", "4", "4/4/4", "a/4", "-4/4", "",
    ] {
        assert_eq!(TempoSection::parse_meter(bad), None, "{bad}");
    }
    assert!(TempoSection::bpm_ok(20.0) && TempoSection::bpm_ok(400.0));
    assert!(!TempoSection::bpm_ok(f64::NAN) && !TempoSection::bpm_ok(f64::INFINITY));
    assert!(!TempoSection::bpm_ok(19.999));
    assert_eq!(TempoSection::round_bpm(128.20512820512822), 128.205128);
    assert!(TempoSection::default().is_valid());
    assert!(!section(-1, 120.0, 4, 4).is_valid());
    assert_eq!(section(0, 90.0, 6, 8).meter(), "6/8");
    assert_eq!(section(0, 120.0, 4, 4).beat_ms(), 500.0);
}
