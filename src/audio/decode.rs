//! Decoding audio files to min/max buckets of a mono mix, in parallel.
//!
//! Compressed frames are read straight through symphonia (no resampling, no player). A file
//! whose length is known from its headers is cut into chunks of about [`CHUNK_SECONDS`];
//! each worker thread owns its own format reader and decoder, seeks to a chunk (starting
//! [`PREROLL_FRAMES`] early so the decoder state settles, e.g. the MP3 bit reservoir and
//! MDCT overlap), and reduces the decoded samples of exactly that chunk to buckets. Chunk
//! boundaries are multiples of the bucket size, so stitching is concatenation. Chunks are
//! handed to the caller in order, which lets a waveform grow from the left while loading.
//!
//! A packet's timestamp gives the absolute sample position of its first decoded frame (the
//! time base of these formats is one sample), which is what makes chunks exact.

use std::collections::BTreeMap;
use std::fs::File;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use symphonia::core::codecs::{CODEC_TYPE_NULL, Decoder, DecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader, Packet, SeekMode, SeekTo};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use super::AudioError;
pub(crate) use super::buckets::min_max;
use super::buckets::{BucketAcc, mix_to_mono};

/// Target length of one parallel chunk, in seconds of audio.
pub const CHUNK_SECONDS: u64 = 20;
/// Frames decoded and thrown away before a chunk's first frame after a seek.
pub const PREROLL_FRAMES: u64 = 8192;

/// What the headers say about a file's audio track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamInfo {
    pub sample_rate: u32,
    /// Channel count when the headers give it.
    pub channels: Option<usize>,
    /// Length in frames (samples per channel) when the headers give it.
    pub total_frames: Option<u64>,
}

impl StreamInfo {
    /// The length in ms, when known.
    pub fn duration_ms(&self) -> Option<i64> {
        self.total_frames
            .map(|frames| ms_from_frames(frames, self.sample_rate))
    }
}

/// `frames` samples at `sample_rate` in whole milliseconds (rounded down).
pub fn ms_from_frames(frames: u64, sample_rate: u32) -> i64 {
    if sample_rate == 0 {
        return 0;
    }
    i64::try_from(u128::from(frames) * 1000 / u128::from(sample_rate)).unwrap_or(i64::MAX)
}

/// Min/max buckets of consecutive `bucket`-frame runs, starting at frame `start`.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// First frame covered (a multiple of the bucket size).
    pub start: u64,
    /// One `(min, max)` per bucket; the last may cover fewer frames (end of file).
    pub buckets: Vec<(f32, f32)>,
    /// Frames covered from `start` (0 when the chunk held no audio).
    pub frames: u64,
}

struct Resume {
    end: u64,
    packet: Option<Packet>,
    mono_ts: u64,
}

/// An open audio track: reader, decoder and a scratch buffer for the mono mix.
struct Source {
    path: PathBuf,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    info: StreamInfo,
    mono: Vec<f32>,
    /// Where the previous chunk stopped, if the stream is still positioned there: its
    /// end, the first packet at or past it (not decoded yet), and the timestamp of the
    /// last decoded buffer (still in `mono`), which may run past the end.
    resume: Option<Resume>,
    fresh: bool,
    decode_errors: u64,
    last_error: Option<String>,
}

