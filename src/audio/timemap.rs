//! From a track's timestamps to the show's frames: the track's time base, and the trim an
//! MP4 edit list asks for (AAC priming and padding), as browsers apply it.

use std::ops::Range;

use symphonia::core::units::TimeBase;

use super::mp4::Trim;

/// From a track's timestamps to show frames (frames of its sample rate from the show's 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimeMap {
    /// A timestamp unit is `numer / denom` seconds.
    numer: u64,
    denom: u64,
    rate: u64,
    /// Added to the media's frame position: the edit list's delay minus its skip.
    offset: i64,
    /// The show frame where the track's media ends (an edit list's end), if it says.
    end: Option<u64>,
}

impl TimeMap {
    /// Timestamps in `time_base` (one sample when the headers give none), no trim.
    pub(crate) fn new(time_base: Option<TimeBase>, sample_rate: u32) -> TimeMap {
        let rate = u64::from(sample_rate.max(1));
        let (numer, denom) = match time_base {
            Some(tb) if tb.numer > 0 && tb.denom > 0 => (u64::from(tb.numer), u64::from(tb.denom)),
            _ => (1, rate),
        };
        TimeMap {
            numer,
            denom,
            rate,
            offset: 0,
            end: None,
        }
    }

    /// The same map after an edit list's trim.
    pub(crate) fn trimmed(self, trim: Trim) -> TimeMap {
        let delay = i64::try_from(trim.delay).unwrap_or(i64::MAX);
        let skip = i64::try_from(trim.skip).unwrap_or(i64::MAX);
        TimeMap {
            offset: delay.saturating_sub(skip),
            end: trim.length.map(|l| trim.delay.saturating_add(l)),
            ..self
        }
    }

    /// The show frame of timestamp `ts` (negative: trimmed away before the show's 0).
    pub(crate) fn show_from_ts(&self, ts: u64) -> i64 {
        let den = u128::from(self.denom);
        // Saturating: a damaged file may carry any timestamp.
        let frames = u128::from(ts)
            .saturating_mul(u128::from(self.numer) * u128::from(self.rate))
            .saturating_add(den / 2)
            / den;
        i64::try_from(frames)
            .unwrap_or(i64::MAX)
            .saturating_add(self.offset)
    }

    /// The last timestamp at or before show frame `frame`.
    pub(crate) fn ts_from_show(&self, frame: u64) -> u64 {
        let media = i128::from(frame) - i128::from(self.offset);
        let Ok(media) = u128::try_from(media) else {
            return 0;
        };
        let per = u128::from(self.numer) * u128::from(self.rate);
        u64::try_from(media * u128::from(self.denom) / per.max(1)).unwrap_or(u64::MAX)
    }

    /// The show frames a timestamp unit spans, at least 1: how far apart two packets may
    /// be and still join up.
    pub(crate) fn tick_frames(&self) -> u64 {
        (self.numer * self.rate).div_ceil(self.denom).max(1)
    }

    /// The show frame where the track ends, if the edit list says.
    pub(crate) fn end(&self) -> Option<u64> {
        self.end
    }

    /// Of `len` decoded frames starting at show frame `pos`, the part inside the show
    /// (from 0 to the end): its first show frame and its range in the buffer.
    pub(crate) fn clip(&self, pos: i64, len: usize) -> Option<(u64, Range<usize>)> {
        let len_i = i64::try_from(len).unwrap_or(i64::MAX);
        let lo = pos.saturating_neg().clamp(0, len_i);
        let hi = match self.end.map(|e| i64::try_from(e).unwrap_or(i64::MAX)) {
            Some(end) => end.saturating_sub(pos).clamp(0, len_i),
            None => len_i,
        };
        if lo >= hi {
            return None;
        }
        // lo and hi are in 0..=len; pos + lo >= 0.
        let first = u64::try_from(pos.saturating_add(lo)).ok()?;
        Some((first, usize::try_from(lo).ok()?..usize::try_from(hi).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_map_converts_timestamps_and_clips_to_the_show() {
        // One sample per unit, as WAV, MP3, FLAC and OGG have.
        let plain = TimeMap::new(None, 44_100);
        assert_eq!(plain.show_from_ts(12_345), 12_345);
        assert_eq!(plain.ts_from_show(12_345), 12_345);
        assert_eq!(plain.tick_frames(), 1);
        assert_eq!(plain.clip(100, 50), Some((100, 0..50)));

        // Matroska: milliseconds.
        let mkv = TimeMap::new(Some(TimeBase::new(1, 1000)), 44_100);
        assert_eq!(mkv.show_from_ts(1500), 66_150);
        assert_eq!(mkv.ts_from_show(66_150), 1500);
        assert_eq!(mkv.ts_from_show(66_190), 1500, "rounds down to the unit");
        assert_eq!(mkv.tick_frames(), 45);

        // MP4 AAC: 1024 frames of priming skipped, 3 s played, after 0.5 s of silence.
        let trim = Trim {
            delay: 22_050,
            skip: 1024,
            length: Some(132_300),
        };
        let mp4 = TimeMap::new(Some(TimeBase::new(1, 44_100)), 44_100).trimmed(trim);
        assert_eq!(mp4.show_from_ts(0), 22_050 - 1024);
        assert_eq!(mp4.ts_from_show(22_050), 1024);
        assert_eq!(mp4.ts_from_show(0), 0, "before the media is its start");
        assert_eq!(mp4.end(), Some(154_350));
        // The priming packet: only its last frames are in the show.
        let primed = TimeMap::new(None, 44_100).trimmed(Trim {
            delay: 0,
            skip: 1024,
            length: Some(132_300),
        });
        assert_eq!(primed.clip(-1024, 1024), None);
        assert_eq!(primed.clip(-1000, 1024), Some((0, 1000..1024)));
        // The padding after the end is cut.
        assert_eq!(primed.clip(132_000, 1024), Some((132_000, 0..300)));
        assert_eq!(primed.clip(132_300, 1024), None);
    }
}
