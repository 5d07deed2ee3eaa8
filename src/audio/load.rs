//! Loading an audio file's peaks on a background thread, with progress.
//!
//! [`spawn_load`] returns at once. The pyramid in [`AudioLoad::peaks`] grows from the left
//! as chunks finish (see [`super::decode`]); every step sends a [`LoadEvent`] and calls the
//! `repaint` callback (the editor passes `ctx.request_repaint`). Dropping the
//! [`AudioLoad`] stops the decode after the chunks in flight.

use std::cell::Cell;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, RwLock};

use super::AudioError;
use super::decode::{self, StreamInfo};
use super::peaks::Peaks;

/// What a background load reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadEvent {
    /// More audio is in the peaks; `total_ms` when the headers gave the length.
    Progress {
        decoded_ms: i64,
        total_ms: Option<i64>,
    },
    /// The whole file is in the peaks.
    Done { duration_ms: i64 },
    /// The file could not be loaded: "FILE: reason".
    Failed(String),
}

/// A load in progress: the growing peaks and the events about it.
pub struct AudioLoad {
    pub peaks: Arc<RwLock<Peaks>>,
    pub events: Receiver<LoadEvent>,
}

/// Starts decoding `path` into peaks on a background thread (which itself uses every core).
pub fn spawn_load(path: PathBuf, repaint: Box<dyn Fn() + Send + Sync>) -> AudioLoad {
    let peaks = Arc::new(RwLock::new(Peaks::new(0)));
    let (tx, events) = mpsc::channel();
    let shared = Arc::clone(&peaks);
    let spawned = std::thread::Builder::new()
        .name("audio-load".into())
        .spawn(move || {
            let total_ms = Cell::new(None);
            let on_info = |info: &StreamInfo| {
                total_ms.set(info.duration_ms());
                let fresh = Peaks::with_capacity(info.sample_rate, info.total_frames.unwrap_or(0));
                if let Ok(mut p) = shared.write() {
                    *p = fresh;
                }
            };
            let on_chunk = |chunk: decode::Chunk| {
                let Ok(mut p) = shared.write() else {
                    return ControlFlow::Break(());
                };
                p.push_buckets(&chunk.buckets, chunk.frames);
                let decoded_ms = p.duration_ms();
                drop(p);
                let event = LoadEvent::Progress {
                    decoded_ms,
                    total_ms: total_ms.get(),
                };
                if tx.send(event).is_err() {
                    return ControlFlow::Break(());
                }
                repaint();
                ControlFlow::Continue(())
            };
            let result = decode::decode_buckets(
                &path,
                Peaks::BUCKET,
                decode::default_threads(),
                on_info,
                on_chunk,
            );
            let event = match result {
                Ok(_) => LoadEvent::Done {
                    duration_ms: shared.read().map_or(0, |p| p.duration_ms()),
                },
                Err(e) => LoadEvent::Failed(e.to_string()),
            };
            let _ = tx.send(event);
            repaint();
        });
    if let Err(e) = spawned {
        // Only when the OS refuses a thread; report it like any other failure.
        let (tx, rx) = mpsc::channel();
        let _ = tx.send(LoadEvent::Failed(format!(
            "cannot start the audio loader: {e}"
        )));
        return AudioLoad { peaks, events: rx };
    }
    AudioLoad { peaks, events }
}

/// The length of `path` in ms: from the headers when they give it, otherwise by reading
/// (not decoding) every packet.
pub fn probe_duration_ms(path: &Path) -> Result<i64, AudioError> {
    decode::duration_ms(path)
}
