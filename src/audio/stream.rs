//! The show's audio as a rodio source, decoded by the same code as the waveform.
//!
//! rodio's own decoder takes a file's first track for its length, which in a video is the
//! picture: it then reports a wrong duration and clamps every seek to it, and it ignores
//! MP4 edit lists. [`Playback`] plays the track [`super::decode`] chooses, with the same
//! [`TimeMap`](super::decode::TimeMap), so the sample rodio plays at position `t` is the
//! sample the waveform draws at `t`: the encoder's priming is skipped, a delayed track
//! starts with silence, and small gaps and overlaps between packets (Matroska's
//! millisecond timestamps) are joined up.

use std::num::NonZero;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{SeekMode, SeekTo};

use super::AudioError;
use super::decode::{PREROLL_FRAMES, Source, is_past_end};

/// A decoded track, interleaved f32 at the track's sample rate and first channel count.
pub struct Playback {
    src: Source,
    channels: NonZero<u16>,
    rate: NonZero<u32>,
    /// Interleaved samples ready to play, from `buf[at]` on.
    buf: Vec<f32>,
    at: usize,
    /// Samples of silence to play before `buf` (a gap or a delayed start).
    silence: u64,
    /// The show frame of the first frame of `buf` not yet queued: where the next decoded
    /// packet should start.
    next_frame: u64,
    scratch: Option<SampleBuffer<f32>>,
    done: bool,
}

impl Playback {
    /// Opens `path`'s audio track and decodes its first packet (to learn the channels).
    pub fn open(path: &Path) -> Result<Playback, AudioError> {
        let src = Source::open(path)?;
        let rate = NonZero::new(src.info.sample_rate).ok_or_else(|| AudioError::Corrupt {
            path: path.to_path_buf(),
            reason: "the headers give no sample rate".into(),
        })?;
        let header_channels = src
            .info
            .channels
            .and_then(|c| u16::try_from(c).ok())
            .and_then(NonZero::new);
        let mut playback = Playback {
            src,
            channels: header_channels.unwrap_or(NonZero::<u16>::MIN),
            rate,
            buf: Vec::new(),
            at: 0,
            silence: 0,
            next_frame: 0,
            scratch: None,
            done: false,
        };
        // The decoder knows best (AAC's parametric stereo doubles what the headers say).
        playback.refill(true)?;
        Ok(playback)
    }

