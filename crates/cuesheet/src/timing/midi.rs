//! Standard MIDI files (`.mid`), read with the `midly` crate: the tempo map, and the notes
//! of one track as cues.
//!
//! Mapping:
//! - times come from the file's ticks through its tempo map (the `Set Tempo` events of
//!   every track; 120 BPM until the first), or from its SMPTE timecode, rounded to ms;
//! - each note of the chosen track (a Note On with a velocity, up to its Note Off or Note
//!   On with velocity 0 on the same channel and key) becomes a `marker` cue at its start,
//!   with `duration` its length (none if it is never ended or ends where it starts),
//!   `params.note` (0–127, 60 is middle C) and `params.velocity`, in the lane named after
//!   the track's name if it has one;
//! - [`Format::import`](super::Format::import) takes the first track that has notes.
//!
//! A file that is not a readable MIDI file, or a track that does not exist, is an error
//! about the whole input (a binary file has no lines).

use midly::{MetaMessage, MidiMessage, Smf, Timing, TrackEventKind};
use serde_json::{Map, Value};

use crate::error::{ParseError, Problem};
use crate::model::{Cue, TempoSection};

/// The action of a cue from a note.
pub const NOTE_ACTION: &str = "marker";

/// The microseconds per quarter note until a file sets its tempo (120 BPM).
const DEFAULT_US_PER_QUARTER: u32 = 500_000;

/// A tempo change: from `time` (ms) on, a quarter note lasts `us_per_quarter` µs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TempoChange {
    pub time: i64,
    pub us_per_quarter: u32,
}

impl TempoChange {
    /// Quarter notes per minute.
    pub fn bpm(&self) -> f64 {
        60_000_000.0 / f64::from(self.us_per_quarter.max(1))
    }
}

/// A time-signature change: from `time` (ms) on, a bar holds `beats_per_bar` notes of
/// value 1/`beat_unit` (6/8 is 6 and 8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeterChange {
    pub time: i64,
    pub beats_per_bar: u32,
    pub beat_unit: u32,
}

/// One track of a MIDI file: its name, if it has one, and how many notes it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackInfo {
    pub name: Option<String>,
    pub notes: usize,
}

/// What a MIDI file holds: its tempo map (in time order) and its tracks.
#[derive(Clone, Debug, PartialEq)]
pub struct MidiFile {
    pub tempo_map: Vec<TempoChange>,
    /// The time signatures of every track, in time order (empty if the file sets none,
    /// which by the standard means 4/4).
    pub meters: Vec<MeterChange>,
    pub tracks: Vec<TrackInfo>,
    /// The cues of each track, in time order.
    cues: Vec<Vec<Cue>>,
}

impl MidiFile {
    /// The notes of track `index` (0-based) as cues.
    pub fn track_cues(&self, index: usize) -> Result<Vec<Cue>, ParseError> {
        self.cues.get(index).cloned().ok_or_else(|| {
            Problem::whole(format!(
                "track {index} does not exist; the file has {} tracks (0 to {})",
                self.tracks.len(),
                self.tracks.len().saturating_sub(1)
            ))
            .into()
        })
    }

