//! Audio: decoding, the peaks pyramid, the player and its clock.
//!
//! - [`decode`] reads WAV, MP3, FLAC and OGG Vorbis through symphonia and reduces them to
//!   min/max buckets of a mono mix, decoding independent chunks of the file on every core
//!   and handing the chunks back in order.
//! - [`peaks`] is the min/max pyramid the timeline draws from at any zoom, growable while
//!   a file decodes; the PCM itself is never kept.
//! - [`load`] runs a decode on a background thread and reports progress.
//! - [`player`] plays through rodio when a device exists and always keeps a clock, so the
//!   playhead moves even without a sound card.
//! - [`waveform`] produces BBC audiowaveform JSON (`cuestudio waveform`).

mod buckets;
pub mod decode;
pub mod load;
pub mod peaks;
pub mod player;
pub mod waveform;

use std::path::{Path, PathBuf};

/// Why audio could not be opened, decoded or written. The message names the file.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The container or codec is not one symphonia reads here (WAV, MP3, FLAC, OGG Vorbis).
    #[error("{}: unsupported audio: {reason}", path.display())]
    Unsupported { path: PathBuf, reason: String },
    /// The file is damaged or not audio at all.
    #[error("{}: cannot decode: {reason}", path.display())]
    Corrupt { path: PathBuf, reason: String },
}

impl AudioError {
    /// The file this error is about.
    pub fn path(&self) -> &Path {
        match self {
            AudioError::Io { path, .. }
            | AudioError::Unsupported { path, .. }
            | AudioError::Corrupt { path, .. } => path,
        }
    }

    pub(crate) fn from_symphonia(path: &Path, err: symphonia::core::errors::Error) -> AudioError {
        use symphonia::core::errors::Error as E;
        let path = path.to_path_buf();
        match err {
            E::IoError(source) if source.kind() == std::io::ErrorKind::UnexpectedEof => {
                AudioError::Corrupt {
                    path,
                    reason: "unexpected end of file".into(),
                }
            }
            E::IoError(source) => AudioError::Io { path, source },
            E::Unsupported(what) => AudioError::Unsupported {
                path,
                reason: what.to_string(),
            },
            other => AudioError::Corrupt {
                path,
                reason: other.to_string(),
            },
        }
    }
}
