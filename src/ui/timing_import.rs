//! File › Import timing…: the preview of a timing file before it comes in as a new lane.
//!
//! The dialog shows what the file holds in the format its name suggests (changeable, which
//! parses it again on a background thread): how many cues, their span and every cue. The
//! user names the new lane, may give every cue one action (for formats whose labels,
//! lyrics or notes are not action names), and for MIDI picks the track. Import answers
//! with [`Action::ImportTiming`], one undo step; Cancel answers nothing. A file that does
//! not parse shows its problems, each as `FILE:LINE: message`, and imports nothing.

use std::path::Path;

use cuesheet::Cue;
use cuesheet::timing::{self, Format, midi::MidiFile};
use egui::RichText;
use egui_extras::{Column, TableBuilder};

use super::Action;
use super::action::TimingFile;
use crate::doc::{Document, commands};

/// What a timing file holds when read as one format.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    /// Being parsed on a background thread.
    Parsing,
    /// Its name says no format: the user chooses one.
    NoFormat,
    /// Why it cannot be imported: one `FILE:LINE: message` a problem.
    Failed(Vec<String>),
    Cues(Vec<Cue>),
    /// A MIDI file: its tracks, each with its notes as cues, and its tempo map.
    Midi(MidiFile),
}

/// Reads `file` as `format`. Slow for a big file: run it on a background thread.
pub fn parse(file: &TimingFile, format: Format) -> Parsed {
    let name = file.name();
    let failed = |e: cuesheet::ParseError| Parsed::Failed(e.located_lines(Path::new(&name)));
    match format {
        Format::Midi => timing::midi::read(&file.bytes).map_or_else(failed, Parsed::Midi),
        f => f.import(&file.bytes).map_or_else(failed, Parsed::Cues),
    }
}

/// The preview's own state: the file, what it parsed to, and the user's choices.
#[derive(Clone, Debug, PartialEq)]
pub struct TimingImport {
    pub file: TimingFile,
    /// `None` until the user chooses, when the name says no format.
    pub format: Option<Format>,
    pub parsed: Parsed,
    /// The MIDI track whose notes come in.
    pub track: usize,
    /// The new lane's name: every cue's, or, when the file's own lanes are kept, the lane
    /// of the cues that name none.
    pub lane: String,
    /// Whether cues that name a lane in the file (an xLights file's timing tracks, a CSV's
    /// `lane` column) come in in lanes of those names (made new where the show has them).
    pub keep_lanes: bool,
    /// An action for every cue; blank keeps each cue's own. Only for formats that do not
    /// name actions ([`Format::names_actions`]).
    pub action: String,
    /// MIDI: whether its tempo map becomes the show's tempo grid; `None` until the user
    /// says, which means yes when the show has no grid of its own.
    pub use_tempo: Option<bool>,
}

impl TimingImport {
    pub fn new(file: TimingFile, format: Option<Format>, parsed: Parsed, lane: String) -> Self {
        let mut preview = Self {
            file,
            format,
            parsed: Parsed::Parsing,
            track: 0,
            lane,
            keep_lanes: true,
            action: String::new(),
            use_tempo: None,
        };
        preview.set_parsed(parsed);
        preview
    }

    /// The default lane name for `file` in `doc`: the file's stem, made unique.
    pub fn lane_for(doc: &Document, file: &TimingFile) -> String {
        let stem = file
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        commands::unique_lane(doc, &stem)
    }

    /// A parse in `format` finished: shown if that is still the chosen format (an earlier
    /// choice that finishes late is dropped).
    pub fn parsed_as(&mut self, format: Format, parsed: Parsed) {
        if self.format == Some(format) {
            self.set_parsed(parsed);
        }
    }

    fn set_parsed(&mut self, parsed: Parsed) {
        if let Parsed::Midi(midi) = &parsed {
            self.track = midi.first_track_with_notes().unwrap_or(0);
        }
        self.parsed = parsed;
    }

    /// The cues as the file gives them (the chosen track's, for MIDI).
    pub fn file_cues(&self) -> &[Cue] {
        match &self.parsed {
            Parsed::Cues(cues) => cues,
            Parsed::Midi(midi) => midi.notes(self.track),
            _ => &[],
        }
    }