    /// The file's tempo map and time signatures as the sections of a show's tempo grid: a
    /// section wherever either changes, with the tempo counted in the meter's own note
    /// value (a quarter at 120 in 6/8 is 240 eighths a minute), 4/4 until the file says
    /// otherwise. Tempi outside [`TempoSection::BPM_RANGE`] are clamped into it; a meter the
    /// grid cannot hold (a note value shorter than 1/16) keeps the one before.
    pub fn tempo_sections(&self) -> Vec<TempoSection> {
        let mut times: Vec<i64> = self
            .tempo_map
            .iter()
            .map(|t| t.time)
            .chain(self.meters.iter().map(|m| m.time))
            .collect();
        times.push(0);
        times.sort_unstable();
        times.dedup();
        let mut sections: Vec<TempoSection> = Vec::new();
        let (mut quarter_bpm, mut beats_per_bar, mut beat_unit) = (120.0, 4, 4);
        for time in times {
            if let Some(tempo) = self.tempo_map.iter().rev().find(|t| t.time <= time) {
                quarter_bpm = tempo.bpm();
            }
            if let Some(meter) = self
                .meters
                .iter()
                .rev()
                .find(|m| m.time <= time && TempoSection::BEAT_UNITS.contains(&m.beat_unit))
            {
                beats_per_bar = meter.beats_per_bar.min(TempoSection::MAX_BEATS_PER_BAR);
                beat_unit = meter.beat_unit;
            }
            let (lo, hi) = TempoSection::BPM_RANGE.into_inner();
            let section = TempoSection {
                time,
                bpm: (quarter_bpm * f64::from(beat_unit) / 4.0).clamp(lo, hi),
                beats_per_bar,
                beat_unit,
            };
            let same = sections.last().is_some_and(|last| {
                last.bpm == section.bpm
                    && last.beats_per_bar == section.beats_per_bar
                    && last.beat_unit == section.beat_unit
            });
            if !same {
                sections.push(section);
            }
        }
        sections
    }

    /// The notes of track `index` (0-based) as cues, borrowed; none if there is no such
    /// track.
    pub fn notes(&self, index: usize) -> &[Cue] {
        self.cues.get(index).map_or(&[], Vec::as_slice)
    }

    /// The index of the first track that has notes.
    pub fn first_track_with_notes(&self) -> Option<usize> {
        self.tracks.iter().position(|t| t.notes > 0)
    }

    /// The notes of the first track that has any (none if no track has notes).
    pub fn first_notes(&self) -> Vec<Cue> {
        self.cues
            .iter()
            .find(|c| !c.is_empty())
            .cloned()
            .unwrap_or_default()
    }
}

/// Reads a MIDI file.
pub fn read(bytes: &[u8]) -> Result<MidiFile, ParseError> {
    if smpte_minus_128(bytes) {
        return Err(Problem::whole(
            "not a readable MIDI file: its header's SMPTE frame rate is -128, which no file has",
        )
        .into());
    }
    // midly 0.5.3 negates the header's SMPTE frame rate as an i8, which overflows (a panic
    // in a checked build) for -128; that case is refused above, and any other panic in the
    // parser becomes an error here rather than taking the editor down.
    let parsed = std::panic::catch_unwind(|| Smf::parse(bytes))
        .map_err(|_| Problem::whole("not a readable MIDI file: the MIDI reader failed on it"))?;
    let smf = parsed.map_err(|err| Problem::whole(format!("not a readable MIDI file: {err}")))?;
    let clock = Clock::new(&smf);
    let tempo_map = clock
        .tempos
        .iter()
        .map(|&(tick, us_per_quarter)| TempoChange {
            time: clock.ms(tick),
            us_per_quarter,
        })
        .collect();
    let mut meters = Vec::new();
    let mut tracks = Vec::new();
    let mut cues = Vec::new();
    for track in &smf.tracks {
        let mut name = None;
        let mut open: Vec<(u8, u8, u64, u8)> = Vec::new();
        let mut notes: Vec<(u64, Option<u64>, u8, u8)> = Vec::new();
        let mut tick = 0_u64;
        for event in track {
            tick += u64::from(event.delta.as_int());
            match event.kind {
                // The denominator is a power of two; a file may say anything.
                TrackEventKind::Meta(MetaMessage::TimeSignature(num, den, _, _))
                    if num > 0 && den <= 6 =>
                {
                    meters.push(MeterChange {
                        time: clock.ms(tick),
                        beats_per_bar: u32::from(num),
                        beat_unit: 1 << den,
                    });
                }
                TrackEventKind::Meta(MetaMessage::TrackName(raw)) if name.is_none() => {
                    let text = String::from_utf8_lossy(raw).trim().to_owned();
                    name = (!text.is_empty()).then_some(text);
                }
                TrackEventKind::Midi { channel, message } => {
                    let channel = channel.as_int();
                    let (key, on_vel) = match message {
                        MidiMessage::NoteOn { key, vel } => (key.as_int(), vel.as_int()),
                        MidiMessage::NoteOff { key, .. } => (key.as_int(), 0),
                        _ => continue,
                    };
                    if on_vel > 0 {
                        open.push((channel, key, tick, on_vel));
                    } else if let Some(i) = open
                        .iter()
                        .position(|&(c, k, _, _)| c == channel && k == key)
                    {
                        let (_, key, start, vel) = open.remove(i);
                        notes.push((start, Some(tick), key, vel));
                    }
                }
                _ => {}
            }
        }
        notes.extend(
            open.into_iter()
                .map(|(_, key, start, vel)| (start, None, key, vel)),
        );
        notes.sort_by_key(|n| n.0);
        tracks.push(TrackInfo {
            name: name.clone(),
            notes: notes.len(),
        });
        cues.push(
            notes
                .into_iter()
                .map(|(start, end, key, vel)| {
                    let time = clock.ms(start);
                    let duration = end.map(|e| clock.ms(e) - time).filter(|d| *d > 0);
                    let mut params = Map::new();
                    params.insert("note".into(), Value::from(key));
                    params.insert("velocity".into(), Value::from(vel));
                    Cue {
                        time,
                        action: NOTE_ACTION.into(),
                        duration,
                        params: Some(params),
                        lane: name.clone(),
                        ..Cue::default()
                    }
                })
                .collect(),
        );
    }
    meters.sort_by_key(|m| m.time);
    meters.dedup_by_key(|m| m.time);
    Ok(MidiFile {
        tempo_map,
        meters,
        tracks,
        cues,
    })
}

