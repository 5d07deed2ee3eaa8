//! LRC lyrics: `[mm:ss.xx]text`, with one or more time stamps in front of a line of text.
//!
//! Mapping:
//! - each time stamp of a line becomes a `textFade` cue with the line's text in
//!   `params.text`, and the cues come out in time order; a stamp with no text (a break in
//!   the lyrics) makes no cue;
//! - stamps are `[mm:ss]`, `[mm:ss.x]`, `[mm:ss.xx]` or `[mm:ss.xxx]` (`:` before the
//!   fraction also accepted), minutes not limited to 59;
//! - `[offset:±ms]` applies to the whole file: a positive offset shows the lyrics sooner
//!   (the stamp minus the offset), and a time that would fall before 0 becomes 0;
//! - other tags (`[ti:…]`, `[ar:…]`, `[al:…]`, `[by:…]`, `[length:…]`, …) are ignored, and
//!   so are the word stamps of enhanced LRC (`<mm:ss.xx>`) inside the text;
//! - a line of text with no stamp in front, or a stamp that is not a time, is an error.
//!
//! Export writes one `[mm:ss.xx]text` line a cue (its `params.text` for a `textFade`
//! cue, its action otherwise, line breaks as spaces), hundredths rounded down as most LRC
//! tools write them; durations and everything else have no place in the format.

use crate::error::ParseError;
use crate::model::Cue;

use super::{at_line, cue_text, decode, numbered_lines, text_cue};

/// Reads LRC lyrics. Every bad line is reported; any error means no cues.
pub fn import(bytes: &[u8]) -> Result<Vec<Cue>, ParseError> {
    let text = decode(bytes)?;
    let mut stamped: Vec<(i64, String)> = Vec::new();
    let mut offset_ms = 0_i64;
    let mut problems = Vec::new();
    for (n, line) in numbered_lines(text) {
        match parse_line(line) {
            Ok(Line::Lyric { stamps, text }) => {
                if !text.is_empty() {
                    stamped.extend(stamps.into_iter().map(|t| (t, text.clone())));
                }
            }
            Ok(Line::Offset(ms)) => offset_ms = ms,
            Ok(Line::Other) => {}
            Err(message) => problems.push(at_line(n, message)),
        }
    }
    if !problems.is_empty() {
        return Err(ParseError { problems });
    }
    let mut cues: Vec<Cue> = stamped
        .into_iter()
        .map(|(time, text)| text_cue(time.saturating_sub(offset_ms).max(0), &text, None))
        .collect();
    cues.sort_by_key(|cue| cue.time);
    Ok(cues)
}

enum Line {
    Lyric { stamps: Vec<i64>, text: String },
    Offset(i64),
    Other,
}

fn parse_line(line: &str) -> Result<Line, String> {
    let mut rest = line.trim();
    let mut stamps = Vec::new();
    while let Some(tag_and_after) = rest.strip_prefix('[') {
        let Some((tag, after)) = tag_and_after.split_once(']') else {
            return Err(format!("a tag is never closed with ']': {rest:?}"));
        };
        if tag.starts_with(|c: char| c.is_ascii_digit()) {
            let time = stamp_ms(tag)
                .ok_or_else(|| format!("expected a time stamp like [01:23.45], got [{tag}]"))?;
            stamps.push(time);
        } else if stamps.is_empty() {
            let (name, value) = tag.split_once(':').unwrap_or((tag, ""));
            if name.trim().eq_ignore_ascii_case("offset") {
                let value = value.trim();
                let digits = value.strip_prefix('+').unwrap_or(value);
                return digits.parse::<i64>().map(Line::Offset).map_err(|_| {
                    format!("expected the offset in ms like [offset:+250], got [{tag}]")
                });
            }
            return Ok(Line::Other);
        } else {
            break;
        }
        rest = after.trim_start();
    }
    let text = strip_word_stamps(rest.trim());
    if stamps.is_empty() {
        if text.is_empty() {
            return Ok(Line::Other);
        }
        return Err(format!(
            "expected a time stamp like [01:23.45] before the text {text:?}"
        ));
    }
    Ok(Line::Lyric { stamps, text })
}

/// `mm:ss`, `mm:ss.f`, `mm:ss.ff`, `mm:ss.fff` (or `:` before the fraction) as ms.
fn stamp_ms(tag: &str) -> Option<i64> {
    let (minutes, rest) = tag.trim().split_once(':')?;
    let (seconds, fraction) = match rest.split_once(['.', ':']) {
        Some((s, f)) => (s, f),
        None => (rest, ""),
    };
    let digits = |p: &str, max: usize| {
        !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(minutes, 6) || !digits(seconds, 2) || !(fraction.is_empty() || digits(fraction, 3)) {
        return None;
    }
    let minutes: i64 = minutes.parse().ok()?;
    let seconds: i64 = seconds.parse().ok()?;
    if seconds >= 60 {
        return None;
    }
    let millis = fraction
        .bytes()
        .chain(*b"000")
        .take(3)
        .fold(0, |n, d| n * 10 + i64::from(d - b'0'));
    Some(minutes * 60_000 + seconds * 1000 + millis)
}

/// The text without enhanced-LRC word stamps (`<01:02.03>`), spaces collapsed at the joins.
fn strip_word_stamps(text: &str) -> String {
    let out = super::remove_tags(text, |inner| stamp_ms(inner).is_some());
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes cues as LRC lines, `\n` line ends.
pub fn export(cues: &[Cue]) -> String {
    let mut out = String::new();
    for cue in cues {
        let text = cue_text(cue).unwrap_or(&cue.action);
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let ms = cue.time.max(0);
        out.push_str(&format!(
            "[{:02}:{:02}.{:02}]{text}\n",
            ms / 60_000,
            ms / 1000 % 60,
            ms % 1000 / 10
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps() {
        assert_eq!(stamp_ms("01:02.5"), Some(62_500));
        assert_eq!(stamp_ms("01:02.05"), Some(62_050));
        assert_eq!(stamp_ms("01:02.005"), Some(62_005));
        assert_eq!(stamp_ms("01:02:34"), Some(62_340));
        assert_eq!(stamp_ms("75:00"), Some(4_500_000));
        for bad in ["1:60.00", "1:2x.00", "1", "01:02.1234", ":02.00"] {
            assert_eq!(stamp_ms(bad), None, "{bad}");
        }
        assert_eq!(
            strip_word_stamps("<00:01.00>Hel <00:01.50>lo <b>"),
            "Hel lo <b>"
        );
    }
}
