//! Hearing the timing: a metronome (accented on downbeats) and a tick on every cue, mixed
//! into the audio the player plays.
//!
//! The app sets a [`ClickSchedule`] (beats and cue times in ms of show time, and the
//! [`ClickLevels`]) through [`Clicks`], its handle; the audio thread reads it in a
//! [`ClickMixer`], a rodio source that wraps the show's [`Playback`](super::stream::Playback).
//! Show time `t` is the source's frame `t × rate / 1000` (the playback already maps the file's
//! trim and delay onto show time), so a click for `t` starts at that frame whatever the
//! playback speed: rodio's speed-up resamples the mixed signal, and the click tables are
//! read `speed` times faster so the clicks keep their pitch and length.
//!
//! The audio thread never blocks or allocates: it looks at a generation counter once per
//! [`CHECK_EVERY_FRAMES`] and, when the schedule changed, takes the new `Arc` with a
//! `try_lock` (a failed one is retried at the next check). Schedules it drops are kept alive
//! by [`Clicks`] until the audio thread lets go of them, so they are freed on the app's
//! thread.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rodio::Source;

/// The clicks' settings: each kind on or off, with a level from 0 (silent) to 1.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ClickLevels {
    pub metronome: bool,
    pub metronome_level: f32,
    pub cues: bool,
    pub cue_level: f32,
}

impl Default for ClickLevels {
    fn default() -> Self {
        ClickLevels {
            metronome: false,
            metronome_level: 0.6,
            cues: false,
            cue_level: 0.6,
        }
    }
}

impl ClickLevels {
    /// The metronome's gain: its level when on, else 0.
    pub fn metronome_gain(&self) -> f32 {
        if self.metronome {
            unit(self.metronome_level)
        } else {
            0.0
        }
    }

    /// The cue clicks' gain: their level when on, else 0.
    pub fn cue_gain(&self) -> f32 {
        if self.cues { unit(self.cue_level) } else { 0.0 }
    }

    /// The levels clamped to 0..=1 (NaN is 0).
    pub fn clamped(self) -> ClickLevels {
        ClickLevels {
            metronome_level: unit(self.metronome_level),
            cue_level: unit(self.cue_level),
            ..self
        }
    }
}

fn unit(x: f32) -> f32 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) }
}

/// What clicks and when: beats `(ms, downbeat)` and cue times in ms of show time, sorted
/// (cue times without repeats: cues at the same moment click once), and the levels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClickSchedule {
    pub beats: Vec<(i64, bool)>,
    pub cues: Vec<i64>,
    pub levels: ClickLevels,
}

impl ClickSchedule {
    /// Sorts the times (and drops repeated cue times and repeated beats).
    pub fn new(
        mut beats: Vec<(i64, bool)>,
        mut cues: Vec<i64>,
        levels: ClickLevels,
    ) -> ClickSchedule {
        beats.sort_unstable();
        // A beat given twice, once as a downbeat, keeps the accent (sorted after it).
        beats.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                earlier.1 |= later.1;
            }
            same
        });
        cues.sort_unstable();
        cues.dedup();
        ClickSchedule {
            beats,
            cues,
            levels: levels.clamped(),
        }
    }
}

/// How often (in frames) the audio thread looks for a new schedule: about 5 ms at 48 kHz.
pub const CHECK_EVERY_FRAMES: u64 = 256;
/// Clicks sounding at once; a further one replaces the oldest.
const VOICES: usize = 8;

/// What the app and the audio thread share.
#[derive(Debug)]
struct Shared {
    schedule: Mutex<Arc<ClickSchedule>>,
    /// Bumped at every new schedule.
    generation: AtomicU64,
    /// The playback speed as f32 bits.
    speed: AtomicU32,
    /// Where the mixer is, in frames of the source, and the source's rate (0: no mixer).
    frame: AtomicU64,
    sample_rate: AtomicU32,
}

/// The app's handle on the clicks: sets the schedule, the levels and the speed; makes the
/// [`ClickMixer`]s that play them.
#[derive(Debug)]
pub struct Clicks {
    shared: Arc<Shared>,
    current: Arc<ClickSchedule>,
    /// Schedules replaced while an audio thread may still hold them.
    retired: Vec<Arc<ClickSchedule>>,
}

