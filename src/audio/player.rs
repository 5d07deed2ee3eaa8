//! The player: rodio output when a device exists, and always a clock for the playhead.
//!
//! The transport (playing, position, rate, loop) is pure arithmetic over a monotonic
//! [`Clock`]: the position is `anchor + elapsed × rate`, re-anchored at every change, and
//! wrapped into the loop range. Without a sound card (as on CI and these machines) that
//! clock alone drives the playhead and [`Player::device_notice`] says so. With a device, the
//! rodio player follows the transport and the position comes from the audio clock, minus
//! the output latency. rodio plays a [`Playback`] (the track the waveform shows, trimmed the
//! same way), not its own decoder, with the [`clicks`](super::clicks) mixed in; the audible
//! position is the frame that mixer has reached. Tests inject a [`ManualClock`].

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use rodio::Source as _;

use super::AudioError;
use super::clicks::{ClickLevels, ClickSchedule, Clicks};
use super::stream::Playback;

/// A monotonic time source in ms (any origin).
pub trait Clock: Send {
    fn now_ms(&self) -> i64;
}

/// The real monotonic clock.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    pub fn new() -> SystemClock {
        SystemClock {
            origin: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        i64::try_from(self.origin.elapsed().as_millis()).unwrap_or(i64::MAX)
    }
}

/// A clock moved by hand; clones share the same time (keep one, give one to the player).
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    ms: Arc<AtomicI64>,
}

impl ManualClock {
    pub fn new() -> ManualClock {
        ManualClock::default()
    }
    pub fn set(&self, ms: i64) {
        self.ms.store(ms, Ordering::SeqCst);
    }
    pub fn advance(&self, ms: i64) {
        self.ms.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.ms.load(Ordering::SeqCst)
    }
}

/// Rates outside this range are clamped.
pub const RATE_RANGE: std::ops::RangeInclusive<f32> = 0.5..=2.0;

/// Play state as a function of the clock.
#[derive(Debug, Clone, PartialEq)]
struct Transport {
    playing: bool,
    /// Show position at `anchor_at`.
    anchor_pos: i64,
    anchor_at: i64,
    rate: f32,
    duration: Option<i64>,
    loop_range: Option<(i64, i64)>,
}

impl Transport {
    fn new() -> Transport {
        Transport {
            playing: false,
            anchor_pos: 0,
            anchor_at: 0,
            rate: 1.0,
            duration: None,
            loop_range: None,
        }
    }

    fn clamp(&self, ms: i64) -> i64 {
        let ms = ms.max(0);
        self.duration.map_or(ms, |d| ms.min(d.max(0)))
    }

    fn position(&self, now: i64) -> i64 {
        if !self.playing {
            return self.clamp(self.anchor_pos);
        }
        let elapsed = (now - self.anchor_at) as f64 * f64::from(self.rate);
        // Rounded ms of show time: the cast is the intent.
        let raw = self.anchor_pos.saturating_add(elapsed.round() as i64);
        let raw = match self.loop_range {
            Some((a, b)) if self.anchor_pos < b && raw >= b => a + (raw - b).rem_euclid(b - a),
            _ => raw,
        };
        self.clamp(raw)
    }

    fn reanchor(&mut self, now: i64) {
        self.anchor_pos = self.position(now);
        self.anchor_at = now;
    }

    fn at_end(&self, now: i64) -> bool {
        self.loop_range.is_none() && self.duration.is_some_and(|d| self.position(now) >= d)
    }
}

/// The audio output, when there is a device.
struct Output {
    sink: rodio::MixerDeviceSink,
    track: Option<rodio::Player>,
    snippet: Option<rodio::Player>,
}

/// Plays the show's audio and keeps the playhead.
pub struct Player {
    clock: Box<dyn Clock>,
    transport: Transport,
    output: Option<Output>,
    notice: Option<String>,
    latency_ms: i64,
    path: Option<std::path::PathBuf>,
    clicks: Clicks,
}

impl Default for Player {
    fn default() -> Self {
        Player::new()
    }
}

