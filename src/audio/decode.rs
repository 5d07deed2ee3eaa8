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
//! A packet's timestamp gives the position of its first decoded frame, which is what makes
//! chunks exact. [`TimeMap`] turns timestamps (one sample in most formats, a millisecond in
//! Matroska, the track's timescale in MP4) into show frames: frames of the track's sample
//! rate from the show's 0, after an MP4 edit list's trim (see [`super::mp4`]).
//!
//! Video files work the same way: the first audio track that can be decoded is the show's
//! audio, and a file with no audio track says so.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use symphonia::core::codecs::{
    self as codecs, CODEC_TYPE_NULL, CodecType, Decoder, DecoderOptions,
};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader, Packet, SeekMode, SeekTo, Track};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

pub(crate) use super::buckets::min_max;
use super::buckets::{BucketAcc, mix_to_mono};
use super::mp4;
pub(crate) use super::timemap::TimeMap;
use super::{AudioError, FORMATS};

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
    mono_pos: i64,
}

/// An open audio track: reader, decoder and a scratch buffer for the mono mix.
pub(crate) struct Source {
    pub(crate) path: PathBuf,
    pub(crate) format: Box<dyn FormatReader>,
    pub(crate) decoder: Box<dyn Decoder>,
    pub(crate) track_id: u32,
    pub(crate) info: StreamInfo,
    pub(crate) map: TimeMap,
    mono: Vec<f32>,
    /// Where the previous chunk stopped, if the stream is still positioned there: its
    /// end, the first packet at or past it (not decoded yet), and the show frame of the
    /// last decoded buffer (still in `mono`), which may run past the end.
    resume: Option<Resume>,
    fresh: bool,
    decode_errors: u64,
    last_error: Option<String>,
}

/// A track that may hold audio: it has a codec symphonia knows, or a sample rate (Matroska
/// and MP4 give video and subtitle tracks neither).
fn is_audio(track: &Track) -> bool {
    track.codec_params.codec != CODEC_TYPE_NULL || track.codec_params.sample_rate.is_some()
}

/// A codec's name for messages.
fn codec_name(codec: CodecType) -> String {
    let known = [
        (codecs::CODEC_TYPE_OPUS, "Opus"),
        (codecs::CODEC_TYPE_SPEEX, "Speex"),
        (codecs::CODEC_TYPE_EAC3, "E-AC-3"),
        (codecs::CODEC_TYPE_AC4, "AC-4"),
        (codecs::CODEC_TYPE_DCA, "DTS"),
        (codecs::CODEC_TYPE_WMA, "WMA"),
        (codecs::CODEC_TYPE_WAVPACK, "WavPack"),
        (codecs::CODEC_TYPE_MONKEYS_AUDIO, "Monkey's Audio"),
        (codecs::CODEC_TYPE_TTA, "TTA"),
        (codecs::CODEC_TYPE_MUSEPACK, "Musepack"),
    ];
    if let Some((_, name)) = known.iter().find(|(c, _)| *c == codec) {
        return (*name).to_string();
    }
    match symphonia::default::get_codecs().get_codec(codec) {
        Some(d) => d.long_name.to_string(),
        None if codec == CODEC_TYPE_NULL => "an unknown codec".to_string(),
        None => format!("codec {codec}"),
    }
}

fn not_audio(path: &Path) -> AudioError {
    AudioError::Unsupported {
        path: path.to_path_buf(),
        reason: format!("not a file Cuestudio reads ({FORMATS})"),
    }
}