impl Default for Clicks {
    fn default() -> Self {
        Clicks::new()
    }
}

impl Clicks {
    pub fn new() -> Clicks {
        let current = Arc::new(ClickSchedule::default());
        Clicks {
            shared: Arc::new(Shared {
                schedule: Mutex::new(current.clone()),
                generation: AtomicU64::new(0),
                speed: AtomicU32::new(1.0f32.to_bits()),
                frame: AtomicU64::new(0),
                sample_rate: AtomicU32::new(0),
            }),
            current,
            retired: Vec::new(),
        }
    }

    /// The schedule in force.
    pub fn schedule(&self) -> &Arc<ClickSchedule> {
        &self.current
    }

    /// Sets the beats and cue times (in any order), keeping the levels; nothing happens when
    /// they are what is already set.
    pub fn set_times(&mut self, beats: Vec<(i64, bool)>, cues: Vec<i64>) {
        let next = ClickSchedule::new(beats, cues, self.current.levels);
        if next != *self.current {
            self.publish(next);
        }
    }

    /// Sets the levels, keeping the times.
    pub fn set_levels(&mut self, levels: ClickLevels) {
        let levels = levels.clamped();
        if levels != self.current.levels {
            let next = ClickSchedule {
                levels,
                ..(*self.current).clone()
            };
            self.publish(next);
        }
    }

    /// The playback speed (rodio's `set_speed`), so the clicks keep their pitch.
    pub fn set_speed(&self, speed: f32) {
        let speed = if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            1.0
        };
        self.shared.speed.store(speed.to_bits(), Ordering::Relaxed);
    }

    /// Wraps `source` (the show's audio, whose frame `f` is show time `f / rate`) so it
    /// plays with the clicks.
    pub fn mix<S: Source>(&self, source: S) -> ClickMixer<S> {
        ClickMixer::new(source, self.shared.clone())
    }

    /// How far the last mixer made has played, in ms of show time (`None` before any).
    pub fn played_ms(&self) -> Option<i64> {
        let rate = self.shared.sample_rate.load(Ordering::Relaxed);
        if rate == 0 {
            return None;
        }
        let frame = self.shared.frame.load(Ordering::Relaxed);
        let ms = u128::from(frame) * 1000 / u128::from(rate);
        Some(i64::try_from(ms).unwrap_or(i64::MAX))
    }

    fn publish(&mut self, schedule: ClickSchedule) {
        let next = Arc::new(schedule);
        let previous = {
            // A poisoned lock only means a panic elsewhere while swapping an `Arc`.
            let mut slot = self
                .shared
                .schedule
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            std::mem::replace(&mut *slot, next.clone())
        };
        self.shared.generation.fetch_add(1, Ordering::Release);
        self.current = next;
        // Freed here, not on the audio thread: held until no mixer holds them.
        self.retired.push(previous);
        self.retired.retain(|s| Arc::strong_count(s) > 1);
    }
}

/// The kinds of click, each with its own sound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Downbeat,
    Beat,
    Cue,
}

/// The click sounds, synthesised once at the source's rate.
#[derive(Debug)]
struct Sounds {
    downbeat: Vec<f32>,
    beat: Vec<f32>,
    cue: Vec<f32>,
}

/// How long a click lasts.
const CLICK_MS: f64 = 25.0;

impl Sounds {
    fn new(rate: u32) -> Sounds {
        let rate = f64::from(rate.max(1));
        // The cast is the intent: a few hundred to a few thousand frames.
        let len = ((CLICK_MS * rate / 1000.0).round() as usize).max(2);
        let tone = |freq: f64, peak: f64, decay_ms: f64| -> Vec<f32> {
            (0..len)
                .map(|i| {
                    let t = i as f64 / rate;
                    let s = (std::f64::consts::TAU * freq * t).sin()
                        * (-t * 1000.0 / decay_ms).exp()
                        * peak;
                    s as f32
                })
                .collect()
        };
        // The cue tick: a short noise burst over a high tone, unlike the beats' pure tones.
        let mut noise = 0x2545_f491_u32;
        let cue = (0..len)
            .map(|i| {
                noise ^= noise << 13;
                noise ^= noise >> 17;
                noise ^= noise << 5;
                let white = f64::from(noise) / f64::from(u32::MAX) * 2.0 - 1.0;
                let t = i as f64 / rate;
                let tone = (std::f64::consts::TAU * 2500.0 * t).sin();
                let s = (0.55 * white + 0.45 * tone) * (-t * 1000.0 / 4.0).exp() * 0.8;
                s as f32
            })
            .collect();
        Sounds {
            downbeat: tone(1500.0, 0.9, 6.0),
            beat: tone(1000.0, 0.5, 6.0),
            cue,
        }
    }