    /// The action every cue gets, if one is given and the format takes one.
    fn action_override(&self) -> Option<&str> {
        let takes = self.format.is_some_and(|f| !f.names_actions());
        Some(self.action.trim()).filter(|a| takes && !a.is_empty())
    }

    /// The tempo grid that comes in with the cues: a MIDI file's tempo map, if it is to
    /// replace the show's grid (by default only when the show has none).
    pub fn tempo(&self, show_has_grid: bool) -> Option<Vec<cuesheet::TempoSection>> {
        match &self.parsed {
            Parsed::Midi(midi) if self.use_tempo.unwrap_or(!show_has_grid) => {
                Some(midi.tempo_sections())
            }
            _ => None,
        }
    }

    /// The lanes the file's cues name, in the order they first appear.
    pub fn file_lanes(&self) -> Vec<&str> {
        let mut lanes: Vec<&str> = Vec::new();
        for lane in self.file_cues().iter().filter_map(|c| c.lane.as_deref()) {
            let lane = lane.trim();
            if !lane.is_empty() && !lanes.contains(&lane) {
                lanes.push(lane);
            }
        }
        lanes
    }

    /// Whether the cues come in in the file's own lanes.
    fn keeps_lanes(&self) -> bool {
        self.keep_lanes && !self.file_lanes().is_empty()
    }

    /// Whether the "New lane" name is used: for every cue, or for those that name no lane.
    fn needs_lane(&self) -> bool {
        !self.keeps_lanes()
            || self
                .file_cues()
                .iter()
                .any(|c| c.lane.as_deref().is_none_or(|l| l.trim().is_empty()))
    }

    /// The cues as they come in, with the action if one is given, and the new lanes they
    /// are in, in order. Either every cue is in the new lane, or (the file's lanes kept)
    /// each in its own: named as in the file, with a number added where `existing` (the
    /// show's lanes) or the new lane has the name; cues that name none go to the new lane.
    pub fn lanes_and_cues(&self, existing: &[String]) -> (Vec<String>, Vec<Cue>) {
        let mut cues = self.file_cues().to_vec();
        timing::assign(&mut cues, self.action_override(), None);
        if !self.keeps_lanes() {
            let lane = self.lane.trim();
            timing::assign(&mut cues, None, Some(lane));
            return (vec![lane.to_owned()], cues);
        }
        let renamed = self.renamed_lanes(existing);
        let mut lanes: Vec<String> = Vec::new();
        for cue in &mut cues {
            let to = self.lane_in_show(&renamed, cue.lane.as_deref()).to_owned();
            if !lanes.contains(&to) {
                lanes.push(to.clone());
            }
            cue.lane = Some(to);
        }
        (lanes, cues)
    }

    /// The file's lanes and the names they come in under, when they are kept: a name in
    /// `existing` (the show's lanes) or the new lane's gets a number. Empty otherwise.
    fn renamed_lanes(&self, existing: &[String]) -> Vec<(String, String)> {
        if !self.keeps_lanes() {
            return Vec::new();
        }
        let mut taken: Vec<String> = existing.to_vec();
        if self.needs_lane() {
            taken.push(self.lane.trim().to_owned());
        }
        self.file_lanes()
            .into_iter()
            .map(|from| {
                let to = commands::unique_among(from, &taken);
                taken.push(to.clone());
                (from.to_owned(), to)
            })
            .collect()
    }

    /// The lane a cue of the file's `lane` comes in in, given [`Self::renamed_lanes`]: its
    /// renamed lane, or the new lane.
    fn lane_in_show<'a>(&'a self, renamed: &'a [(String, String)], lane: Option<&str>) -> &'a str {
        let lane = lane.map(str::trim);
        renamed
            .iter()
            .find(|(from, _)| Some(from.as_str()) == lane)
            .map_or(self.lane.trim(), |(_, to)| to.as_str())
    }

    /// Why the lane name cannot be used, if it cannot (and is needed).
    fn lane_problem(&self, lanes: &[String]) -> Option<String> {
        let lane = self.lane.trim();
        if !self.needs_lane() {
            None
        } else if lane.is_empty() {
            Some("Name the new lane.".into())
        } else if lanes.iter().any(|l| l == lane) {
            Some(format!("A lane named “{lane}” exists: choose a new name."))
        } else {
            None
        }
    }
}