impl Player {
    /// Opens the default audio device if there is one; otherwise plays silently.
    pub fn new() -> Player {
        let mut player = Player::with_clock(Box::new(SystemClock::new()));
        match rodio::DeviceSinkBuilder::open_default_sink() {
            Ok(mut sink) => {
                sink.log_on_drop(false);
                player.output = Some(Output {
                    sink,
                    track: None,
                    snippet: None,
                });
                player.notice = None;
            }
            Err(e) => {
                tracing::info!("no audio output: {e}");
                player.notice = Some(format!("No audio device: playing silently ({e})"));
            }
        }
        player
    }

    /// A silent player on `clock` (for tests and headless use).
    pub fn with_clock(clock: Box<dyn Clock>) -> Player {
        Player {
            clock,
            transport: Transport::new(),
            output: None,
            notice: Some("No audio device: playing silently".into()),
            latency_ms: 0,
            path: None,
            clicks: Clicks::new(),
        }
    }

    /// Why there is no sound, if there is none.
    pub fn device_notice(&self) -> Option<String> {
        self.notice.clone()
    }

    /// Opens `path` for playback (paused at 0) and takes its duration from the headers.
    pub fn open(&mut self, path: &Path) -> Result<(), AudioError> {
        let duration = super::load::probe_duration_ms(path)?;
        self.close();
        if let Some(out) = &mut self.output {
            let decoder = Playback::open(path)?;
            let track = rodio::Player::connect_new(out.sink.mixer());
            track.pause();
            // A new rodio player starts at 1×; seeks and the clock assume the rate set.
            track.set_speed(self.transport.rate);
            track.append(self.clicks.mix(decoder));
            out.track = Some(track);
        }
        self.path = Some(path.to_path_buf());
        self.transport.duration = Some(duration);
        Ok(())
    }

    /// Stops and forgets the open file.
    pub fn close(&mut self) {
        if let Some(out) = &mut self.output {
            out.track = None;
            out.snippet = None;
        }
        self.path = None;
        self.transport = Transport {
            rate: self.transport.rate,
            ..Transport::new()
        };
    }

    /// Overrides the duration (e.g. the exact one once decoding finishes).
    pub fn set_duration_ms(&mut self, ms: i64) {
        let now = self.clock.now_ms();
        self.transport.reanchor(now);
        self.transport.duration = Some(ms.max(0));
    }

    pub fn play(&mut self) {
        let now = self.clock.now_ms();
        if self.transport.at_end(now) {
            self.transport.anchor_pos = 0;
            self.sync_seek(0);
        }
        self.transport.reanchor(now);
        self.transport.playing = true;
        if let Some(track) = self.track() {
            track.play();
        }
    }

    pub fn pause(&mut self) {
        let now = self.clock.now_ms();
        self.transport.reanchor(now);
        self.transport.playing = false;
        if let Some(track) = self.track() {
            track.pause();
        }
    }

    /// Playing and not yet at the end.
    pub fn is_playing(&self) -> bool {
        self.transport.playing && !self.transport.at_end(self.clock.now_ms())
    }

    pub fn toggle(&mut self) {
        if self.is_playing() {
            self.pause();
        } else {
            self.play();
        }
    }

    /// Moves the playhead to `ms` (clamped to the audio), keeping play state.
    pub fn seek(&mut self, ms: i64) {
        let now = self.clock.now_ms();
        self.transport.anchor_pos = self.transport.clamp(ms);
        self.transport.anchor_at = now;
        self.sync_seek(self.transport.anchor_pos);
    }

    /// The audible position in ms, clamped to [0, duration].
    pub fn position_ms(&self) -> i64 {
        let now = self.clock.now_ms();
        match self.track() {
            Some(_) if self.transport.playing => match self.clicks.played_ms() {
                Some(audio) => self.transport.clamp(audio - self.latency_ms),
                None => self.transport.position(now),
            },
            _ => self.transport.position(now),
        }
    }