    fn of(&self, kind: Kind) -> &[f32] {
        match kind {
            Kind::Downbeat => &self.downbeat,
            Kind::Beat => &self.beat,
            Kind::Cue => &self.cue,
        }
    }
}

/// A click sounding: which, and the source frame it started at.
#[derive(Clone, Copy, Debug)]
struct Voice {
    kind: Kind,
    onset: u64,
}

/// A rodio source: `inner` with the clicks of the shared schedule added at their frames,
/// clamped to [-1, 1]. Where no click sounds (or its level is 0) the samples are `inner`'s,
/// untouched.
///
/// The channel count and rate are taken from `inner` when it is wrapped, and must not
/// change (as with [`Playback`](super::stream::Playback)). A seek lands on the first
/// channel of a frame, as `Playback`'s does; clicks in progress stop there.
pub struct ClickMixer<S> {
    inner: S,
    shared: Arc<Shared>,
    generation: u64,
    schedule: Arc<ClickSchedule>,
    sounds: Sounds,
    channels: u16,
    rate: u32,
    /// The frame of the next sample, and its channel.
    frame: u64,
    channel: u16,
    /// The first beat and cue not yet started.
    next_beat: usize,
    next_cue: usize,
    voices: [Option<Voice>; VOICES],
    speed: f32,
    /// The clicks' sum for the current frame, if any sounds.
    click: Option<f32>,
}

impl<S: Source> ClickMixer<S> {
    fn new(inner: S, shared: Arc<Shared>) -> ClickMixer<S> {
        let channels = inner.channels().get();
        let rate = inner.sample_rate().get();
        let schedule = shared
            .schedule
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|e| e.into_inner().clone());
        let generation = shared.generation.load(Ordering::Acquire);
        shared.sample_rate.store(rate, Ordering::Relaxed);
        shared.frame.store(0, Ordering::Relaxed);
        let mut mixer = ClickMixer {
            inner,
            generation,
            schedule,
            sounds: Sounds::new(rate),
            channels,
            rate,
            frame: 0,
            channel: 0,
            next_beat: 0,
            next_cue: 0,
            voices: [None; VOICES],
            speed: f32::from_bits(shared.speed.load(Ordering::Relaxed)),
            click: None,
            shared,
        };
        mixer.find_next();
        mixer
    }

    /// Points the cursors at the first beat and cue at or after the current frame.
    fn find_next(&mut self) {
        let (frame, rate) = (i128::from(self.frame), self.rate);
        let beats = &self.schedule.beats;
        self.next_beat = beats.partition_point(|&(t, _)| frame_of(t, rate) < frame);
        let cues = &self.schedule.cues;
        self.next_cue = cues.partition_point(|&t| frame_of(t, rate) < frame);
    }

    /// Takes a new schedule if there is one and the lock is free, and the speed.
    fn poll_shared(&mut self) {
        self.speed = f32::from_bits(self.shared.speed.load(Ordering::Relaxed));
        let generation = self.shared.generation.load(Ordering::Acquire);
        if generation == self.generation {
            return;
        }
        let Ok(slot) = self.shared.schedule.try_lock() else {
            return;
        };
        // Only a refcount: the old schedule's last owner is `Clicks::retired`.
        self.schedule = slot.clone();
        drop(slot);
        self.generation = generation;
        self.find_next();
    }

    /// Starts the clicks due at the current frame and sums what sounds.
    fn begin_frame(&mut self) {
        if self.frame.is_multiple_of(CHECK_EVERY_FRAMES) {
            self.poll_shared();
        }
        self.shared.frame.store(self.frame, Ordering::Relaxed);
        let (frame, rate) = (i128::from(self.frame), self.rate);
        let schedule = &*self.schedule;
        while let Some(&(t, down)) = schedule.beats.get(self.next_beat) {
            if frame_of(t, rate) > frame {
                break;
            }
            self.next_beat += 1;
            let kind = if down { Kind::Downbeat } else { Kind::Beat };
            start(&mut self.voices, kind, self.frame);
        }
        while let Some(&t) = schedule.cues.get(self.next_cue) {
            if frame_of(t, rate) > frame {
                break;
            }
            self.next_cue += 1;
            start(&mut self.voices, Kind::Cue, self.frame);
        }
        let levels = schedule.levels;
        let speed = f64::from(self.speed);
        let mut sum = 0.0f32;
        let mut sounding = false;
        for slot in &mut self.voices {
            let Some(voice) = *slot else {
                continue;
            };
            let sound = self.sounds.of(voice.kind);
            // Read `speed` times faster, so after rodio's speed-up it sounds as written.
            let at = self.frame.saturating_sub(voice.onset) as f64 * speed;
            // The cast is the intent: the table index below `at`.
            let i = at as usize;
            let (Some(&a), b) = (sound.get(i), sound.get(i + 1).copied().unwrap_or(0.0)) else {
                *slot = None;
                continue;
            };
            let gain = match voice.kind {
                Kind::Cue => levels.cue_gain(),
                Kind::Beat | Kind::Downbeat => levels.metronome_gain(),
            };
            if gain > 0.0 {
                let frac = (at - i as f64) as f32;
                sum += (a + (b - a) * frac) * gain;
                sounding = true;
            }
        }
        self.click = sounding.then_some(sum);
    }
}

