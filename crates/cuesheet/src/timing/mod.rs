//! Timing files designers already have, as the tools that make them write them: each
//! importer turns one file's bytes into cues (`time` in ms), or refuses the whole file with
//! located problems (each at its line, which [`ParseError::located_lines`] writes as
//! `FILE:LINE: message`), so nothing is ever half-imported.
//!
//! - [`audacity`]: Audacity label tracks (`start\tend\tlabel`, seconds), and back.
//! - [`csv`]: CSV cue lists with a header (`time,action[,tolerance,duration,lane,note]`), and back.
//! - [`lrc`]: LRC lyrics (`[mm:ss.xx]text`), as `textFade` cues, and back.
//! - [`midi`]: Standard MIDI files: the tempo map, and a track's notes as cues.
//! - [`reaper`]: REAPER marker and region lists (the Region/Marker Manager's CSV), and back.
//! - [`srt`]: SRT subtitles, as `textFade` cues with durations, and back.
//! - [`xtiming`]: xLights timing tracks (`.xtiming`, several tracks as lanes), and back.
//!
//! Every text importer takes bytes: a UTF-8 byte-order mark is skipped, and UTF-16, UTF-32,
//! Shift_JIS or other non-UTF-8 text is refused with a message saying what it looks like.
//! Labels map to cues the same way in every format that has them ([`is_action_name`]): an
//! action name is the cue's action, other text a `textFade` cue with `params.text`.

pub mod audacity;
pub mod csv;
pub mod lrc;
pub mod midi;
pub mod reaper;
pub mod srt;
pub mod xtiming;

use serde_json::{Map, Value};

use crate::error::{Location, ParseError, Problem};
use crate::json::{UTF8_BOM, wide_encoding};
use crate::model::Cue;

/// A timing-file format this module reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Audacity,
    Csv,
    Lrc,
    Srt,
    Xtiming,
    Reaper,
    Midi,
}

impl Format {
    /// Every format, in the order the issue lists them.
    pub const ALL: [Format; 7] = [
        Format::Audacity,
        Format::Csv,
        Format::Lrc,
        Format::Srt,
        Format::Xtiming,
        Format::Reaper,
        Format::Midi,
    ];

    /// The short name (`audacity`, `csv`, `lrc`, `srt`, `xtiming`, `reaper`, `midi`), as a `--format` value.
    pub fn name(self) -> &'static str {
        match self {
            Format::Audacity => "audacity",
            Format::Csv => "csv",
            Format::Lrc => "lrc",
            Format::Srt => "srt",
            Format::Xtiming => "xtiming",
            Format::Reaper => "reaper",
            Format::Midi => "midi",
        }
    }

    /// What people call it, for menus: `LRC lyrics`, `MIDI notes`…
    pub fn title(self) -> &'static str {
        match self {
            Format::Audacity => "Audacity labels",
            Format::Csv => "CSV cue list",
            Format::Lrc => "LRC lyrics",
            Format::Srt => "SRT subtitles",
            Format::Xtiming => "xLights timing",
            Format::Reaper => "REAPER markers",
            Format::Midi => "MIDI notes",
        }
    }

    /// Whether the file names each cue's action itself (CSV's `action` column). In the
    /// other formats a cue comes from a label, a line of lyrics or a note, which is an
    /// action only when it is an action name ([`is_action_name`]), so an importer may want
    /// to give the cues one ([`assign`]).
    pub fn names_actions(self) -> bool {
        self == Format::Csv
    }

    /// The format with this short name (any case).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// The format a file name's extension suggests: `.txt` (Audacity's label export),
    /// `.csv` (a cue list; REAPER's CSV must be named with `--format reaper`), `.lrc`,
    /// `.srt`, `.xtiming`, `.mid`.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        // Keep in step with `EXTENSIONS`.
        let ext = path.extension()?.to_str()?;
        match ext.to_ascii_lowercase().as_str() {
            "txt" => Some(Format::Audacity),
            "csv" => Some(Format::Csv),
            "lrc" => Some(Format::Lrc),
            "srt" => Some(Format::Srt),
            "xtiming" => Some(Format::Xtiming),
            "mid" | "midi" => Some(Format::Midi),
            _ => None,
        }
    }

    /// The extensions [`Format::from_path`] knows, for file dialogs' filters.
    pub const EXTENSIONS: [&'static str; 7] =
        ["txt", "csv", "lrc", "srt", "xtiming", "mid", "midi"];

    /// Reads a file of this format: all its cues, or every problem found (for MIDI, the
    /// notes of the first track with notes; [`midi::read`] gives the tempo map and a
    /// choice of track).
    pub fn import(self, bytes: &[u8]) -> Result<Vec<Cue>, ParseError> {
        match self {
            Format::Audacity => audacity::import(bytes),
            Format::Csv => csv::import(bytes),
            Format::Lrc => lrc::import(bytes),
            Format::Srt => srt::import(bytes),
            Format::Xtiming => xtiming::import(bytes),
            Format::Reaper => reaper::import(bytes),
            Format::Midi => midi::import(bytes),
        }
    }
}