/// Draws the preview while it is open; it closes (`*open = None`) on Import or Cancel.
pub fn timing_import_ui(
    ctx: &egui::Context,
    open: &mut Option<TimingImport>,
    doc: &Document,
    actions: &mut Vec<Action>,
) {
    let Some(preview) = open.as_mut() else {
        return;
    };
    let mut close = false;
    egui::Modal::new(egui::Id::unique("timing-import")).show(ctx, |ui| {
        let width = (ctx.content_rect().width() - 80.0).clamp(300.0, 680.0);
        ui.set_width(width);
        close = preview_ui(ui, preview, doc, actions);
    });
    if close {
        *open = None;
    }
}

/// The dialog's content; `true` once answered.
fn preview_ui(
    ui: &mut egui::Ui,
    p: &mut TimingImport,
    doc: &Document,
    actions: &mut Vec<Action>,
) -> bool {
    ui.heading("Import timing");
    ui.label(RichText::new(p.file.name()).strong())
        .on_hover_text(p.file.path.display().to_string());
    format_ui(ui, p, actions);
    if let Parsed::Midi(midi) = &p.parsed {
        track_ui(ui, midi, &mut p.track);
        let has_grid = !doc.tempo().is_empty();
        let mut use_tempo = p.use_tempo.unwrap_or(!has_grid);
        let label = if has_grid {
            "Use its tempo map as the tempo grid (replaces the show's)"
        } else {
            "Use its tempo map as the tempo grid"
        };
        let sections = midi.tempo_sections();
        let said = sections
            .iter()
            .map(|s| format!("{} BPM in {} from {}", s.bpm, s.meter(), s.time))
            .collect::<Vec<_>>()
            .join("\n");
        if ui
            .checkbox(&mut use_tempo, label)
            .on_hover_text(said)
            .changed()
        {
            p.use_tempo = Some(use_tempo);
        }
    }
    ui.add_space(4.0);
    match &p.parsed {
        Parsed::Parsing => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the file…");
            });
        }
        Parsed::NoFormat => {
            ui.label("The file's name does not say its format: choose one above.");
        }
        Parsed::Failed(lines) => problems_ui(ui, p.format, lines),
        Parsed::Cues(_) | Parsed::Midi(_) => summary_ui(ui, p, &doc.lanes()),
    }
    ui.add_space(4.0);
    let lanes = doc.lanes();
    let file_lanes = p.file_lanes();
    if !file_lanes.is_empty() {
        let text = match file_lanes.as_slice() {
            [one] => format!("Keep the file's lane “{one}”"),
            many => format!(
                "Keep the file's {} lanes: {}",
                many.len(),
                many.iter()
                    .map(|l| format!("“{l}”"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        ui.checkbox(&mut p.keep_lanes, text).on_hover_text(
            "Each cue comes in in the lane the file gives it (an xLights timing track, a CSV's \
             lane column), as a new lane: a name the show has gets a number. Off, every cue \
             comes in in the one new lane named below.",
        );
    }
    let lane_problem = p.lane_problem(&lanes);
    let needs_lane = p.needs_lane();
    egui::Grid::new("timing-import-fields")
        .num_columns(2)
        .spacing([8.0, 6.0])
        .show(ui, |ui| {
            if needs_lane {
                let text = if p.keeps_lanes() {
                    "Lane for cues without one"
                } else {
                    "New lane"
                };
                let label = ui.label(text);
                ui.add(egui::TextEdit::singleline(&mut p.lane).desired_width(260.0))
                    .labelled_by(label.id);
                ui.end_row();
            }
            if p.format.is_some_and(|f| !f.names_actions()) {
                let label = ui.label("Action for every cue");
                ui.add(
                    egui::TextEdit::singleline(&mut p.action)
                        .hint_text("as in the file")
                        .desired_width(260.0),
                )
                .labelled_by(label.id)
                .on_hover_text(
                    "Labels that are action names came in as those actions; other text as \
                     textFade cues showing it, MIDI notes as marker cues. An action typed \
                     here replaces them all (the text stays in the cue's params).",
                );
                ui.end_row();
            }
        });
    if let Some(problem) = &lane_problem {
        ui.colored_label(ui.visuals().warn_fg_color, problem);
    }
    let n = p.file_cues().len();
    let ready = n > 0 && lane_problem.is_none();
    let mut answered = false;
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let label = match n {
            0 => "Import".to_owned(),
            1 => "Import 1 cue".to_owned(),
            n => format!("Import {n} cues"),
        };
        if ui.add_enabled(ready, egui::Button::new(label)).clicked() {
            let (lanes, cues) = p.lanes_and_cues(&lanes);
            actions.push(Action::ImportTiming {
                source: p.file.name(),
                lanes,
                cues,
                tempo: p.tempo(!doc.tempo().is_empty()),
            });
            answered = true;
        }
        if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            answered = true;
        }
    });
    answered
}

