//! SRT subtitles: blocks of a number, `hh:mm:ss,mmm --> hh:mm:ss,mmm`, and text lines,
//! separated by blank lines.
//!
//! Mapping:
//! - each block becomes a `textFade` cue at its start, with `duration = end - start`
//!   (none when they are equal) and its text lines joined with `\n` in `params.text`;
//! - the basic formatting tags (`<i>`, `<b>`, `<u>`, `<font …>` and their closing tags)
//!   are removed from the text; a block with no text makes no cue;
//! - `.` is accepted for `,` before the ms, and anything after the end time (the
//!   `X1:… Y2:…` position some tools add) is ignored; a missing block number is tolerated;
//! - a block whose number or times are wrong is an error at its line, and so is an end
//!   before the start.
//!
//! Export writes each cue as a block: its `params.text` for a `textFade` cue, its action
//! otherwise, ending at `time + duration`.

use crate::error::ParseError;
use crate::model::Cue;

use super::{at_line, cue_text, decode, numbered_lines, text_cue};

/// Reads SRT subtitles. Every bad block is reported; any error means no cues.
pub fn import(bytes: &[u8]) -> Result<Vec<Cue>, ParseError> {
    let text = decode(bytes)?;
    let mut cues = Vec::new();
    let mut problems = Vec::new();
    let mut lines = numbered_lines(text).peekable();
    loop {
        while lines.next_if(|(_, l)| l.trim().is_empty()).is_some() {}
        let mut block = Vec::new();
        while let Some(line) = lines.next_if(|(_, l)| !l.trim().is_empty()) {
            block.push(line);
        }
        if block.is_empty() {
            break;
        }
        match subtitle(&block) {
            Ok(Some(cue)) => cues.push(cue),
            Ok(None) => {}
            Err((n, message)) => problems.push(at_line(n, message)),
        }
    }
    if problems.is_empty() {
        Ok(cues)
    } else {
        Err(ParseError { problems })
    }
}

fn subtitle(block: &[(usize, &str)]) -> Result<Option<Cue>, (usize, String)> {
    let mut rest = block;
    if let [(n, first), after @ ..] = rest
        && !first.contains("-->")
    {
        let number = first.trim();
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err((*n, format!("expected the subtitle number, got {number:?}")));
        }
        rest = after;
    }
    let Some(((n, timing), text_lines)) = rest.split_first() else {
        let n = block.last().map_or(1, |(n, _)| *n);
        return Err((
            n,
            "expected the times (00:00:01,000 --> 00:00:04,000) after the subtitle number".into(),
        ));
    };
    let (start, end) = times(timing).ok_or_else(|| {
        (
            *n,
            format!(
                "expected times like 00:00:01,000 --> 00:00:04,000, got {:?}",
                timing.trim()
            ),
        )
    })?;
    if end < start {
        return Err((*n, "the end time is before the start time".into()));
    }
    let text = text_lines
        .iter()
        .map(|(_, l)| strip_tags(l.trim_end()))
        .collect::<Vec<_>>()
        .join("\n");
    if text.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(text_cue(
        start,
        &text,
        (end > start).then_some(end - start),
    )))
}

fn times(line: &str) -> Option<(i64, i64)> {
    let (start, rest) = line.split_once("-->")?;
    let end = rest.split_whitespace().next()?;
    Some((timestamp_ms(start.trim())?, timestamp_ms(end)?))
}

/// `hh:mm:ss,mmm` (or `.mmm`) as ms.
fn timestamp_ms(s: &str) -> Option<i64> {
    let (clock, millis) = s.split_once([',', '.'])?;
    let mut parts = clock.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |p: &str, min: usize, max: usize| {
        (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.next().is_some()
        || !digits(h, 1, 4)
        || !digits(m, 2, 2)
        || !digits(sec, 2, 2)
        || !digits(millis, 1, 3)
    {
        return None;
    }
    let (h, m, sec): (i64, i64, i64) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    if m >= 60 || sec >= 60 {
        return None;
    }
    let ms = millis
        .bytes()
        .chain(*b"000")
        .take(3)
        .fold(0, |n, d| n * 10 + i64::from(d - b'0'));
    Some(h * 3_600_000 + m * 60_000 + sec * 1000 + ms)
}

/// The text without `<i>`, `<b>`, `<u>`, `<font …>` and their closing tags.
fn strip_tags(line: &str) -> String {
    super::remove_tags(line, is_format_tag)
}

fn is_format_tag(inner: &str) -> bool {
    let name = inner.strip_prefix('/').unwrap_or(inner);
    let name = name.split_whitespace().next().unwrap_or_default();
    ["i", "b", "u", "font"]
        .iter()
        .any(|t| name.eq_ignore_ascii_case(t))
}

/// Writes cues as SRT blocks numbered from 1, `\n` line ends.
pub fn export(cues: &[Cue]) -> String {
    let mut out = String::new();
    for (i, cue) in cues.iter().enumerate() {
        let text = cue_text(cue).unwrap_or(&cue.action);
        let end = cue.time.saturating_add(cue.duration.unwrap_or(0));
        out.push_str(&format!(
            "{}\n{} --> {}\n{}\n\n",
            i + 1,
            format_timestamp(cue.time),
            format_timestamp(end),
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    out
}

fn format_timestamp(ms: i64) -> String {
    let ms = ms.max(0);
    format!(
        "{:02}:{:02}:{:02},{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_tags() {
        assert_eq!(timestamp_ms("01:02:03,004"), Some(3_723_004));
        assert_eq!(timestamp_ms("00:00:01.5"), Some(1500));
        for bad in [
            "00:60:00,000",
            "00:00:01",
            "0:0:1,000",
            "00:00:01,0000",
            "a:00:01,000",
        ] {
            assert_eq!(timestamp_ms(bad), None, "{bad}");
        }
        assert_eq!(format_timestamp(3_723_004), "01:02:03,004");
        assert_eq!(
            strip_tags("<i>Hi</i> <font color=\"red\">there</font> a<b"),
            "Hi there a<b"
        );
    }
}
