//! CSV cue lists with a header row: `time,action[,tolerance,duration,lane,note]`, the
//! columns in any order and named case-insensitively (`time` and `action` required).
//!
//! Mapping: `time` is ms (`1500`) or `mm:ss.mmm` / `h:mm:ss.mmm` ([`parse_time_ms`]),
//! never negative; `action` must not be empty; `tolerance` and `duration` are whole ms,
//! empty for none; `lane` and `note` are text, empty for none. Fields follow RFC 4180:
//! quoted with `"`, a `""` inside a quoted field is one `"`, and a quoted field may hold
//! commas and line breaks. Blank lines are skipped.
//!
//! Export writes all six columns, times in ms; `params` have no column and are dropped.

use crate::error::ParseError;
use crate::model::Cue;
use crate::timefmt::parse_time_ms;

use super::{at_line, decode};

const COLUMNS: [&str; 6] = ["time", "action", "tolerance", "duration", "lane", "note"];

/// Reads a CSV cue list. Every bad row is reported; any error means no cues.
pub fn import(bytes: &[u8]) -> Result<Vec<Cue>, ParseError> {
    let text = decode(bytes)?;
    let records =
        records(text).map_err(|(line, message)| ParseError::from(at_line(line, message)))?;
    let mut rows = records.into_iter();
    let Some((header_line, header)) = rows.next() else {
        return Err(at_line(1, "empty file: expected a header like time,action").into());
    };
    let mut columns = Vec::with_capacity(header.len());
    for name in &header {
        let name = name.trim().to_ascii_lowercase();
        let Some(index) = COLUMNS.iter().position(|c| *c == name) else {
            return Err(at_line(
                header_line,
                format!(
                    "unknown column {name:?} in the header; the columns are {}",
                    COLUMNS.join(", ")
                ),
            )
            .into());
        };
        if columns.contains(&index) {
            return Err(at_line(header_line, format!("column {name:?} appears twice")).into());
        }
        columns.push(index);
    }
    for required in [0, 1] {
        if !columns.contains(&required) {
            return Err(at_line(
                header_line,
                format!("the header has no {:?} column", COLUMNS[required]),
            )
            .into());
        }
    }
    let mut cues = Vec::new();
    let mut problems = Vec::new();
    for (line, fields) in rows {
        match row(&columns, &fields) {
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

fn row(columns: &[usize], fields: &[String]) -> Result<Cue, String> {
    if fields.len() != columns.len() {
        return Err(format!(
            "expected {} fields as in the header, got {}",
            columns.len(),
            fields.len()
        ));
    }
    let mut cue = Cue::default();
    for (&column, field) in columns.iter().zip(fields) {
        let value = field.trim();
        let ms = |what: &str| -> Result<Option<i64>, String> {
            if value.is_empty() {
                return Ok(None);
            }
            match value.parse::<i64>() {
                Ok(n) if n >= 0 => Ok(Some(n)),
                _ => Err(format!("{what} must be whole ms (>= 0), got {value:?}")),
            }
        };
        match column {
            0 => {
                cue.time = match parse_time_ms(value) {
                    Some(t) if t >= 0 => t,
                    _ => {
                        return Err(format!(
                            "time must be ms or mm:ss.mmm (>= 0), got {value:?}"
                        ));
                    }
                }
            }
            1 if value.is_empty() => return Err("action is empty".into()),
            1 => cue.action = value.to_owned(),
            2 => cue.tolerance = ms("tolerance")?,
            3 => cue.duration = ms("duration")?,
            4 => cue.lane = (!value.is_empty()).then(|| value.to_owned()),
            _ => cue.note = (!field.is_empty()).then(|| field.clone()),
        }
    }
    Ok(cue)
}

/// A CSV record: the line it starts on, and its fields.
pub(super) type Record = (usize, Vec<String>);

/// RFC 4180 records, each with the line it starts on; blank lines are skipped. The error
/// is an unclosed quote or text after a closing quote, with its line.
pub(super) fn records(text: &str) -> Result<Vec<Record>, (usize, String)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted_field = false;
        loop {
            match chars.next() {
                None => break,
                Some('\n') => {
                    line += 1;
                    break;
                }
                Some('\r') if chars.peek() == Some(&'\n') => {}
                Some(',') => {
                    fields.push(std::mem::take(&mut field));
                    quoted_field = false;
                }
                Some('"') if field.trim().is_empty() && !quoted_field => {
                    field.clear();
                    quoted_field = true;
                    let opened = line;
                    loop {
                        match chars.next() {
                            None => {
                                return Err((opened, "a quoted field is never closed".into()));
                            }
                            Some('"') if chars.peek() == Some(&'"') => {
                                chars.next();
                                field.push('"');
                            }
                            Some('"') => break,
                            Some(c) => {
                                if c == '\n' {
                                    line += 1;
                                }
                                field.push(c);
                            }
                        }
                    }
                    while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                        chars.next();
                    }
                    if !matches!(chars.peek(), None | Some(',' | '\n' | '\r')) {
                        return Err((line, "text after a closing quote; double a quote inside a quoted field (\"\")".into()));
                    }
                }
                Some(c) if quoted_field => {
                    return Err((line, format!("unexpected {c:?} after a closing quote")));
                }
                Some(c) => field.push(c),
            }
        }
        fields.push(field);
        let blank = fields.len() == 1 && !quoted_field && fields[0].trim().is_empty();
        if !blank {
            out.push((start, fields));
        }
    }
    Ok(out)
}

/// Writes cues as CSV with the full header, `\n` line ends and times in ms. Fields with a
/// comma, quote, line break or surrounding spaces are quoted.
pub fn export(cues: &[Cue]) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    for cue in cues {
        let fields = [
            cue.time.to_string(),
            quote(&cue.action),
            opt(cue.tolerance),
            opt(cue.duration),
            quote(cue.lane.as_deref().unwrap_or_default()),
            quote(cue.note.as_deref().unwrap_or_default()),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

pub(super) fn quote(field: &str) -> String {
    let needs = field.contains([',', '"', '\n', '\r']) || field.trim() != field;
    if needs {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_follow_rfc_4180() {
        let got = records("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\n\"x\ny\",z\n").expect("parses");
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b,c".into(), "say \"hi\"".into()]),
                (3, vec!["x\ny".into(), "z".into()]),
            ]
        );
        assert_eq!(records("a\n\"open").err().map(|e| e.0), Some(2));
        assert!(records("\"a\"b").is_err());
    }
}