/// Gives every cue `action` and puts every cue in `lane` (`None` leaves what the file
/// gave; an empty lane is no lane): `cuestudio import --action/--lane` and the editor's
/// import preview, one rule.
pub fn assign(cues: &mut [Cue], action: Option<&str>, lane: Option<&str>) {
    for cue in cues {
        if let Some(a) = action {
            a.clone_into(&mut cue.action);
        }
        if let Some(l) = lane {
            cue.lane = (!l.is_empty()).then(|| l.to_owned());
        }
    }
}

/// The action of cues that show text (`params.text`).
pub const TEXT_ACTION: &str = "textFade";

/// A problem on line `line` (1-based): displays as `3: message`, and as
/// `song.lrc:3: message` with the file.
pub(crate) fn at_line(line: usize, message: impl Into<String>) -> Problem {
    Problem {
        location: Location::Line { line },
        message: message.into(),
    }
}

/// The file's text: UTF-8, a BOM skipped. Anything else is refused as a whole, saying
/// what it looks like and to save it as UTF-8.
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, ParseError> {
    if let Some(encoding) = wide_encoding(bytes) {
        return Err(Problem::whole(format!(
            "not UTF-8 text (looks like {encoding}); save the file as UTF-8"
        ))
        .into());
    }
    let (body, skipped) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, UTF8_BOM.len()),
        None => (bytes, 0),
    };
    if let Some(at) = body.iter().position(|&b| b == 0) {
        return Err(Problem::whole(format!(
            "binary data, not a text file (a NUL byte at byte {})",
            at + skipped
        ))
        .into());
    }
    std::str::from_utf8(body).map_err(|err| {
        let at = err.valid_up_to() + skipped;
        let looks = if looks_like_shift_jis(body) {
            " (looks like Shift_JIS)"
        } else {
            ""
        };
        Problem::whole(format!(
            "not UTF-8 text: invalid UTF-8 at byte {at}{looks}; save the file as UTF-8"
        ))
        .into()
    })
}

/// Every byte fits Shift_JIS (ASCII, half-width katakana, or a lead byte with a valid
/// trail byte) and there is at least one two-byte character.
fn looks_like_shift_jis(bytes: &[u8]) -> bool {
    let mut pairs = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            0x00..=0x7F | 0xA1..=0xDF => i += 1,
            0x81..=0x9F | 0xE0..=0xFC => match bytes.get(i + 1) {
                Some(0x40..=0x7E | 0x80..=0xFC) => {
                    pairs += 1;
                    i += 2;
                }
                _ => return false,
            },
            _ => return false,
        }
    }
    pairs > 0
}

/// The lines of `text` numbered from 1, each without its `\n` or `\r\n`.
pub(crate) fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, line)| (i + 1, line))
}