impl Source {
    pub(crate) fn open(path: &Path) -> Result<Source, AudioError> {
        let io = |source| AudioError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(io)?;
        if file.metadata().map_err(io)?.len() == 0 {
            return Err(AudioError::Empty {
                path: path.to_path_buf(),
            });
        }
        // An unreadable edit list is no edit list; symphonia reports a damaged file.
        let edits = mp4::edit_lists(&mut file).ok().flatten();
        file.seek(SeekFrom::Start(0)).map_err(io)?;
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
                // The probe found no format it knows (perhaps after reading to the end).
                SymError::Unsupported(why) if why.starts_with("core (probe)") => not_audio(path),
                SymError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    not_audio(path)
                }
                other => AudioError::from_symphonia(path, other),
            })?;
        let format = probed.format;
        let candidates: Vec<&Track> = format.tracks().iter().filter(|t| is_audio(t)).collect();
        let registry = symphonia::default::get_codecs();
        let track = candidates
            .iter()
            .find(|t| registry.get_codec(t.codec_params.codec).is_some())
            .ok_or_else(|| match candidates.first() {
                None => AudioError::NoAudio {
                    path: path.to_path_buf(),
                },
                Some(t) => AudioError::Unsupported {
                    path: path.to_path_buf(),
                    reason: format!(
                        "its audio is {}, which Cuestudio cannot decode; convert it, \
                         e.g. ffmpeg -i IN -vn -c:a flac OUT.flac",
                        codec_name(t.codec_params.codec)
                    ),
                },
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
        let edit = edits
            .as_ref()
            .and_then(|e| usize::try_from(track.id).ok().and_then(|i| e.get(i)))
            .copied()
            .flatten();
        let mut map = TimeMap::new(params.time_base, sample_rate);
        if let Some(edit) = edit {
            map = map.trimmed(edit.trim(sample_rate));
        }
        let total_frames = map.end().or_else(|| {
            params
                .n_frames
                .map(|n| u64::try_from(map.show_from_ts(n).max(0)).unwrap_or(0))
        });
        let info = StreamInfo {
            sample_rate,
            channels: params.channels.map(|c| c.count()),
            total_frames,
        };
        let decoder = registry
            .make(params, &DecoderOptions::default())
            .map_err(|e| AudioError::from_symphonia(path, e))?;
        Ok(Source {
            path: path.to_path_buf(),
            track_id: track.id,
            format,
            decoder,
            info,
            map,
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
                feed(&mut acc, &self.map, r.mono_pos, &self.mono);
                held = r.packet;
            }
            _ if start > 0 || !self.fresh => {
                let ts = self.map.ts_from_show(start.saturating_sub(PREROLL_FRAMES));
                let to = SeekTo::TimeStamp {
                    ts,
                    track_id: self.track_id,
                };
                match self.format.seek(SeekMode::Accurate, to) {
                    Ok(_) => {}
                    // Past the end of the track: Matroska gives every track the length of
                    // the longest, so a video's audio may end before its headers say.
                    Err(e) if is_past_end(&e) => return Ok(acc.finish(true)),
                    Err(e) => return Err(self.err(e)),
                }
                self.decoder.reset();
            }
            _ => {}
        }
        self.fresh = false;
        let end_pos = i64::try_from(end).unwrap_or(i64::MAX);
        let mut mono_pos = None;
        // Whether the track ended before `end` (rather than reaching it).
        let track_ended = loop {
            let packet = match held.take().map_or_else(|| self.format.next_packet(), Ok) {
                Ok(p) => p,
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    break true;
                }
                // A new chained stream: the first one is the show's audio.
                Err(SymError::ResetRequired) => break true,
                Err(e) => return Err(self.err(e)),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            // Each packet at its own timestamp (not joined up to the previous one as the
            // player does), so a chunk after a seek places its packets exactly where a
            // decode from the start does.
            let pos = self.map.show_from_ts(packet.ts());
            // Past the edit list's end is the encoder's padding: the end of the track.
            if self
                .map
                .end()
                .is_some_and(|e| pos >= i64::try_from(e).unwrap_or(i64::MAX))
            {
                break true;
            }
            if pos >= end_pos {
                if let Some(mono_pos) = mono_pos {
                    self.resume = Some(Resume {
                        end,
                        packet: Some(packet),
                        mono_pos,
                    });
                }
                break false;
            }
            match self.decoder.decode(&packet) {
                Ok(buf) => {
                    mix_to_mono(&buf, &mut self.mono);
                    feed(&mut acc, &self.map, pos, &self.mono);
                    mono_pos = Some(pos);
                }
                // A damaged packet: skip it as players do, remember why.
                Err(SymError::DecodeError(why)) => {
                    self.decode_errors += 1;
                    self.last_error = Some(why.to_string());
                }
                Err(e) => return Err(self.err(e)),
            }
        };
        Ok(acc.finish(track_ended))
    }
}

