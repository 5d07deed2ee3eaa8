//! Audio: decoding, the peaks pyramid, the player and its clock.
//!
//! - [`decode`] reads the [`FORMATS`] through symphonia (the audio track of a video too)
//!   and reduces them to min/max buckets of a mono mix, decoding independent chunks of the
//!   file on every core and handing the chunks back in order; `decode_mono` keeps the mix
//!   (buckets of one frame) for beat analysis, averaged down as the analysis would while it
//!   decodes.
//! - [`peaks`] is the min/max pyramid the timeline draws from at any zoom, growable while
//!   a file decodes; the PCM itself is never kept.
//! - [`load`] runs a decode on a background thread and reports progress.
//! - [`player`] plays through rodio when a device exists and always keeps a clock, so the
//!   playhead moves even without a sound card; [`stream`] is what it plays: the same
//!   track, decoded the same way, as a rodio source, with the metronome and cue
//!   [`clicks`] mixed in.
//! - [`waveform`] produces BBC audiowaveform JSON (`cuestudio waveform`).

mod buckets;
pub mod clicks;
pub mod decode;
pub mod load;
mod mp4;
pub mod peaks;
pub mod player;
pub mod stream;
mod timemap;
pub mod waveform;

use std::path::{Path, PathBuf};

/// What the editor and `cuestudio waveform` read, for messages and help.
pub const FORMATS: &str = "WAV, AIFF, CAF, MP3, MP2, FLAC, OGG Vorbis, AAC, ALAC, \
    or the audio of an MP4, MOV, M4A, MKV or WebM (Vorbis, AAC, FLAC, MP3 or PCM; not Opus)";

/// File extensions of audio (and video) files the show's audio can come from, lower case:
/// the file dialog's filter and what a dropped file is taken as.
pub const EXTENSIONS: &[&str] = &[
    "wav", "wave", "aif", "aiff", "aifc", "caf", "mp3", "mp2", "flac", "ogg", "oga", "aac", "m4a",
    "m4b", "mp4", "m4v", "mov", "mkv", "mka", "webm",
];

/// Whether `ext` (any case, without the dot) is one of the [`EXTENSIONS`].
pub fn is_audio_extension(ext: &str) -> bool {
    EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext))
}

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
    /// The file is empty (0 bytes).
    #[error("{}: empty file", path.display())]
    Empty { path: PathBuf },
    /// The file (a video) has no audio track.
    #[error("{}: no audio track", path.display())]
    NoAudio { path: PathBuf },
    /// The container or codec is not one read here (see [`FORMATS`]).
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
            | AudioError::Empty { path }
            | AudioError::NoAudio { path }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_and_video_extensions_in_any_case_are_audio() {
        for ext in [
            "wav", "MP3", "flac", "ogg", "m4a", "MP4", "mov", "mkv", "webm", "aiff",
        ] {
            assert!(is_audio_extension(ext), "{ext}");
        }
        for ext in ["json", "cueshow", "txt", ""] {
            assert!(!is_audio_extension(ext), "{ext}");
        }
    }
}