/// The format, chosen from the list: a change parses the file again.
fn format_ui(ui: &mut egui::Ui, p: &mut TimingImport, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let label = ui.label("Format");
        let shown = p.format.map_or("(choose)", Format::title);
        let mut chosen = p.format;
        egui::ComboBox::from_id_salt("timing-format")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                for f in Format::ALL {
                    ui.selectable_value(&mut chosen, Some(f), f.title());
                }
            })
            .response
            .labelled_by(label.id);
        if let Some(format) = chosen
            && chosen != p.format
        {
            p.format = chosen;
            p.parsed = Parsed::Parsing;
            actions.push(Action::ParseTiming {
                file: p.file.clone(),
                format,
            });
        }
    });
}

/// The MIDI track whose notes come in.
fn track_ui(ui: &mut egui::Ui, midi: &MidiFile, track: &mut usize) {
    let name = |i: usize| {
        midi.tracks.get(i).map_or_else(String::new, |t| {
            let name = t.name.as_deref().unwrap_or("(unnamed)");
            format!("{}: {name} ({} notes)", i + 1, t.notes)
        })
    };
    ui.horizontal(|ui| {
        let label = ui.label("Track");
        egui::ComboBox::from_id_salt("timing-midi-track")
            .selected_text(name(*track))
            .show_ui(ui, |ui| {
                for i in 0..midi.tracks.len() {
                    ui.selectable_value(track, i, name(i));
                }
            })
            .response
            .labelled_by(label.id);
        if let Some(first) = midi.tempo_map.first() {
            let changes = midi.tempo_map.len() - 1;
            let more = match changes {
                0 => String::new(),
                1 => ", 1 tempo change".into(),
                n => format!(", {n} tempo changes"),
            };
            ui.label(RichText::new(format!("{:.0} BPM{more}", first.bpm())).weak())
                .on_hover_text("The file's tempo map, in quarter notes a minute.");
        }
    });
}

fn problems_ui(ui: &mut egui::Ui, format: Option<Format>, lines: &[String]) {
    let read_as = format.map_or_else(String::new, |f| format!(" as {}", f.title()));
    ui.colored_label(
        ui.visuals().error_fg_color,
        format!("Nothing can be imported from this file{read_as}:"),
    );
    egui::ScrollArea::vertical()
        .id_salt("timing-import-problems")
        .max_height(160.0)
        .show(ui, |ui| {
            for line in lines {
                ui.label(
                    RichText::new(line)
                        .monospace()
                        .color(ui.visuals().error_fg_color),
                );
            }
        });
}

