//! Waveform speed on a 60-minute 192 kbit/s MP3 (made by `benches/fixtures-gen/long-mp3.sh`
//! into /tmp on first run, or named by `CUESTUDIO_BENCH_MP3`), and peaks lookups.
//!
//! - `waveform/60min_mp3/N_threads`: the whole `cuestudio waveform` computation; compare
//!   with `time ffmpeg -i FILE -f null -` on the same file.
//! - `waveform/first_chunk`: open the file and get the first chunk of buckets, i.e. the
//!   time until the editor can draw the first waveform pixels.
//! - `peaks/columns_3h`: 1600 columns at three zooms from a 3-hour pyramid.
//!
//! A decode error fails the bench (it panics with the error) instead of being timed.

use std::hint::black_box;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::Command;

use criterion::{Criterion, criterion_group, criterion_main};
use cuestudio::audio::decode::{decode_buckets, default_threads};
use cuestudio::audio::peaks::Peaks;
use cuestudio::audio::waveform::Waveform;

fn fixture() -> PathBuf {
    if let Some(path) = std::env::var_os("CUESTUDIO_BENCH_MP3") {
        return path.into();
    }
    let path = PathBuf::from("/tmp/cuestudio-bench-60min.mp3");
    if !path.exists() {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/benches/fixtures-gen/long-mp3.sh"
        );
        let status = Command::new(script).arg(&path).status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "{script} failed (needs sox and ffmpeg)"
        );
    }
    path
}

fn waveform(c: &mut Criterion) {
    let mp3 = fixture();
    let mut group = c.benchmark_group("waveform");
    group.sample_size(10);
    let mut threads = vec![1, default_threads()];
    threads.dedup();
    for n in threads {
        group.bench_function(format!("60min_mp3/{n}_threads"), |b| {
            b.iter(|| {
                let w = Waveform::compute(&mp3, 100, 16, n)
                    .unwrap_or_else(|e| panic!("decoding failed: {e}"));
                assert!(!w.data.is_empty(), "{}: no waveform data", mp3.display());
                black_box(w.data.len())
            })
        });
    }
    group.bench_function("first_chunk", |b| {
        b.iter(|| {
            let mut buckets = 0;
            let frames = decode_buckets(
                &mp3,
                Peaks::BUCKET,
                default_threads(),
                |_| {},
                |chunk| {
                    buckets = chunk.buckets.len();
                    ControlFlow::Break(())
                },
            )
            .unwrap_or_else(|e| panic!("decoding failed: {e}"));
            assert!(buckets > 0, "{}: the first chunk is empty", mp3.display());
            black_box((frames, buckets))
        })
    });
    group.finish();
}

fn columns(c: &mut Criterion) {
    let sr = 44_100u32;
    let frames = u64::from(sr) * 3 * 3600;
    let mut peaks = Peaks::with_capacity(sr, frames);
    let buckets: Vec<(f32, f32)> = (0..frames / u64::from(Peaks::BUCKET))
        .map(|i| {
            let v = ((i * 2_654_435_761) % 1000) as f32 / 1000.0;
            (-v, v)
        })
        .collect();
    peaks.push_buckets(&buckets, frames);
    drop(buckets);
    let mut group = c.benchmark_group("peaks");
    group.bench_function("columns_3h", |b| {
        b.iter(|| {
            let all = peaks.columns(0, 3 * 3_600_000, 1600);
            let minute = peaks.columns(5_400_000, 5_460_000, 1600);
            let close = peaks.columns(5_400_000, 5_400_200, 1600);
            black_box((all.len(), minute.len(), close.len()))
        })
    });
    group.finish();
}

criterion_group!(benches, waveform, columns);
criterion_main!(benches);
