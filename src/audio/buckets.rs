//! Reducing decoded audio to min/max buckets: the mono mix of a decoded buffer and the
//! accumulator that turns samples with absolute positions into a chunk's buckets.

use symphonia::core::audio::{AudioBuffer, AudioBufferRef, Signal};
use symphonia::core::conv::IntoSample;
use symphonia::core::sample::Sample;

use super::decode::Chunk;

/// Mixes a decoded buffer down to mono in `out` (the mean of the channels, in [-1, 1]).
pub(crate) fn mix_to_mono(buf: &AudioBufferRef<'_>, out: &mut Vec<f32>) {
    match buf {
        AudioBufferRef::U8(b) => mix_typed(b, out),
        AudioBufferRef::U16(b) => mix_typed(b, out),
        AudioBufferRef::U24(b) => mix_typed(b, out),
        AudioBufferRef::U32(b) => mix_typed(b, out),
        AudioBufferRef::S8(b) => mix_typed(b, out),
        AudioBufferRef::S16(b) => mix_typed(b, out),
        AudioBufferRef::S24(b) => mix_typed(b, out),
        AudioBufferRef::S32(b) => mix_typed(b, out),
        AudioBufferRef::F32(b) => mix_typed(b, out),
        AudioBufferRef::F64(b) => mix_typed(b, out),
    }
}

fn mix_typed<S: Sample + IntoSample<f32>>(buf: &AudioBuffer<S>, out: &mut Vec<f32>) {
    let channels = buf.spec().channels.count();
    out.clear();
    out.resize(buf.frames(), 0.0);
    for c in 0..channels {
        for (o, &s) in out.iter_mut().zip(buf.chan(c)) {
            *o += s.into_sample();
        }
    }
    if channels > 1 {
        let k = 1.0 / channels as f32;
        out.iter_mut().for_each(|o| *o *= k);
    }
}

/// The min and max of a non-empty slice.
pub(crate) fn min_max(samples: &[f32]) -> (f32, f32) {
    let mut lo = f32::INFINITY;
    let mut hi = f32::NEG_INFINITY;
    for &s in samples {
        lo = if s < lo { s } else { lo };
        hi = if s > hi { s } else { hi };
    }
    (lo, hi)
}

/// Accumulates samples with absolute positions into buckets for `[start, end)`.
pub(crate) struct BucketAcc {
    start: u64,
    end: u64,
    size: u64,
    buckets: Vec<(f32, f32)>,
    /// The bucket being filled: its index and min/max so far.
    current: Option<(u64, (f32, f32))>,
    /// One past the last absolute frame seen.
    last: u64,
}

impl BucketAcc {
    pub(crate) fn new(start: u64, end: u64, size: u64) -> BucketAcc {
        BucketAcc {
            start,
            end,
            size: size.max(1),
            buckets: Vec::new(),
            current: None,
            last: start,
        }
    }

    /// Adds `samples`, the first at absolute frame `ts`; frames outside the range are ignored.
    pub(crate) fn feed(&mut self, ts: u64, samples: &[f32]) {
        let len = samples.len() as u64;
        let lo = self.start.saturating_sub(ts).min(len);
        let hi = self.end.saturating_sub(ts).min(len);
        if lo >= hi {
            return;
        }
        let mut abs = ts + lo;
        // lo..hi fit in usize: they are bounded by samples.len().
        let mut rest = &samples[lo as usize..hi as usize];
        while !rest.is_empty() {
            let rel = abs - self.start;
            let idx = rel / self.size;
            let room = self.size - rel % self.size;
            let take = (room as usize).min(rest.len());
            let (lo, hi) = min_max(&rest[..take]);
            self.put(idx, lo, hi);
            abs += take as u64;
            rest = &rest[take..];
        }
        self.last = self.last.max(abs);
    }

    fn put(&mut self, idx: u64, lo: f32, hi: f32) {
        match &mut self.current {
            Some((cur, (mn, mx))) if *cur == idx => {
                *mn = mn.min(lo);
                *mx = mx.max(hi);
            }
            _ => {
                self.flush();
                let have = self.buckets.len() as u64;
                if idx < have {
                    // Overlapping packets: merge into the finished bucket.
                    if let Some((mn, mx)) = usize::try_from(idx)
                        .ok()
                        .and_then(|i| self.buckets.get_mut(i))
                    {
                        *mn = mn.min(lo);
                        *mx = mx.max(hi);
                    }
                } else {
                    // A gap in the timestamps is silence.
                    self.buckets.extend((have..idx).map(|_| (0.0, 0.0)));
                    self.current = Some((idx, (lo, hi)));
                }
            }
        }
    }

    fn flush(&mut self) {
        if let Some((_, mm)) = self.current.take() {
            self.buckets.push(mm);
        }
    }

    /// The buckets; a chunk that stopped short of a finite `end` is padded with silence so
    /// the next chunk stays aligned, unless the track ended there (no chunk follows).
    pub(crate) fn finish(mut self, track_ended: bool) -> Chunk {
        self.flush();
        let mut frames = self.last - self.start;
        if frames > 0 && !track_ended && self.end != u64::MAX && self.last < self.end {
            frames = self.end - self.start;
            let want = frames.div_ceil(self.size) as usize;
            self.buckets.resize(want, (0.0, 0.0));
        }
        Chunk {
            start: self.start,
            buckets: self.buckets,
            frames,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_acc_matches_brute_force_across_packets_and_range() {
        let samples: Vec<f32> = (0..1000)
            .map(|i| ((i * 37) % 101) as f32 / 100.0 - 0.5)
            .collect();
        let (start, end, size) = (128, 640, 64);
        let mut acc = BucketAcc::new(start, end, size);
        // Packets of uneven length, starting before the range and running past it.
        let mut ts = 0;
        for len in [100, 77, 300, 13, 510] {
            acc.feed(ts as u64, &samples[ts..ts + len]);
            ts += len;
        }
        let chunk = acc.finish(false);
        assert_eq!(chunk.frames, end - start);
        let expect: Vec<(f32, f32)> = samples[start as usize..end as usize]
            .chunks(size as usize)
            .map(min_max)
            .collect();
        assert_eq!(chunk.buckets, expect);
    }

    #[test]
    fn bucket_acc_last_chunk_keeps_partial_bucket_and_pads_gaps() {
        let mut acc = BucketAcc::new(0, u64::MAX, 10);
        acc.feed(0, &[0.5; 5]);
        acc.feed(25, &[-0.25; 10]);
        let chunk = acc.finish(false);
        assert_eq!(chunk.frames, 35);
        assert_eq!(
            chunk.buckets,
            vec![(0.5, 0.5), (0.0, 0.0), (-0.25, -0.25), (-0.25, -0.25)]
        );
    }

    #[test]
    fn bucket_acc_pads_a_short_chunk_unless_the_track_ended() {
        let short = |ended| {
            let mut acc = BucketAcc::new(100, 200, 10);
            acc.feed(100, &[0.5; 35]);
            acc.finish(ended)
        };
        let padded = short(false);
        assert_eq!(padded.frames, 100, "the next chunk starts at 200");
        assert_eq!(padded.buckets.len(), 10);
        let ended = short(true);
        assert_eq!(ended.frames, 35, "nothing follows: no silence added");
        assert_eq!(ended.buckets.len(), 4);
    }
}
