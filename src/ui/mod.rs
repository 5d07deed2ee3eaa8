//! Panels: they draw the document and the editor state, and ask for changes by pushing
//! [`Action`]s, which the app applies once, at the end of the frame.

pub mod action;
pub mod catalog;
pub mod command;
pub mod cue_list;
pub mod empty;
pub mod field;
pub mod findings;
pub mod inspector;
pub mod live;
pub mod menu;
pub mod modal;
pub mod selection;
pub mod stage;
pub mod status;
pub mod tempo;
pub mod time_map;
pub mod timeline;
pub mod timing_import;
pub mod tolerance;
pub mod transport;

use std::collections::BTreeSet;

use crate::doc::{CueId, MarkerId};
pub use action::{Action, Pending, PendingAdmin, Purpose, TimingFile};
pub use command::UiCommand;
pub use time_map::{Grid, SnapGrid, TimeMapping, TimeView};

/// View state shared by the panels; not part of the document and never undone.
#[derive(Default)]
pub struct EditorState {
    pub selection: BTreeSet<CueId>,
    /// The selected marker. Cues and a marker are never selected together: see
    /// [`EditorState::selected_marker_index`] and the rest of `selection.rs`.
    pub selected_marker: Option<MarkerId>,
    pub view: TimeView,
    /// Set by "zoom to fit" and on opening; applied by the timeline once it knows its width.
    pub fit_pending: bool,
    pub timeline: timeline::TimelineState,
    pub inspector: inspector::InspectorState,
    pub cue_list: cue_list::CueListState,
    pub catalog: catalog::CatalogPanelState,
    pub live: live::LiveForm,
    pub tempo: tempo::TempoPanelState,
    /// Tap tempo's taps so far (see [`cuesheet::grid::TapTempo`]).
    pub tap: cuesheet::grid::TapTempo,
    /// Source of merge keys for gestures (drags, typed fields).
    next_gesture: u64,
}

impl EditorState {
    /// A fresh merge key for one gesture.
    pub fn gesture_key(&mut self) -> u64 {
        self.next_gesture += 1;
        self.next_gesture
    }
}

/// Parses an optional duration typed by a person, the one rule of every ms field (inspector
/// and catalog): blank is "not set", else `1234` (ms), `ss.mmm`, `mm:ss.mmm` or
/// `h:mm:ss.mmm`, at least 0.
pub fn parse_opt_ms(text: &str) -> Result<Option<i64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match cuesheet::parse_time_ms(t) {
        Some(ms) if ms >= 0 => Ok(Some(ms)),
        Some(_) => Err("must be 0 or more".into()),
        None => Err(format!("not a time: {t} (ms, or mm:ss.mmm)")),
    }
}

/// Parses `#rrggbb` into a colour; anything else is grey (one rule with the stage preview).
pub use crate::preview::color_from_hex;