/// Whether a seek failed because the position lies past the end of the track.
pub(crate) fn is_past_end(e: &SymError) -> bool {
    match e {
        SymError::SeekError(symphonia::core::errors::SeekErrorKind::OutOfRange) => true,
        SymError::IoError(io) => io.kind() == std::io::ErrorKind::UnexpectedEof,
        _ => false,
    }
}

/// Feeds the part of `mono` (decoded at show frame `pos`) that is inside the show.
fn feed(acc: &mut BucketAcc, map: &TimeMap, pos: i64, mono: &[f32]) {
    if let Some((first, range)) = map.clip(pos, mono.len())
        && let Some(samples) = mono.get(range)
    {
        acc.feed(first, samples);
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
            Ok(p) if p.track_id() == src.track_id => {
                end = end.max(src.map.show_from_ts(p.ts().saturating_add(p.dur())));
            }
            Ok(_) => {}
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(SymError::ResetRequired) => break,
            Err(e) => return Err(src.err(e)),
        }
    }
    let end = u64::try_from(end).unwrap_or(0);
    Ok(ms_from_frames(
        src.map.end().map_or(end, |e| e.min(end)),
        src.info.sample_rate,
    ))
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
        // A chunk with no audio after the first: the track ended before its headers said
        // (chunks are concatenated, so none may follow a gap).
        if chunk.frames == 0 && chunk.start > 0 {
            return ControlFlow::Break(());
        }
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

/// The whole mono mix of `path` (the mean of its channels, as the waveform sees it), at the
/// track's sample rate divided by `decimation(rate)`, and that rate: [`decode_buckets`] with
/// buckets of one frame, on `threads` threads. What beat analysis reads.
///
/// Decimating averages each run of that many frames from the first (the last run may be
/// shorter), non-finite samples counted as 0: what [`beats::analyse`] does to its input
/// first, so `decimation = beats::decimation` gives the same analysis in a fraction of the
/// memory (an hour at 44.1 kHz: 159 MB instead of 635 MB). A factor that does not divide the
/// rate, or 0, decodes at the full rate.
pub fn decode_mono(
    path: &Path,
    threads: usize,
    decimation: impl Fn(u32) -> usize,
) -> Result<(Vec<f32>, u32), AudioError> {
    let mut rate = 0;
    let factor = std::cell::Cell::new(1usize);
    let length = std::cell::Cell::new(None);
    let mut samples: Vec<f32> = Vec::new();
    // Frames taken in so far, and the run being averaged.
    let mut frames = 0u64;
    let (mut sum, mut count) = (0f32, 0usize);
    decode_buckets(
        path,
        1,
        threads,
        |info| {
            rate = info.sample_rate;
            factor.set(match decimation(rate) {
                f if f > 1 && u32::try_from(f).is_ok_and(|f| rate % f == 0) => f,
                _ => 1,
            });
            length.set(info.total_frames.and_then(|n| usize::try_from(n).ok()));
        },
        |chunk| {
            // A hint only: headers may claim any length.
            let factor = factor.get();
            if let Some(n) = length.take() {
                let _ = samples.try_reserve((n / factor).min(1 << 28));
            }
            // Chunks arrive in order and meet end to end: a gap is silence, and frames
            // already taken in are not taken again.
            let gap = chunk.start.saturating_sub(frames);
            let skip = usize::try_from(frames.saturating_sub(chunk.start)).unwrap_or(usize::MAX);
            let values = std::iter::repeat_n(0f32, usize::try_from(gap).unwrap_or(0))
                .chain(chunk.buckets.iter().skip(skip).map(|&(lo, _)| lo));
            for v in values {
                frames += 1;
                sum += if v.is_finite() { v } else { 0.0 };
                count += 1;
                if count == factor {
                    samples.push(sum / factor as f32);
                    (sum, count) = (0.0, 0);
                }
            }
            ControlFlow::Continue(())
        },
    )?;
    if count > 0 {
        samples.push(sum / count as f32);
    }
    let factor = u32::try_from(factor.get()).unwrap_or(1).max(1);
    Ok((samples, rate / factor))
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