/// The notes of the first track that has any, as cues.
pub fn import(bytes: &[u8]) -> Result<Vec<Cue>, ParseError> {
    Ok(read(bytes)?.first_notes())
}

/// Whether a plain `MThd` header gives SMPTE timing with a frame rate of -128 (division
/// bytes `0x80 xx`), which midly cannot read without overflowing.
fn smpte_minus_128(bytes: &[u8]) -> bool {
    bytes.starts_with(b"MThd") && bytes.get(12) == Some(&0x80)
}

/// Ticks to ms: by the tempo map for metrical files, by the frame rate for timecode ones.
struct Clock {
    timing: Timing,
    /// `(tick, µs per quarter)`, in tick order, starting with the default at tick 0.
    tempos: Vec<(u64, u32)>,
}

impl Clock {
    fn new(smf: &Smf) -> Self {
        let mut tempos = Vec::new();
        for track in &smf.tracks {
            let mut tick = 0_u64;
            for event in track {
                tick += u64::from(event.delta.as_int());
                if let TrackEventKind::Meta(MetaMessage::Tempo(us)) = event.kind {
                    tempos.push((tick, us.as_int().max(1)));
                }
            }
        }
        tempos.sort_by_key(|t| t.0);
        if tempos.first().is_none_or(|t| t.0 > 0) {
            tempos.insert(0, (0, DEFAULT_US_PER_QUARTER));
        }
        Self {
            timing: smf.header.timing,
            tempos,
        }
    }

    fn ms(&self, tick: u64) -> i64 {
        let micros: u128 = match self.timing {
            Timing::Metrical(ppq) => {
                let ppq = u128::from(ppq.as_int().max(1));
                let mut micros = 0_u128;
                for (i, &(from, us)) in self.tempos.iter().enumerate() {
                    if from >= tick {
                        break;
                    }
                    let to = self.tempos.get(i + 1).map_or(tick, |next| next.0.min(tick));
                    micros += u128::from(to - from) * u128::from(us) / ppq;
                }
                micros
            }
            Timing::Timecode(fps, subframes) => {
                let per_second = f64::from(fps.as_f32()) * f64::from(subframes.max(1));
                (tick as f64 / per_second * 1_000_000.0) as u128
            }
        };
        i64::try_from((micros + 500) / 1000).unwrap_or(i64::MAX)
    }
}