impl Source {
    fn open(path: &Path) -> Result<Source, AudioError> {
        let file = File::open(path).map_err(|source| AudioError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mss = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let probed = symphonia::default::get_probe()
            .format(
                &hint,
                mss,
                &FormatOptions::default(),
                &MetadataOptions::default(),
            )
            .map_err(|e| match e {
                SymError::Unsupported(_) => AudioError::Unsupported {
                    path: path.to_path_buf(),
                    reason: "not a WAV, MP3, FLAC or OGG Vorbis file".into(),
                },
                other => AudioError::from_symphonia(path, other),
            })?;
        let format = probed.format;
        let track = format
            .tracks()
            .iter()
            .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
            .ok_or_else(|| AudioError::Unsupported {
                path: path.to_path_buf(),
                reason: "no audio track".into(),
            })?;
        let params = &track.codec_params;
        let sample_rate =
            params
                .sample_rate
                .filter(|&sr| sr > 0)
                .ok_or_else(|| AudioError::Corrupt {
                    path: path.to_path_buf(),
                    reason: "the headers give no sample rate".into(),
                })?;
        let info = StreamInfo {
            sample_rate,
            channels: params.channels.map(|c| c.count()),
            total_frames: params.n_frames,
        };
        let decoder = symphonia::default::get_codecs()
            .make(params, &DecoderOptions::default())
            .map_err(|e| AudioError::from_symphonia(path, e))?;
        Ok(Source {
            path: path.to_path_buf(),
            track_id: track.id,
            format,
            decoder,
            info,
            mono: Vec::new(),
            resume: None,
            fresh: true,
            decode_errors: 0,
            last_error: None,
        })
    }

    fn err(&self, e: SymError) -> AudioError {
        AudioError::from_symphonia(&self.path, e)
    }

    /// Decodes frames `[start, end)` into buckets of `bucket` frames. Continues without a
    /// seek when the previous call stopped at `start`.
    fn decode_range(&mut self, start: u64, end: u64, bucket: u64) -> Result<Chunk, AudioError> {
        let mut acc = BucketAcc::new(start, end, bucket);
        let mut held = None;
        match self.resume.take() {
            Some(r) if r.end == start => {
                acc.feed(r.mono_ts, &self.mono);
                held = r.packet;
            }
            _ if start > 0 || !self.fresh => {
                let ts = start.saturating_sub(PREROLL_FRAMES);
                let to = SeekTo::TimeStamp {
                    ts,
                    track_id: self.track_id,
                };
                self.format
                    .seek(SeekMode::Accurate, to)
                    .map_err(|e| self.err(e))?;
                self.decoder.reset();
            }
            _ => {}
        }
        self.fresh = false;
        let mut mono_ts = None;
        loop {
            let packet = match held.take().map_or_else(|| self.format.next_packet(), Ok) {
                Ok(p) => p,
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    break;
                }
                // A new chained stream: the first one is the show's audio.
                Err(SymError::ResetRequired) => break,
                Err(e) => return Err(self.err(e)),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            let ts = packet.ts();
            if ts >= end {
                if let Some(mono_ts) = mono_ts {
                    self.resume = Some(Resume {
                        end,
                        packet: Some(packet),
                        mono_ts,
                    });
                }
                break;
            }
            match self.decoder.decode(&packet) {
                Ok(buf) => {
                    mix_to_mono(&buf, &mut self.mono);
                    acc.feed(ts, &self.mono);
                    mono_ts = Some(ts);
                }
                // A damaged packet: skip it as players do, remember why.
                Err(SymError::DecodeError(why)) => {
                    self.decode_errors += 1;
                    self.last_error = Some(why.to_string());
                }
                Err(e) => return Err(self.err(e)),
            }
        }
        Ok(acc.finish())
    }
}

/// Reads the stream's headers.
pub fn probe(path: &Path) -> Result<StreamInfo, AudioError> {
    Source::open(path).map(|s| s.info)
}

/// The length of `path` in ms: from the headers when they give it, otherwise by reading
/// (not decoding) every packet.
pub fn duration_ms(path: &Path) -> Result<i64, AudioError> {
    let mut src = Source::open(path)?;
    if let Some(ms) = src.info.duration_ms() {
        return Ok(ms);
    }
    let mut end = 0;
    loop {
        match src.format.next_packet() {
            Ok(p) if p.track_id() == src.track_id => end = end.max(p.ts() + p.dur()),
            Ok(_) => {}
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(SymError::ResetRequired) => break,
            Err(e) => return Err(src.err(e)),
        }
    }
    Ok(ms_from_frames(end, src.info.sample_rate))
}

/// The number of decode threads to use on this machine.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// The chunk boundaries for a stream: `[start, end)` pairs, the last ending at `u64::MAX`
/// (read to the end of the file, whatever the headers claimed).
fn plan_chunks(info: &StreamInfo, bucket: u64) -> Vec<(u64, u64)> {
    let Some(total) = info.total_frames else {
        return vec![(0, u64::MAX)];
    };
    let target = u64::from(info.sample_rate) * CHUNK_SECONDS;
    let len = target.div_ceil(bucket).max(1) * bucket;
    let n = total.div_ceil(len).max(1);
    (0..n)
        .map(|i| {
            let end = if i + 1 == n { u64::MAX } else { (i + 1) * len };
            (i * len, end)
        })
        .collect()
}

/// Decodes `path` to min/max buckets of `bucket` frames of the mono mix on `threads`
/// threads. `on_info` sees the headers before decoding starts; `on_chunk` receives the
/// chunks in order on the calling thread and may stop the decode with `Break`.
/// Returns the number of frames decoded.
pub fn decode_buckets(
    path: &Path,
    bucket: u32,
    threads: usize,
    on_info: impl FnOnce(&StreamInfo),
    mut on_chunk: impl FnMut(Chunk) -> ControlFlow<()>,
) -> Result<u64, AudioError> {
    let bucket = u64::from(bucket.max(1));
    let mut first = Source::open(path)?;
    on_info(&first.info);
    let plan = plan_chunks(&first.info, bucket);
    let mut total = 0;
    let mut emit = |chunk: Chunk, total: &mut u64| {
        if chunk.frames > 0 {
            *total = chunk.start + chunk.frames;
        }
        on_chunk(chunk)
    };

    let threads = threads.clamp(1, plan.len());
    if threads == 1 {
        for &(start, end) in &plan {
            let chunk = first.decode_range(start, end, bucket)?;
            if emit(chunk, &mut total).is_break() {
                return Ok(total);
            }
        }
        return finish(total, &[first]);
    }

    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, Result<Chunk, AudioError>)>();
    let sources = std::thread::scope(|scope| -> Result<Vec<Source>, AudioError> {
        let mut handles = Vec::with_capacity(threads);
        let mut firsts = Some(first);
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, plan) = (&next, &stop, &plan);
            let given = firsts.take();
            handles.push(scope.spawn(move || -> Option<Source> {
                let mut src = match given {
                    Some(s) => s,
                    None => match Source::open(path) {
                        Ok(s) => s,
                        Err(e) => {
                            let _ = tx.send((0, Err(e)));
                            return None;
                        }
                    },
                };
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(start, end)) = plan.get(i) else {
                        break;
                    };
                    let result = src.decode_range(start, end, bucket);
                    let failed = result.is_err();
                    if tx.send((i, result)).is_err() || failed {
                        break;
                    }
                }
                Some(src)
            }));
        }
        drop(tx);

        let mut pending = BTreeMap::new();
        let mut expected = 0;
        let mut outcome = Ok(());
        'recv: for (i, result) in rx.iter() {
            match result {
                Ok(chunk) => {
                    pending.insert(i, chunk);
                }
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
            while let Some(chunk) = pending.remove(&expected) {
                expected += 1;
                if emit(chunk, &mut total).is_break() {
                    break 'recv;
                }
            }
        }
        stop.store(true, Ordering::Relaxed);
        drop(rx);
        let sources = handles
            .into_iter()
            .filter_map(|h| h.join().ok().flatten())
            .collect();
        outcome.map(|()| sources)
    })?;
    finish(total, &sources)
}

/// An empty result is an error when packets failed to decode (the file is damaged).
fn finish(total: u64, sources: &[Source]) -> Result<u64, AudioError> {
    if total == 0
        && let Some(src) = sources.iter().find(|s| s.decode_errors > 0)
    {
        return Err(AudioError::Corrupt {
            path: src.path.clone(),
            reason: format!(
                "no audio could be decoded ({} damaged packets; last: {})",
                src.decode_errors,
                src.last_error.as_deref().unwrap_or("?")
            ),
        });
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_chunks_are_bucket_aligned_and_end_open() {
        let info = StreamInfo {
            sample_rate: 44_100,
            channels: Some(2),
            total_frames: Some(44_100 * 65),
        };
        let plan = plan_chunks(&info, 441);
        assert_eq!(plan.len(), 4);
        assert!(plan.iter().all(|&(s, _)| s % 441 == 0));
        assert_eq!(plan[0].0, 0);
        assert_eq!(plan[3].1, u64::MAX);
        assert!(plan.windows(2).all(|w| w[0].1 == w[1].0));
        let unknown = StreamInfo {
            total_frames: None,
            ..info
        };
        assert_eq!(plan_chunks(&unknown, 441), vec![(0, u64::MAX)]);
    }
}
