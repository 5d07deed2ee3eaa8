//! xLights timing tracks (`.xtiming`): XML with one or more `<timing name="…">` tracks,
//! each holding `<EffectLayer>`s of `<Effect label="…" starttime="ms" endtime="ms"/>`
//! marks. A file with several tracks wraps them in `<timings>`; a file with one may have
//! `<timing>` as its root.
//!
//! Mapping:
//! - each mark of a track's first effect layer becomes a cue at `starttime`, with
//!   `duration = endtime - starttime` (none when they are equal), in the lane named after
//!   the track; the further layers of a lyric track (words, phonemes) are left out;
//! - the label becomes the action as in Audacity label tracks: an action name stays the
//!   action, other text becomes a `textFade` cue with `params.text`, and an empty label
//!   (most beat and bar marks) becomes a `marker` cue;
//! - XML syntax errors, a root that is not `<timings>` or `<timing>`, and missing or
//!   non-integer times are errors at their line.
//!
//! Export writes one `<timing>` track a lane (cues without a lane go to a track named
//! `Cuestudio`), in the order the lanes first appear, inside `<timings>`.

use crate::error::{ParseError, Problem};
use crate::model::Cue;

use super::audacity::EMPTY_LABEL_ACTION;
use super::{at_line, cue_text, decode, is_action_name, text_cue};

/// The track name for cues that have no lane, on export.
pub const DEFAULT_TRACK: &str = "Cuestudio";

/// Reads an xLights timing file. Every bad mark is reported; any error means no cues.
pub fn import(bytes: &[u8]) -> Result<Vec<Cue>, ParseError> {
    let text = decode(bytes)?;
    let doc = roxmltree::Document::parse(text).map_err(|err| {
        let message = err.to_string();
        ParseError::from(at_line(err.pos().row as usize, message))
    })?;
    let line_of = |node: roxmltree::Node| doc.text_pos_at(node.range().start).row as usize;
    let root = doc.root_element();
    let tracks: Vec<roxmltree::Node> = if root.has_tag_name("timings") {
        root.children()
            .filter(|n| n.has_tag_name("timing"))
            .collect()
    } else if root.has_tag_name("timing") {
        vec![root]
    } else {
        return Err(at_line(
            line_of(root),
            format!(
                "expected an xLights timing file (<timings> or <timing>), got <{}>",
                root.tag_name().name()
            ),
        )
        .into());
    };
    let mut cues = Vec::new();
    let mut problems: Vec<Problem> = Vec::new();
    for track in tracks {
        let lane = track.attribute("name").unwrap_or_default();
        let Some(layer) = track.children().find(|n| n.has_tag_name("EffectLayer")) else {
            continue;
        };
        for mark in layer.children().filter(|n| n.has_tag_name("Effect")) {
            match effect(mark) {
                Ok(mut cue) => {
                    cue.lane = (!lane.is_empty()).then(|| lane.to_owned());
                    cues.push(cue);
                }
                Err(message) => problems.push(at_line(line_of(mark), message)),
            }
        }
    }
    if problems.is_empty() {
        Ok(cues)
    } else {
        Err(ParseError { problems })
    }
}

fn effect(mark: roxmltree::Node) -> Result<Cue, String> {
    let ms = |name: &str| -> Result<i64, String> {
        let value = mark
            .attribute(name)
            .ok_or_else(|| format!("the mark has no {name}"))?;
        match value.trim().parse::<i64>() {
            Ok(n) if n >= 0 => Ok(n),
            _ => Err(format!("{name} must be whole ms (>= 0), got {value:?}")),
        }
    };
    let (start, end) = (ms("starttime")?, ms("endtime")?);
    if end < start {
        return Err(format!("endtime {end} is before starttime {start}"));
    }
    let duration = (end > start).then_some(end - start);
    let label = mark.attribute("label").unwrap_or_default();
    Ok(if label.is_empty() || is_action_name(label) {
        let action = if label.is_empty() {
            EMPTY_LABEL_ACTION
        } else {
            label
        };
        Cue {
            time: start,
            action: action.into(),
            duration,
            ..Cue::default()
        }
    } else {
        text_cue(start, label, duration)
    })
}

/// Writes cues as an xLights timing file, one track a lane.
pub fn export(cues: &[Cue]) -> String {
    let mut lanes: Vec<&str> = Vec::new();
    for cue in cues {
        let lane = cue.lane.as_deref().unwrap_or(DEFAULT_TRACK);
        if !lanes.contains(&lane) {
            lanes.push(lane);
        }
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<timings>\n");
    for lane in lanes {
        out.push_str(&format!(
            "    <timing name=\"{}\" SourceVersion=\"2024.01\">\n        <EffectLayer>\n",
            escape(lane)
        ));
        for cue in cues
            .iter()
            .filter(|c| c.lane.as_deref().unwrap_or(DEFAULT_TRACK) == lane)
        {
            let label = match cue_text(cue) {
                Some(text) => text,
                None if cue.action == EMPTY_LABEL_ACTION => "",
                None => &cue.action,
            };
            let end = cue.time.saturating_add(cue.duration.unwrap_or(0));
            out.push_str(&format!(
                "            <Effect label=\"{}\" starttime=\"{}\" endtime=\"{end}\" />\n",
                escape(label),
                cue.time
            ));
        }
        out.push_str("        </EffectLayer>\n    </timing>\n");
    }
    out.push_str("</timings>\n");
    out
}

/// Text as an XML attribute value.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}