/// The source frame where show time `ms` is, at `rate` (negative before the start).
fn frame_of(ms: i64, rate: u32) -> i128 {
    (i128::from(ms) * i128::from(rate) + 500).div_euclid(1000)
}

/// Starts a click in a free voice, else in place of the oldest.
fn start(voices: &mut [Option<Voice>; VOICES], kind: Kind, onset: u64) {
    let slot = voices.iter().position(Option::is_none).unwrap_or_else(|| {
        voices
            .iter()
            .enumerate()
            .min_by_key(|(_, v)| v.map_or(0, |v| v.onset))
            .map_or(0, |(i, _)| i)
    });
    if let Some(v) = voices.get_mut(slot) {
        *v = Some(Voice { kind, onset });
    }
}

impl<S: Source> Iterator for ClickMixer<S> {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        let sample = self.inner.next()?;
        if self.channel == 0 {
            self.begin_frame();
        }
        let out = match self.click {
            Some(click) => (sample + click).clamp(-1.0, 1.0),
            None => sample,
        };
        self.channel += 1;
        if self.channel >= self.channels {
            self.channel = 0;
            self.frame += 1;
        }
        Some(out)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<S: Source> Source for ClickMixer<S> {
    fn current_span_len(&self) -> Option<usize> {
        self.inner.current_span_len()
    }

    fn channels(&self) -> rodio::ChannelCount {
        self.inner.channels()
    }

    fn sample_rate(&self) -> rodio::SampleRate {
        self.inner.sample_rate()
    }

    fn total_duration(&self) -> Option<Duration> {
        self.inner.total_duration()
    }

    /// Seeks `inner`, then clicks from the new position on (the frame `Playback` lands on).
    fn try_seek(&mut self, pos: Duration) -> Result<(), rodio::source::SeekError> {
        let result = self.inner.try_seek(pos);
        let frame = pos.as_nanos() * u128::from(self.rate) / 1_000_000_000;
        self.frame = u64::try_from(frame).unwrap_or(u64::MAX);
        self.channel = 0;
        self.voices = [None; VOICES];
        self.click = None;
        self.shared.frame.store(self.frame, Ordering::Relaxed);
        self.find_next();
        result
    }
}

#[cfg(test)]
mod tests;
