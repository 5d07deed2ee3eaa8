//! Audacity label tracks (File › Export › Labels): one label a line,
//! `start<TAB>end<TAB>label`, times in seconds with a decimal fraction.
//!
//! Mapping:
//! - a point label (`start == end`) is a cue at `start` with no duration; a region label
//!   is a cue at `start` with `duration = end - start`;
//! - a label that names an action ([`is_action_name`]: an ASCII letter, then letters,
//!   digits, `_`, `-`, `.`) becomes the cue's `action`; any other label (words, spaces,
//!   non-ASCII) becomes a `textFade` cue with `params.text`; an empty label becomes a
//!   `marker` cue;
//! - the spectral-selection lines Audacity writes after a label (`\tlow\thigh`, starting
//!   with `\`) and blank lines are skipped; a line with only `start<TAB>label` (older
//!   exports) is a point label.
//!
//! Export writes each cue back the same way: its `params.text` for a `textFade` cue, its
//! action otherwise (tolerance, other params, lane and note have no place in the format).

use crate::error::ParseError;
use crate::model::Cue;

use super::{
    at_line, cue_text, decode, is_action_name, ms_to_seconds, numbered_lines, seconds_to_ms,
    text_cue,
};

/// The action of a cue from an empty label.
pub const EMPTY_LABEL_ACTION: &str = "marker";

/// Reads an Audacity label track. Every bad line is reported; any error means no cues.
pub fn import(bytes: &[u8]) -> Result<Vec<Cue>, ParseError> {
    let text = decode(bytes)?;
    let mut cues = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in numbered_lines(text) {
        if line.starts_with('\\') || line.trim().is_empty() {
            continue;
        }
        match label(line) {
            Ok(cue) => cues.push(cue),
            Err(message) => problems.push(at_line(n, message)),
        }
    }
    if problems.is_empty() {
        Ok(cues)
    } else {
        Err(ParseError { problems })
    }
}

fn label(line: &str) -> Result<Cue, String> {
    let mut fields = line.splitn(3, '\t');
    let start_text = fields.next().unwrap_or_default().trim();
    let start = seconds_to_ms(start_text).ok_or_else(|| {
        format!("expected the start in seconds (like 1.500000), got {start_text:?}")
    })?;
    let (end, label) = match (fields.next(), fields.next()) {
        (Some(end_text), Some(label)) => {
            let end = seconds_to_ms(end_text.trim()).ok_or_else(|| {
                format!("expected the end in seconds (like 2.000000), got {end_text:?}")
            })?;
            (end, label)
        }
        (Some(label), None) => (start, label),
        (None, _) => {
            return Err("expected start, end and label separated by tabs".into());
        }
    };
    if end < start {
        return Err(format!(
            "the end ({}) is before the start ({})",
            ms_to_seconds(end),
            ms_to_seconds(start)
        ));
    }
    let duration = (end > start).then_some(end - start);
    let label = label.trim_end_matches('\r');
    Ok(if label.is_empty() {
        Cue {
            time: start,
            action: EMPTY_LABEL_ACTION.into(),
            duration,
            ..Cue::default()
        }
    } else if is_action_name(label) {
        Cue {
            time: start,
            action: label.into(),
            duration,
            ..Cue::default()
        }
    } else {
        text_cue(start, label, duration)
    })
}

/// Writes cues as an Audacity label track (`\n` line ends, six decimals). Tabs and line
/// breaks in a label become spaces.
pub fn export(cues: &[Cue]) -> String {
    let mut out = String::new();
    for cue in cues {
        let label = cue_text(cue).unwrap_or(&cue.action);
        let label: String = label
            .chars()
            .map(|c| {
                if matches!(c, '\t' | '\n' | '\r') {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let end = cue.time.saturating_add(cue.duration.unwrap_or(0));
        out.push_str(&format!(
            "{}\t{}\t{label}\n",
            ms_to_seconds(cue.time),
            ms_to_seconds(end)
        ));
    }
    out
}
