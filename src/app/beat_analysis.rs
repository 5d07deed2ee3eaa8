//! Edit › Analyse beats: the show's audio decoded and analysed (the `beats` crate) on a
//! background thread, with progress in the status bar; the tempo map it finds becomes the
//! show's tempo grid in one undo step, which the timeline draws as its beat ruler.

use std::sync::mpsc::{Receiver, channel};

use cuesheet::TempoSection;

use super::CuestudioApp;
use crate::audio::decode;
use crate::doc::Edit;

/// What the analysis thread reports.
enum Report {
    /// How far it has got, 0 to 1.
    Progress(f32),
    Done(Result<beats::Analysis, String>),
}

/// An analysis in progress.
pub(super) struct BeatJob {
    rx: Receiver<Report>,
    /// How far it has got, 0 to 1 (the decoding is the first tenth).
    pub(super) progress: f32,
    /// The audio file's name, for the messages.
    name: String,
}

/// The show's tempo grid from an analysis: sections fitted to the beats it found (least
/// squares, a new section where the tempo moves, each from its first downbeat), so the
/// grid's lines stay on the beats over a whole song; the analysis's own tempo map when no
/// fit comes out.
pub fn grid_from_analysis(analysis: &beats::Analysis) -> Vec<TempoSection> {
    let meter = (
        analysis
            .beats_per_bar
            .clamp(1, TempoSection::MAX_BEATS_PER_BAR),
        4,
    );
    let fitted = cuesheet::grid::sections_from_beats(&analysis.beats, &analysis.downbeats, meter);
    if fitted.is_empty() {
        tempo_from_analysis(analysis)
    } else {
        fitted
    }
}

/// The tempo sections of an analysis as the show's tempo grid: times in order and apart,
/// tempi and meters in the grid's ranges, the beat a quarter note.
pub fn tempo_from_analysis(analysis: &beats::Analysis) -> Vec<TempoSection> {
    let (lo, hi) = TempoSection::BPM_RANGE.into_inner();
    let mut sections: Vec<TempoSection> = Vec::new();
    for s in &analysis.sections {
        if !s.bpm.is_finite() || sections.last().is_some_and(|last| s.time <= last.time) {
            continue;
        }
        sections.push(TempoSection {
            time: s.time,
            bpm: ((s.bpm * 100.0).round() / 100.0).clamp(lo, hi),
            beats_per_bar: s.beats_per_bar.clamp(1, TempoSection::MAX_BEATS_PER_BAR),
            beat_unit: 4,
        });
    }
    sections
}

impl CuestudioApp {
    /// Starts analysing the show's audio, unless an analysis is running or there is no
    /// audio.
    pub(super) fn analyse_beats(&mut self) {
        if self.beat_job.is_some() {
            return;
        }
        let Some(path) = self.audio_path() else {
            self.notify("No audio to analyse: choose the show's audio first", true);
            return;
        };
        let name = file_name(&path);
        let (tx, rx) = channel();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            let send = |report: Report| {
                // The editor may have closed: nothing to tell then.
                let _ = tx.send(report);
                ctx.request_repaint();
            };
            let result = decode::decode_mono(&path, decode::default_threads(), beats::decimation)
                .map_err(|e| e.to_string())
                .map(|(samples, rate)| {
                    send(Report::Progress(0.1));
                    let mut last = 0.1_f32;
                    beats::analyse(&samples, rate, &mut |p| {
                        let p = 0.1 + 0.9 * p.clamp(0.0, 1.0);
                        if p - last >= 0.02 {
                            last = p;
                            send(Report::Progress(p));
                        }
                    })
                });
            send(Report::Done(result));
        });
        self.beat_job = Some(BeatJob {
            rx,
            progress: 0.0,
            name,
        });
    }

    /// Takes the analysis thread's reports; a finished analysis becomes the tempo grid.
    pub(super) fn poll_beats(&mut self) {
        let Some(job) = &mut self.beat_job else {
            return;
        };
        let mut done = None;
        while let Ok(report) = job.rx.try_recv() {
            match report {
                Report::Progress(p) => job.progress = p,
                Report::Done(result) => done = Some(result),
            }
        }
        let Some(result) = done.or_else(|| {
            // A thread that died without a word (it cannot panic on any input, but say so).
            matches!(
                job.rx.try_recv(),
                Err(std::sync::mpsc::TryRecvError::Disconnected)
            )
            .then(|| Err("the analysis stopped".to_owned()))
        }) else {
            return;
        };
        let name = std::mem::take(&mut job.name);
        self.beat_job = None;
        match result {
            Err(e) => self.notify(format!("Beats of {name} not analysed: {e}"), true),
            Ok(analysis) => {
                let sections = grid_from_analysis(&analysis);
                if sections.is_empty() {
                    self.notify(format!("No beats found in {name}"), true);
                } else if self.read_only() {
                    self.notify(
                        format!("Beats of {name} not applied: the show is live"),
                        true,
                    );
                } else {
                    let first = sections[0];
                    let bpm = format!("{:.2}", first.bpm);
                    let bpm = bpm.trim_end_matches('0').trim_end_matches('.');
                    let tempo = if sections.len() > 1 {
                        format!("{} tempo sections from {bpm} BPM", sections.len())
                    } else {
                        format!("{bpm} BPM")
                    };
                    self.apply_edit(Edit::SetTempo { sections });
                    self.notify(
                        format!(
                            "Tempo grid from {name}: {tempo} in {}, {} beats, confidence {:.0}% \
                             (Ctrl+Z undoes it)",
                            first.meter(),
                            analysis.beats.len(),
                            analysis.confidence * 100.0
                        ),
                        false,
                    );
                }
            }
        }
    }

    /// How far the beat analysis has got, while it runs.
    pub fn beat_analysis_progress(&self) -> Option<f32> {
        self.beat_job.as_ref().map(|j| j.progress)
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analysis(sections: &[(i64, f64, u32)]) -> beats::Analysis {
        beats::Analysis {
            bpm: sections.first().map_or(0.0, |s| s.1),
            beats: Vec::new(),
            downbeats: Vec::new(),
            beats_per_bar: 4,
            confidence: 0.5,
            sections: sections
                .iter()
                .map(|&(time, bpm, beats_per_bar)| beats::Section {
                    time,
                    bpm,
                    beats_per_bar,
                })
                .collect(),
        }
    }

    #[test]
    fn an_analysis_becomes_grid_sections_the_show_can_hold() {
        let got = tempo_from_analysis(&analysis(&[
            (120, 127.996, 4),
            (60_000, 900.0, 3),
            (60_000, 100.0, 4), // the same time again: dropped
            (90_000, f64::NAN, 4),
            (120_000, 10.0, 0),
        ]));
        let got: Vec<(i64, f64, String)> = got.iter().map(|s| (s.time, s.bpm, s.meter())).collect();
        assert_eq!(
            got,
            [
                (120, 128.0, "4/4".into()),
                (60_000, 400.0, "3/4".into()),
                (120_000, 20.0, "1/4".into()),
            ]
        );
        assert!(tempo_from_analysis(&analysis(&[])).is_empty());
    }
}
