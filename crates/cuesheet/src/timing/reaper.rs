//! REAPER marker and region lists: the CSV that the Region/Marker Manager exports,
//! `#,Name,Start,End,Length[,Color]`, one row a marker (`M1`) or region (`R1`).
//!
//! Mapping:
//! - a marker becomes a cue at `Start`; a region becomes a cue at `Start` with
//!   `duration = End - Start` (none when they are equal);
//! - the name becomes the action as in Audacity label tracks: an action name stays the
//!   action, other text becomes a `textFade` cue with `params.text`, and an empty name
//!   becomes a `marker` cue;
//! - times must be in REAPER's Minutes:Seconds (`1:02.500`), H:M:S (`1:02:03.500`) or
//!   Seconds (`62.500`) display; Measures.Beats (`5.1.00`) is refused with a message
//!   saying to switch the time display before exporting, since it needs the tempo map;
//! - the `Length` and `Color` columns and the rest of the `#` are not used.
//!
//! Export writes markers and regions in Minutes:Seconds, numbered in order.

use crate::error::ParseError;
use crate::model::Cue;
use crate::timefmt::{format_time_ms, parse_time_ms};

use super::audacity::EMPTY_LABEL_ACTION;
use super::csv::{quote, records};
use super::{at_line, cue_text, decode, is_action_name, seconds_to_ms, text_cue};

/// Reads a REAPER marker/region list. Every bad row is reported; any error means no cues.
pub fn import(bytes: &[u8]) -> Result<Vec<Cue>, ParseError> {
    let text = decode(bytes)?;
    let rows = records(text).map_err(|(line, message)| ParseError::from(at_line(line, message)))?;
    let mut rows = rows.into_iter();
    let Some((header_line, header)) = rows.next() else {
        return Err(at_line(
            1,
            "empty file: expected a header like #,Name,Start,End,Length",
        )
        .into());
    };
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(kind), Some(name), Some(start), end) =
        (column("#"), column("Name"), column("Start"), column("End"))
    else {
        return Err(at_line(
            header_line,
            "expected REAPER's header #,Name,Start,End,Length (from the Region/Marker Manager)",
        )
        .into());
    };
    let mut cues = Vec::new();
    let mut problems = Vec::new();
    for (line, fields) in rows {
        let field = |i: usize| fields.get(i).map_or("", |f| f.trim());
        match row(
            field(kind),
            field(name),
            field(start),
            end.map_or("", field),
        ) {
            Ok(cue) => cues.push(cue),
            Err(message) => problems.push(at_line(line, message)),
        }
    }
    if problems.is_empty() {
        Ok(cues)
    } else {
        Err(ParseError { problems })
    }
}

fn row(kind: &str, name: &str, start: &str, end: &str) -> Result<Cue, String> {
    let region = match kind.chars().next() {
        Some('R' | 'r') => true,
        Some('M' | 'm') => false,
        _ => {
            return Err(format!(
                "expected a marker (M1) or region (R1) in the # column, got {kind:?}"
            ));
        }
    };
    let time = time_ms(start).map_err(|m| format!("Start: {m}"))?;
    let duration = if region {
        let end = time_ms(end).map_err(|m| format!("End: {m}"))?;
        if end < time {
            return Err(format!(
                "the region ends ({end} ms) before it starts ({time} ms)"
            ));
        }
        (end > time).then_some(end - time)
    } else {
        None
    };
    Ok(if name.is_empty() || is_action_name(name) {
        Cue {
            time,
            action: if name.is_empty() {
                EMPTY_LABEL_ACTION
            } else {
                name
            }
            .into(),
            duration,
            ..Cue::default()
        }
    } else {
        text_cue(time, name, duration)
    })
}

fn time_ms(value: &str) -> Result<i64, String> {
    if value.matches('.').count() >= 2 {
        return Err(format!(
            "{value:?} looks like Measures.Beats; set REAPER's time display to Minutes:Seconds before exporting"
        ));
    }
    let ms = if value.contains(':') {
        parse_time_ms(value)
    } else {
        seconds_to_ms(value)
    };
    match ms {
        Some(ms) if ms >= 0 => Ok(ms),
        _ => Err(format!(
            "expected a time like 1:02.500 or 62.500 (seconds), got {value:?}"
        )),
    }
}

/// Writes cues as a REAPER marker/region list: a cue with a duration is a region.
pub fn export(cues: &[Cue]) -> String {
    let mut out = String::from("#,Name,Start,End,Length\n");
    let (mut markers, mut regions) = (0, 0);
    for cue in cues {
        let name = match cue_text(cue) {
            Some(text) => text,
            None if cue.action == EMPTY_LABEL_ACTION => "",
            None => &cue.action,
        };
        let name = quote(name);
        let start = format_time_ms(cue.time);
        match cue.duration {
            Some(d) if d > 0 => {
                regions += 1;
                let end = format_time_ms(cue.time.saturating_add(d));
                out.push_str(&format!(
                    "R{regions},{name},{start},{end},{}\n",
                    format_time_ms(d)
                ));
            }
            _ => {
                markers += 1;
                out.push_str(&format!("M{markers},{name},{start},,\n"));
            }
        }
    }
    out
}