    /// Decodes packets until some audio is queued or the track ends. With `adopt`, the
    /// first decoded buffer sets the channel count.
    fn refill(&mut self, mut adopt: bool) -> Result<(), AudioError> {
        self.buf.clear();
        self.at = 0;
        while !self.done && self.buf.is_empty() && self.silence == 0 {
            let packet = match self.src.format.next_packet() {
                Ok(p) => p,
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    self.done = true;
                    break;
                }
                Err(SymError::ResetRequired) => {
                    self.done = true;
                    break;
                }
                Err(e) => {
                    self.done = true;
                    return Err(AudioError::from_symphonia(&self.src.path, e));
                }
            };
            if packet.track_id() != self.src.track_id {
                continue;
            }
            let map = self.src.map;
            let pos = map.show_from_ts(packet.ts());
            if map
                .end()
                .is_some_and(|e| pos >= i64::try_from(e).unwrap_or(i64::MAX))
            {
                self.done = true;
                break;
            }
            let decoded = match self.src.decoder.decode(&packet) {
                Ok(d) => d,
                // A damaged packet: skip it, as the waveform does.
                Err(SymError::DecodeError(why)) => {
                    tracing::debug!("{}: skipped a packet: {why}", self.src.path.display());
                    continue;
                }
                Err(e) => {
                    self.done = true;
                    return Err(AudioError::from_symphonia(&self.src.path, e));
                }
            };
            let spec = *decoded.spec();
            let in_channels = spec.channels.count();
            if adopt && let Some(c) = u16::try_from(in_channels).ok().and_then(NonZero::new) {
                self.channels = c;
                adopt = false;
            }
            let frames = decoded.frames();
            let scratch = match &mut self.scratch {
                Some(s) if s.capacity() >= frames * in_channels => s,
                slot => slot.insert(SampleBuffer::new(decoded.capacity() as u64, spec)),
            };
            scratch.copy_interleaved_ref(decoded);
            let Some((first, range)) = map.clip(pos, frames) else {
                continue;
            };
            // Join up to the frame expected next: drop what was already played (a seek's
            // preroll, an overlap) and fill a real gap with silence; a difference within a
            // timestamp unit is rounding.
            let tolerance = map.tick_frames();
            let len = range.end - range.start;
            let (first, range) = if first + tolerance < self.next_frame {
                let behind = usize::try_from(self.next_frame - first).unwrap_or(usize::MAX);
                if behind >= len {
                    continue;
                }
                (self.next_frame, range.start + behind..range.end)
            } else if first > self.next_frame + tolerance {
                let gap = first - self.next_frame;
                self.silence = gap.saturating_mul(u64::from(self.channels.get()));
                (first, range)
            } else {
                (self.next_frame, range)
            };
            let out_channels = usize::from(self.channels.get());
            let samples = scratch.samples();
            for frame in range.clone() {
                for c in 0..out_channels {
                    // A stream that changes its channel count keeps the first count: extra
                    // channels are dropped and missing ones repeat the last.
                    let from = frame * in_channels + c.min(in_channels.saturating_sub(1));
                    self.buf.push(samples.get(from).copied().unwrap_or(0.0));
                }
            }
            self.next_frame = first + (range.end - range.start) as u64;
        }
        Ok(())
    }
}

impl Iterator for Playback {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        loop {
            if self.silence > 0 {
                self.silence -= 1;
                return Some(0.0);
            }
            if let Some(&s) = self.buf.get(self.at) {
                self.at += 1;
                return Some(s);
            }
            if self.done {
                return None;
            }
            if let Err(e) = self.refill(false) {
                tracing::warn!("{e}");
            }
        }
    }
}

impl rodio::Source for Playback {
    fn current_span_len(&self) -> Option<usize> {
        // The channel count and rate never change (see `refill`).
        None
    }

    fn channels(&self) -> rodio::ChannelCount {
        self.channels
    }

    fn sample_rate(&self) -> rodio::SampleRate {
        self.rate
    }

    fn total_duration(&self) -> Option<Duration> {
        let frames = self.src.info.total_frames?;
        Some(Duration::from_secs_f64(
            frames as f64 / f64::from(self.rate.get()),
        ))
    }

    /// Seeks to `pos` of show time: decodes from a little earlier (so the decoder's state
    /// settles) and drops what lies before `pos`. Past the end, the source ends.
    fn try_seek(&mut self, pos: Duration) -> Result<(), rodio::source::SeekError> {
        let rate = u128::from(self.rate.get());
        let mut target = u64::try_from(pos.as_nanos() * rate / 1_000_000_000).unwrap_or(u64::MAX);
        if let Some(total) = self.src.info.total_frames {
            target = target.min(total);
        }
        let ts = self
            .src
            .map
            .ts_from_show(target.saturating_sub(PREROLL_FRAMES));
        let to = SeekTo::TimeStamp {
            ts,
            track_id: self.src.track_id,
        };
        self.buf.clear();
        self.at = 0;
        self.silence = 0;
        self.next_frame = target;
        match self.src.format.seek(SeekMode::Accurate, to) {
            Ok(_) => {
                self.src.decoder.reset();
                self.done = false;
                Ok(())
            }
            Err(e) if is_past_end(&e) => {
                self.done = true;
                Ok(())
            }
            Err(e) => {
                self.done = true;
                let err = AudioError::from_symphonia(&self.src.path, e);
                Err(rodio::source::SeekError::Other(Arc::new(err)))
            }
        }
    }
}