    /// Playback speed, clamped to 0.5..=2.0 (with a device the pitch follows).
    pub fn set_rate(&mut self, rate: f32) {
        let rate = if rate.is_finite() {
            rate.clamp(*RATE_RANGE.start(), *RATE_RANGE.end())
        } else {
            1.0
        };
        let now = self.clock.now_ms();
        self.transport.reanchor(now);
        self.transport.rate = rate;
        self.clicks.set_speed(rate);
        if let Some(track) = self.track() {
            track.set_speed(rate);
        }
    }

    pub fn rate(&self) -> f32 {
        self.transport.rate
    }

    /// How long the device takes from rodio to the speaker; subtracted from the audio clock.
    pub fn set_output_latency_ms(&mut self, ms: i64) {
        self.latency_ms = ms.max(0);
    }

    /// Scrubbing: plays `len_ms` of audio from `at_ms` over whatever plays; no-op when silent.
    pub fn play_snippet(&mut self, at_ms: i64, len_ms: i64) {
        let (Some(out), Some(path)) = (&mut self.output, &self.path) else {
            return;
        };
        let Ok(mut decoder) = Playback::open(path) else {
            return;
        };
        let at = Duration::from_millis(u64::try_from(at_ms.max(0)).unwrap_or(0));
        if decoder.try_seek(at).is_err() {
            return;
        }
        let len = Duration::from_millis(u64::try_from(len_ms.max(0)).unwrap_or(0));
        let snippet = rodio::Player::connect_new(out.sink.mixer());
        snippet.append(decoder.take_duration(len));
        out.snippet = Some(snippet);
    }

    /// Loops `[start, end)` while playing (when the playhead enters it before `end`); `None`
    /// or an empty range turns looping off.
    pub fn set_loop(&mut self, range: Option<(i64, i64)>) {
        let now = self.clock.now_ms();
        self.transport.reanchor(now);
        self.transport.loop_range = range.map(|(a, b)| (a.max(0), b)).filter(|&(a, b)| b > a);
    }

    /// The loop range in force.
    pub fn loop_range(&self) -> Option<(i64, i64)> {
        self.transport.loop_range
    }

    /// Once per frame: with a device, seeks the audio back when the playhead wraps the
    /// loop. (The silent clock wraps by itself.)
    pub fn update(&mut self) {
        let Some((a, b)) = self.transport.loop_range else {
            return;
        };
        let audible = match self.track() {
            Some(_) if self.transport.playing => match self.clicks.played_ms() {
                Some(ms) => ms,
                None => return,
            },
            _ => return,
        };
        if audible >= b {
            let now = self.clock.now_ms();
            self.transport.anchor_pos = a;
            self.transport.anchor_at = now;
            self.sync_seek(a);
        }
    }

    fn track(&self) -> Option<&rodio::Player> {
        self.output.as_ref().and_then(|o| o.track.as_ref())
    }

    /// Sets the beats `(ms, downbeat)` and cue times (ms) that click, in any order; the
    /// levels stay. Cheap when nothing changed. Heard from the next few ms of audio on.
    pub fn set_click_times(&mut self, beats: Vec<(i64, bool)>, cues: Vec<i64>) {
        self.clicks.set_times(beats, cues);
    }

    /// Sets whether the metronome and the cue clicks sound, and how loud.
    pub fn set_click_levels(&mut self, levels: ClickLevels) {
        self.clicks.set_levels(levels);
    }

    /// What clicks now (also without a device, where nothing is heard).
    pub fn click_schedule(&self) -> Arc<ClickSchedule> {
        self.clicks.schedule().clone()
    }

