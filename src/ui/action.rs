//! What the panels ask for. Panels never change the document or the app's state
//! themselves: they push [`Action`]s, and the app applies them in one place, at the end of
//! the frame. (Their own view state, [`super::EditorState`], they change directly.)

use std::path::PathBuf;
use std::sync::Arc;

use cuesheet::Cue;
use cuesheet::timing::Format;
use timesync::TransportUpdate;

use super::{SnapGrid, UiCommand};
use crate::audio::clicks::ClickLevels;
use crate::doc::Edit;
use crate::doc::autosave::Recovery;

/// What a panel asks the app to do.
// A handful per frame, applied at once: boxing the edit would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Edit(Edit),
    Command(UiCommand),
    /// Move the playhead.
    Seek(i64),
    /// Move the playhead while dragging it: plays a short snippet.
    Scrub(i64),
    /// A gesture ended: the next edit starts a new undo step.
    SealHistory,
    /// Text arrived from the system clipboard (Ctrl+V): a cue sheet to paste at the playhead.
    PasteText(String),
    /// The status bar's error was read.
    DismissMessage,
    /// The playback rate (1.0 is normal speed).
    SetRate(f32),
    /// How late the sound reaches the ears, in ms.
    SetOutputLatency(i64),
    /// The metronome and cue clicks: on or off, and their levels.
    SetClicks(ClickLevels),
    /// What drags snap to: a grid, or `None` for no snapping.
    SetSnap(Option<SnapGrid>),
    /// A path was typed for `purpose` (where no file dialog is available).
    PathChosen(Purpose, PathBuf),
    /// "Unsaved changes": save, then do this.
    SaveThen(Pending),
    /// "Unsaved changes": throw them away, then do this.
    DiscardThen(Pending),
    /// Open this autosave as the document.
    Restore(Recovery),
    /// Delete these autosaves.
    DiscardRecoveries(Vec<Recovery>),
    /// Follow the time server at this `/time` URL.
    Connect(String),
    Disconnect,
    /// Start a local time server and follow it.
    Rehearsal,
    /// Ask the operator to confirm a change of the server's transport.
    AskAdmin(PendingAdmin),
    /// Send a confirmed change of the server's transport.
    SendAdmin(PendingAdmin),
    /// Parse a timing file (again) in `format`, for the import preview.
    ParseTiming {
        file: TimingFile,
        format: Format,
    },
    /// Add a timing file's cues, each in its lane, as the new lanes `lanes`, in one undo
    /// step named after `source`, the file's name.
    ImportTiming {
        source: String,
        lanes: Vec<String>,
        cues: Vec<Cue>,
        /// A MIDI file's tempo map, when it is to become the show's tempo grid.
        tempo: Option<Vec<cuesheet::TempoSection>>,
    },
}

/// A timing file read into memory: parsed again from here when its format is changed.
#[derive(Clone, PartialEq)]
pub struct TimingFile {
    pub path: PathBuf,
    pub bytes: Arc<[u8]>,
}

impl TimingFile {
    /// The file's name, as the preview and the undo step name it.
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }
}

impl std::fmt::Debug for TimingFile {
    // The path and size, not every byte.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TimingFile({}, {} bytes)",
            self.path.display(),
            self.bytes.len()
        )
    }
}

/// What a chosen path is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Open,
    SaveAs,
    Import,
    /// A timing file to preview and bring in as a new lane.
    ImportTiming,
    /// `true`: the seed sheet (time and action only).
    Export(bool),
    Audio,
}

impl Purpose {
    pub fn title(self) -> &'static str {
        match self {
            Purpose::Open => "Open a show or cue sheet",
            Purpose::SaveAs => "Save the show as",
            Purpose::Import => "Import a CDN cue sheet",
            Purpose::ImportTiming => "Import timing",
            Purpose::Export(false) => "Export the cue sheet to",
            Purpose::Export(true) => "Export the seed cue sheet to",
            Purpose::Audio => "Open audio",
        }
    }

    /// Whether the path names a file to write.
    pub fn saves(self) -> bool {
        matches!(self, Purpose::SaveAs | Purpose::Export(_))
    }
}

/// What to do once unsaved changes are dealt with.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    New,
    /// Open this file, or ask which.
    Open(Option<PathBuf>),
    Quit,
}

/// A change the operator asked for, waiting for confirmation.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingAdmin {
    /// What it does, in the operator's words.
    pub what: String,
    pub update: TransportUpdate,
}
