//! Property tests for the timing importers: none panics on any input, and what the
//! exporters write reads back as the same cues.

use cuesheet::Cue;
use cuesheet::timing::{Format, audacity, csv, lrc, midi, reaper, srt, xtiming};
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

fn midi_fixture() -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/timing/drums.mid",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

/// A cue whose label survives every label format: an action name, or a text that is not
/// one, with no surrounding or doubled spaces (which the readers trim).
fn labelled_cue() -> impl Strategy<Value = Cue> {
    prop_oneof![
        (0i64..10_000_000, "[a-zA-Z][a-zA-Z0-9_.-]{0,8}", duration()).prop_map(
            |(time, action, duration)| Cue {
                time,
                action,
                duration,
                ..Cue::default()
            }
        ),
        (
            0i64..10_000_000,
            "[a-z]{1,5}[ ,&<>\"'][a-z]{1,8}|花火|メリー",
            duration()
        )
            .prop_map(|(time, text, duration)| text_cue(time, text, duration)),
    ]
}

proptest! {
    #[test]
    fn midi_never_panics_on_a_damaged_file(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = midi_fixture();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        bytes.truncate(cut.index(bytes.len() + 1).max(1));
        let _ = midi::read(&bytes);
    }

    #[test]
    fn xtiming_export_reads_back(cues in prop::collection::vec(labelled_cue(), 0..20)) {
        let cues: Vec<Cue> = cues
            .into_iter()
            .map(|c| Cue { lane: Some(xtiming::DEFAULT_TRACK.into()), ..c })
            .collect();
        let written = xtiming::export(&cues);
        prop_assert_eq!(xtiming::import(written.as_bytes()).ok(), Some(cues));
    }

    #[test]
    fn reaper_export_reads_back(cues in prop::collection::vec(labelled_cue(), 0..20)) {
        let written = reaper::export(&cues);
        prop_assert_eq!(reaper::import(written.as_bytes()).ok(), Some(cues));
    }

    #[test]
    fn lrc_export_reads_back_at_hundredths(
        cues in prop::collection::vec(
            (0i64..100_000, "[a-zA-Z花][a-zA-Z,!]{0,6}( [a-z!]{1,4})?")
                .prop_map(|(centis, text)| text_cue(centis * 10, text, None)),
            0..20,
        )
    ) {
        // LRC has no place for doubled spaces or fractions of a hundredth.
        let mut sorted = cues.clone();
        sorted.sort_by_key(|c| c.time);
        let written = lrc::export(&cues);
        prop_assert_eq!(lrc::import(written.as_bytes()).ok(), Some(sorted));
    }

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