/// Whether a label names an action: an ASCII letter, then letters, digits, `_`, `-` or `.`.
pub fn is_action_name(label: &str) -> bool {
    let mut bytes = label.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// `text` without the `<…>` tags whose inside `is_tag` accepts; other `<` stay as they are.
pub(crate) fn remove_tags(text: &str, is_tag: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        match after.split_once('>') {
            Some((inner, tail)) if is_tag(inner) => {
                out.push_str(&rest[..open]);
                rest = tail;
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A `textFade` cue showing `text`.
pub(crate) fn text_cue(time: i64, text: &str, duration: Option<i64>) -> Cue {
    let mut params = Map::new();
    params.insert("text".into(), Value::String(text.to_owned()));
    Cue {
        time,
        action: TEXT_ACTION.into(),
        duration,
        params: Some(params),
        ..Cue::default()
    }
}

/// The text a `textFade` cue shows (`params.text`), if it is one.
pub fn cue_text(cue: &Cue) -> Option<&str> {
    if cue.action != TEXT_ACTION {
        return None;
    }
    cue.params.as_ref()?.get("text")?.as_str()
}

/// A decimal number of seconds (`12`, `1.5`, `0.123456`; `,` also accepted as the
/// decimal mark) as ms, rounded to the nearest ms. `None` if it is not one, negative or
/// too large.
pub(crate) fn seconds_to_ms(s: &str) -> Option<i64> {
    let (whole, fraction) = match s.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac = fraction.as_bytes();
    let mut millis = frac
        .iter()
        .chain(b"000")
        .take(3)
        .fold(0, |n, d| n * 10 + i64::from(d - b'0'));
    if frac.get(3).is_some_and(|&d| d >= b'5') {
        millis += 1;
    }
    whole.checked_mul(1000)?.checked_add(millis)
}

/// `ms` as seconds with six decimals, as Audacity writes them (`1.500000`).
pub(crate) fn ms_to_seconds(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let abs = ms.unsigned_abs();
    format!("{sign}{}.{:03}000", abs / 1000, abs % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_to_the_nearest_ms() {
        assert_eq!(seconds_to_ms("1.500000"), Some(1500));
        assert_eq!(seconds_to_ms("0.0004999"), Some(0));
        assert_eq!(seconds_to_ms("0.0005"), Some(1));
        assert_eq!(seconds_to_ms("12"), Some(12_000));
        assert_eq!(seconds_to_ms("2,25"), Some(2250));
        assert_eq!(seconds_to_ms(".5"), Some(500));
        for bad in ["", ".", "-1", "1e3", "abc", "1.2.3", "99999999999999999999"] {
            assert_eq!(seconds_to_ms(bad), None, "{bad}");
        }
        assert_eq!(ms_to_seconds(1500), "1.500000");
        assert_eq!(ms_to_seconds(7), "0.007000");
    }

    #[test]
    fn encodings_are_refused_with_what_they_look_like() {
        let err = |b: &[u8]| decode(b).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(decode(b"\xEF\xBB\xBFabc").ok(), Some("abc"));
        assert!(err(b"\xFF\xFEa\0b\0").contains("looks like UTF-16 LE"));
        assert!(err(b"a\0b\0").contains("looks like UTF-16 LE"));
        // 「歌」 in Shift_JIS.
        let sjis = err(b"[00:01.00]\x89\xcc");
        assert!(sjis.contains("looks like Shift_JIS"), "{sjis}");
        assert!(sjis.contains("save the file as UTF-8"));
        assert!(!err(b"\xFF\xFF\xFF").contains("Shift_JIS"));
    }

    #[test]
    fn every_extension_names_a_format_and_assign_overrides_only_what_is_given() {
        for ext in Format::EXTENSIONS {
            let name = format!("song.{}", ext.to_ascii_uppercase());
            assert!(
                Format::from_path(std::path::Path::new(&name)).is_some(),
                "{ext}"
            );
        }
        let mut cues = vec![text_cue(5, "la", None)];
        assign(&mut cues, None, Some("Lyrics"));
        assert_eq!(
            (cues[0].action.as_str(), cues[0].lane.as_deref()),
            (TEXT_ACTION, Some("Lyrics"))
        );
        assign(&mut cues, Some("lyric"), Some(""));
        assert_eq!(
            (cues[0].action.as_str(), cues[0].lane.as_deref()),
            ("lyric", None)
        );
        assert_eq!(cue_text(&text_cue(0, "la", None)), Some("la"));
    }

    #[test]
    fn action_names() {
        assert!(is_action_name("kick"));
        assert!(is_action_name("color-wash.2"));
        assert!(!is_action_name("Hello world"));
        assert!(!is_action_name("2nd"));
        assert!(!is_action_name(""));
        assert!(!is_action_name("花火"));
    }
}
