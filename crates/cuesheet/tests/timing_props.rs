//! Property tests for the timing importers: none panics on any input, and what the
//! exporters write reads back as the same cues.

use cuesheet::Cue;
use cuesheet::timing::{Format, audacity, csv, srt};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Text made of the characters the formats give meaning to, so the parsers get past the
/// encoding check and into their grammar.
fn format_shaped_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[0-9]{1,3}",
            Just("\t".to_owned()),
            Just("\n".to_owned()),
            Just("\r\n".to_owned()),
            Just(",".to_owned()),
            Just("\"".to_owned()),
            Just(":".to_owned()),
            Just(".".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just("<".to_owned()),
            Just(">".to_owned()),
            Just(" --> ".to_owned()),
            Just("\\".to_owned()),
            Just("time,action,duration\n".to_owned()),
            Just("[offset:-".to_owned()),
            Just("99999999999999999999".to_owned()),
            "[a-z花]{1,4}",
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

fn text_cue(time: i64, text: String, duration: Option<i64>) -> Cue {
    let mut params = Map::new();
    params.insert("text".into(), Value::String(text));
    Cue {
        time,
        action: "textFade".into(),
        duration,
        params: Some(params),
        ..Cue::default()
    }
}

fn duration() -> impl Strategy<Value = Option<i64>> {
    proptest::option::of(1i64..1_000_000)
}

proptest! {
    #[test]
    fn no_importer_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for format in Format::ALL {
            let _ = format.import(&bytes);
        }
    }

    #[test]
    fn no_importer_panics_on_format_shaped_text(text in format_shaped_text()) {
        for format in Format::ALL {
            if let Err(err) = format.import(text.as_bytes()) {
                prop_assert!(!err.problems.is_empty());
            }
        }
    }

    #[test]
    fn audacity_export_reads_back(
        cues in prop::collection::vec(
            prop_oneof![
                (0i64..10_000_000, "[a-zA-Z][a-zA-Z0-9_.-]{0,8}", duration())
                    .prop_map(|(time, action, duration)| Cue { time, action, duration, ..Cue::default() }),
                (0i64..10_000_000, "[a-z]{1,5} [a-z ]{0,8}|花火|メリー", duration())
                    .prop_map(|(time, text, duration)| text_cue(time, text, duration)),
            ],
            0..20,
        )
    ) {
        let written = audacity::export(&cues);
        prop_assert_eq!(audacity::import(written.as_bytes()).ok(), Some(cues));
    }

    #[test]
    fn csv_export_reads_back(
        cues in prop::collection::vec(
            (
                0i64..10_000_000,
                "[a-zA-Z][a-zA-Z0-9 ,\"]{0,8}[a-z]|花火",
                proptest::option::of(0i64..100_000),
                proptest::option::of(0i64..100_000),
                proptest::option::of("[a-z][a-z ,\"\n]{0,5}[a-z]"),
                // Any text but NUL, which marks a file as binary.
                proptest::option::of("[^\\x00]{1,12}"),
            )
                .prop_map(|(time, action, tolerance, duration, lane, note)| Cue {
                    time, action, tolerance, duration, lane, note, ..Cue::default()
                }),
            0..20,
        )
    ) {
        let written = csv::export(&cues);
        prop_assert_eq!(csv::import(written.as_bytes()).ok(), Some(cues));
    }

    #[test]
    fn srt_export_reads_back(
        cues in prop::collection::vec(
            (0i64..100_000_000, "[a-zA-Z花]([a-zA-Z ,!]{0,6}[a-z!])?(\n[a-z]([a-z ]{0,6}[a-z])?)?", duration())
                .prop_map(|(time, text, duration)| text_cue(time, text, duration)),
            0..20,
        )
    ) {
        // Lines are trimmed at the end on import, so the texts have no trailing spaces.
        let written = srt::export(&cues);
        prop_assert_eq!(srt::import(written.as_bytes()).ok(), Some(cues));
    }
}