/// How many cues, their span and actions, then every cue in a table.
fn summary_ui(ui: &mut egui::Ui, p: &TimingImport, existing: &[String]) {
    let cues = p.file_cues();
    let Some((start, end)) = commands::span_of(cues) else {
        ui.label("The file holds no cues: nothing to import.");
        return;
    };
    let count = if cues.len() == 1 {
        "1 cue".to_owned()
    } else {
        format!("{} cues", cues.len())
    };
    ui.label(format!(
        "{count}, from {} to {}",
        cuesheet::format_time_ms(start),
        cuesheet::format_time_ms(end)
    ));
    let action = p.action_override();
    let is_midi = matches!(p.parsed, Parsed::Midi(_));
    // The lane each cue comes in in, when they keep the file's (renamed where taken).
    let lanes = p.keeps_lanes();
    let renamed = p.renamed_lanes(existing);
    let mut table = TableBuilder::new(ui)
        .id_salt("timing-import-cues")
        .striped(true)
        .max_scroll_height(260.0)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(84.0))
        .column(Column::initial(110.0).at_least(60.0).clip(true));
    if lanes {
        table = table.column(Column::initial(90.0).at_least(50.0).clip(true));
    }
    table
        .column(Column::remainder().at_least(80.0).clip(true))
        .column(Column::exact(76.0))
        .header(18.0, |mut h| {
            let detail = if is_midi { "Note" } else { "Text" };
            let lane = lanes.then_some("Lane");
            for t in ["Time", "Action"]
                .into_iter()
                .chain(lane)
                .chain([detail, "Duration"])
            {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|body| {
            body.rows(18.0, cues.len(), |mut row| {
                let Some(cue) = cues.get(row.index()) else {
                    return;
                };
                row.col(|ui| {
                    ui.monospace(cuesheet::format_time_ms(cue.time));
                });
                row.col(|ui| {
                    ui.label(action.unwrap_or(&cue.action));
                });
                if lanes {
                    row.col(|ui| {
                        ui.label(p.lane_in_show(&renamed, cue.lane.as_deref()));
                    });
                }
                row.col(|ui| {
                    ui.label(detail(cue));
                });
                row.col(|ui| {
                    let d = cue.duration.map(cuesheet::format_time_ms);
                    ui.monospace(d.unwrap_or_default());
                });
            });
        });
}

/// What a cue shows besides its action: its text (lyrics, subtitles, labels), its MIDI
/// note, or its note (a CSV's `note` column); line breaks as ` / `.
fn detail(cue: &Cue) -> String {
    if let Some(text) = timing::cue_text(cue).or(cue.note.as_deref()) {
        return text.replace("\r\n", "\n").replace('\n', " / ");
    }
    let param = |k: &str| cue.params.as_ref()?.get(k)?.as_u64();
    match (param("note"), param("velocity")) {
        (Some(note), Some(vel)) => format!("{} ({note}), velocity {vel}", note_name(note)),
        (Some(note), None) => format!("{} ({note})", note_name(note)),
        _ => String::new(),
    }
}

/// A MIDI key as a note name, with middle C (60) as C4.
fn note_name(key: u64) -> String {
    const NAMES: [&str; 12] = [
        "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
    ];
    let octave = (key / 12) as i64 - 1;
    format!("{}{octave}", NAMES[(key % 12) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn file(name: &str, text: &str) -> TimingFile {
        TimingFile {
            path: format!("/tmp/{name}").into(),
            bytes: Arc::from(text.as_bytes()),
        }
    }

    #[test]
    fn the_cues_come_in_the_lane_with_the_action_only_where_the_format_takes_one() {
        let lrc = file("song.lrc", "[00:01.00]la\n[00:02.50]li\n");
        let parsed = parse(&lrc, Format::Lrc);
        let mut p = TimingImport::new(lrc, Some(Format::Lrc), parsed, "song".into());
        assert_eq!(p.file_cues().len(), 2);
        p.action = " lyric ".into();
        assert!(p.file_lanes().is_empty());
        let (lanes, cues) = p.lanes_and_cues(&[]);
        assert_eq!(lanes, ["song"]);
        assert_eq!(cues[1].time, 2500);
        assert_eq!(cues[1].action, "lyric");
        assert_eq!(cues[1].lane.as_deref(), Some("song"));
        let text = cues[1].params.as_ref().and_then(|p| p["text"].as_str());
        assert_eq!(text, Some("li"), "the text stays");
        assert_eq!(detail(&p.file_cues()[1]), "li", "the preview shows it");
        // CSV names its actions: no override.
        let csv = file("cues.csv", "time,action\n0,kick\n");
        let parsed = parse(&csv, Format::Csv);
        let mut p = TimingImport::new(csv, Some(Format::Csv), parsed, "cues".into());
        p.action = "lyric".into();
        assert_eq!(p.lanes_and_cues(&[]).1[0].action, "kick");
        assert_eq!(
            p.lane_problem(&["cues".into()]).as_deref(),
            Some("A lane named “cues” exists: choose a new name.")
        );
    }

    #[test]
    fn a_bad_file_fails_with_located_lines_and_a_late_parse_is_dropped() {
        let f = file("song.lrc", "[00:01.00]ok\nno stamp\n");
        assert_eq!(
            parse(&f, Format::Lrc),
            Parsed::Failed(vec![
                "song.lrc:2: expected a time stamp like [01:23.45] before the text \"no stamp\""
                    .into()
            ])
        );
        let mut p = TimingImport::new(f, Some(Format::Srt), Parsed::Parsing, "x".into());
        p.parsed_as(Format::Lrc, Parsed::Cues(vec![Cue::default()]));
        assert_eq!(p.parsed, Parsed::Parsing, "not the chosen format");
        assert!(p.lanes_and_cues(&[]).1.is_empty());
    }

    #[test]
    fn the_files_own_lanes_come_in_as_new_lanes_unless_the_user_says_one() {
        let x = file(
            "show.xtiming",
            r#"<timings>
<timing name="Beats"><EffectLayer>
<Effect label="1" starttime="0" endtime="0"/><Effect label="2" starttime="500" endtime="500"/>
</EffectLayer></timing>
<timing name="Lyrics"><EffectLayer>
<Effect label="la" starttime="250" endtime="750"/>
</EffectLayer></timing>
</timings>"#,
        );
        let parsed = parse(&x, Format::Xtiming);
        let mut p = TimingImport::new(x, Some(Format::Xtiming), parsed, "show".into());
        assert_eq!(p.file_lanes(), ["Beats", "Lyrics"]);
        assert!(!p.needs_lane(), "every cue names its lane");
        assert_eq!(
            p.lane_problem(&["show".into()]),
            None,
            "the name is not used"
        );
        // The show has a lane "Beats": the file's becomes "Beats 2".
        let (lanes, cues) = p.lanes_and_cues(&["Beats".into()]);
        assert_eq!(lanes, ["Beats 2", "Lyrics"]);
        let by_lane: Vec<(i64, Option<&str>)> =
            cues.iter().map(|c| (c.time, c.lane.as_deref())).collect();
        assert!(by_lane.contains(&(500, Some("Beats 2"))), "{by_lane:?}");
        assert!(by_lane.contains(&(250, Some("Lyrics"))), "{by_lane:?}");
        // Off: all in the one new lane.
        p.keep_lanes = false;
        assert!(p.needs_lane());
        let (lanes, cues) = p.lanes_and_cues(&["Beats".into()]);
        assert_eq!(lanes, ["show"]);
        assert!(cues.iter().all(|c| c.lane.as_deref() == Some("show")));

        // A CSV whose lane column is blank on some rows: those go to the new lane, which
        // the file's lanes do not take.
        let csv = file(
            "c.csv",
            "time,action,lane
0,kick,c
10,snare,
20,kick,c
",
        );
        let parsed = parse(&csv, Format::Csv);
        let p = TimingImport::new(csv, Some(Format::Csv), parsed, "c".into());
        assert!(p.needs_lane());
        let (lanes, cues) = p.lanes_and_cues(&[]);
        assert_eq!(lanes, ["c 2", "c"]);
        let got: Vec<Option<&str>> = cues.iter().map(|c| c.lane.as_deref()).collect();
        assert_eq!(got, [Some("c 2"), Some("c"), Some("c 2")]);
    }

    #[test]
    fn details_show_text_then_the_note_on_one_line() {
        let csv = file("c.csv", "time,action,note\n0,kick,\"two\nlines\"\n");
        let Parsed::Cues(cues) = parse(&csv, Format::Csv) else {
            panic!("parses");
        };
        assert_eq!(detail(&cues[0]), "two / lines");
    }

    #[test]
    fn note_names() {
        assert_eq!(note_name(60), "C4");
        assert_eq!(note_name(61), "C#4");
        assert_eq!(note_name(21), "A0");
        assert_eq!(note_name(0), "C-1");
    }
}