    fn sync_seek(&self, ms: i64) {
        if let Some(track) = self.track() {
            // rodio's speed-up multiplies the position it seeks to by the speed.
            let secs = ms.max(0) as f64 / 1000.0 / f64::from(self.transport.rate);
            let to = Duration::try_from_secs_f64(secs).unwrap_or(Duration::ZERO);
            if let Err(e) = track.try_seek(to) {
                tracing::warn!("audio seek to {ms} ms failed: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn player(duration: i64) -> (Player, ManualClock) {
        let clock = ManualClock::new();
        clock.set(1_000_000);
        let mut p = Player::with_clock(Box::new(clock.clone()));
        p.set_duration_ms(duration);
        (p, clock)
    }

    #[test]
    fn silent_clock_plays_pauses_and_seeks() {
        let (mut p, clock) = player(60_000);
        assert!(p.device_notice().is_some());
        assert_eq!(p.position_ms(), 0);
        clock.advance(500);
        assert_eq!(
            p.position_ms(),
            0,
            "paused: the clock does not move the playhead"
        );
        p.play();
        assert!(p.is_playing());
        clock.advance(1_500);
        assert_eq!(p.position_ms(), 1_500);
        p.pause();
        clock.advance(10_000);
        assert_eq!(p.position_ms(), 1_500);
        p.seek(30_000);
        assert_eq!(p.position_ms(), 30_000);
        p.toggle();
        clock.advance(250);
        assert_eq!(p.position_ms(), 30_250);
        p.seek(-5);
        assert_eq!(p.position_ms(), 0);
        p.seek(99_999);
        assert_eq!(p.position_ms(), 60_000);
        assert!(!p.is_playing(), "at the end it stops");
        p.play();
        assert_eq!(p.position_ms(), 0, "play at the end restarts");
    }

    #[test]
    fn rate_scales_time_from_the_change_on() {
        let (mut p, clock) = player(60_000);
        p.play();
        clock.advance(1_000);
        p.set_rate(2.0);
        clock.advance(1_000);
        assert_eq!(p.position_ms(), 3_000);
        p.set_rate(0.1);
        assert_eq!(p.rate(), 0.5);
        clock.advance(1_000);
        assert_eq!(p.position_ms(), 3_500);
        p.set_rate(f32::NAN);
        assert_eq!(p.rate(), 1.0);
        p.set_rate(9.0);
        assert_eq!(p.rate(), 2.0);
    }

    #[test]
    fn loop_wraps_while_playing() {
        let (mut p, clock) = player(60_000);
        p.set_loop(Some((10_000, 12_000)));
        p.seek(9_000);
        p.play();
        clock.advance(2_500);
        assert_eq!(p.position_ms(), 11_500);
        clock.advance(1_000);
        assert_eq!(p.position_ms(), 10_500);
        clock.advance(4_000);
        assert_eq!(p.position_ms(), 10_500);
        assert!(p.is_playing());
        p.set_loop(None);
        clock.advance(2_000);
        assert_eq!(p.position_ms(), 12_500);
        p.set_loop(Some((5, 5)));
        assert_eq!(p.loop_range(), None, "an empty range is no loop");
    }

    #[test]
    fn starting_after_the_loop_plays_on() {
        let (mut p, clock) = player(60_000);
        p.set_loop(Some((1_000, 2_000)));
        p.seek(3_000);
        p.play();
        clock.advance(1_000);
        assert_eq!(p.position_ms(), 4_000);
    }

    #[test]
    fn silent_player_handles_files_and_snippets() {
        let (mut p, _clock) = player(1_000);
        p.play_snippet(0, 100); // no device, no file: nothing happens
        let missing = Path::new("/nonexistent/dir/show.ogg");
        let err = p
            .open(missing)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("/nonexistent/dir/show.ogg"), "{err}");
        p.close();
        assert_eq!(p.position_ms(), 0);
    }

    #[test]
    fn a_silent_player_keeps_the_click_schedule() {
        let (mut p, clock) = player(10_000);
        let levels = ClickLevels {
            metronome: true,
            cues: true,
            ..ClickLevels::default()
        };
        p.set_click_levels(levels);
        p.set_click_times(vec![(1_000, false), (0, true)], vec![700, 300]);
        p.set_rate(1.5);
        p.play();
        clock.advance(1_000);
        assert_eq!(
            p.position_ms(),
            1_500,
            "no device: the clock, clicks or not"
        );
        let s = p.click_schedule();
        assert_eq!(s.beats, [(0, true), (1_000, false)]);
        assert_eq!(s.cues, [300, 700]);
        assert_eq!(s.levels, levels);
    }
}
