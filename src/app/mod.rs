//! eframe wiring: owns the document, the audio, the background jobs and the live session,
//! lays out the panels of [`crate::ui`], and applies what they ask for ([`Action`]s) in one
//! place, [`CuestudioApp::apply_actions`], at the end of the frame.
//!
//! - `frame`: the frame (`logic` and `ui`) and when the next one is needed;
//! - `apply`: actions, commands and keys;
//! - `files`: open, save, import, export, file dialogs and the audio;
//! - `derived`: what follows from the document (catalog, lint) and autosave;
//! - `clicks`: the metronome's beats and the cue times the player clicks on;
//! - `live`: the live session and the rehearsal server.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use cuesheet::catalog::Catalog;
use cuesheet::lint::Finding;
use cuesheet::timing::Format;
use cuesheet::{Cue, Document as Parsed};

use crate::audio::clicks::ClickLevels;
use crate::audio::load::AudioLoad;
use crate::audio::player::Player;
use crate::doc::Document;
use crate::doc::autosave::{self, Autosaver};
use crate::ui::command::CommandState;
use crate::ui::modal::Modal;
use crate::ui::status::AudioStatus;
use crate::ui::timing_import::{Parsed as TimingParse, TimingImport};
use crate::ui::{Action, EditorState, Purpose, TimingFile, UiCommand};

mod apply;
mod beat_analysis;
pub mod clicks;
mod derived;
mod files;
mod frame;
mod live;

pub use live::LiveUi;

/// Opens the editor window and returns when it closes. `show` is a show or cue sheet to
/// open; else the last show, else the bundled sample show.
pub fn run(show: Option<PathBuf>) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default()
            .with_title("Cuestudio")
            .with_app_id("cuestudio")
            .with_inner_size(window_size())
            .with_min_inner_size([800.0, 520.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Cuestudio",
        options,
        Box::new(move |cc| Ok(Box::new(CuestudioApp::new(cc, show)))),
    )
}

/// The window's first size: `CUESTUDIO_WINDOW=1024x700` (for checking small screens),
/// else 1560×960.
fn window_size() -> [f32; 2] {
    std::env::var("CUESTUDIO_WINDOW")
        .ok()
        .and_then(|v| {
            let (w, h) = v.split_once('x')?;
            Some([w.trim().parse().ok()?, h.trim().parse().ok()?])
        })
        .filter(|[w, h]: &[f32; 2]| *w >= 400.0 && *h >= 300.0)
        .unwrap_or([1560.0, 960.0])
}

/// Settings that persist through eframe's storage.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    pub recent: Vec<PathBuf>,
    pub last_show: Option<PathBuf>,
    /// Subtracted from the audio clock: what the listener hears lags what is played.
    pub output_latency_ms: i64,
    pub grid_ms: i64,
    pub snapping: bool,
    /// What drags snap to (the transport bar's choice).
    pub snap_grid: crate::ui::SnapGrid,
    pub audience_view: bool,
    pub show_cue_list: bool,
    pub show_side_panel: bool,
    /// The metronome and the cue clicks: on or off, and their levels.
    pub clicks: ClickLevels,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            recent: Vec::new(),
            last_show: None,
            output_latency_ms: 0,
            grid_ms: 250,
            snapping: true,
            snap_grid: crate::ui::SnapGrid::default(),
            audience_view: false,
            show_cue_list: true,
            show_side_panel: true,
            clicks: ClickLevels::default(),
        }
    }
}

const SETTINGS_KEY: &str = "cuestudio-settings";
const MAX_RECENT: usize = 10;
/// How often the lint reruns while a pointer gesture (a drag) changes the document.
pub const LINT_EVERY_DURING_GESTURE: Duration = Duration::from_millis(200);
/// How long a message stays in the status bar.
const MESSAGE_FOR: Duration = Duration::from_secs(12);

/// The results of background work.
// One value per finished job, matched at once: boxing the opened show would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Job {
    Opened {
        path: PathBuf,
        result: Result<Parsed, String>,
    },
    Imported {
        path: PathBuf,
        result: Result<Vec<Cue>, String>,
    },
    Saved {
        path: PathBuf,
        revision: u64,
        result: Result<(), String>,
    },
    Exported {
        path: PathBuf,
        result: Result<(), String>,
    },
    Autosaved(Result<(), String>),
    /// A timing file read (or not) and parsed in the format its name says (if it says
    /// one), for the import preview.
    TimingRead {
        result: Result<(TimingFile, Option<Format>, TimingParse), String>,
    },
    /// A timing file parsed again in another format.
    TimingParsed {
        path: PathBuf,
        format: Format,
        parsed: TimingParse,
    },
    /// A file dialog answered; `None` path with `unavailable` means no dialog could be shown.
    Picked {
        purpose: Purpose,
        path: Option<PathBuf>,
        unavailable: bool,
    },
}

pub struct CuestudioApp {
    pub doc: Document,
    pub editor: EditorState,
    pub settings: Settings,
    player: Player,
    audio: Option<AudioLoad>,
    audio_status: AudioStatus,
    catalog: Catalog,
    catalog_error: Option<String>,
    findings: Vec<Finding>,
    flagged: BTreeSet<usize>,
    derived_revision: Option<u64>,
    /// When the derived state was last recomputed.
    derived_at: Option<Instant>,
    /// The window title last sent to the platform.
    window_title: String,
    jobs_tx: Sender<Job>,
    jobs: Receiver<Job>,
    busy: Vec<String>,
    modal: Option<Modal>,
    /// File › Import timing…'s preview, while it is open.
    timing_import: Option<TimingImport>,
    /// Edit › Analyse beats, while it runs.
    beat_job: Option<beat_analysis::BeatJob>,
    /// The last message, whether it is an error, and when it came.
    status: Option<(String, bool, Instant)>,
    autosaver: Autosaver,
    autosaving: bool,
    /// An audio file chosen for the show, loading: the show takes it once it decodes.
    audio_candidate: Option<String>,
    clipboard: Vec<Cue>,
    loop_range: Option<(i64, i64)>,
    quit_confirmed: bool,
    /// What to do once a save prompted by "unsaved changes" has finished.
    pending_after_save: Option<crate::ui::Pending>,
    actions: Vec<Action>,
    ctx: egui::Context,
    /// Lets tests force the in-app path field.
    pub native_dialogs: bool,
    /// Where autosaves go; `None` disables autosave (tests set their own folder).
    pub recovery_dir: Option<PathBuf>,
    pub live: LiveUi,
}

impl CuestudioApp {
    pub fn new(cc: &eframe::CreationContext<'_>, show: Option<PathBuf>) -> Self {
        let mut settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
            .unwrap_or_default();
        // Relative paths (stored by earlier versions) depend on the folder the editor was
        // started from: drop them rather than open the wrong file.
        settings.recent.retain(|p| p.is_absolute());
        settings.last_show = settings.last_show.filter(|p| p.is_absolute());
        let mut app = Self::headless(cc.egui_ctx.clone(), settings, Player::new());
        let target = show
            .or_else(|| app.settings.last_show.clone().filter(|p| p.exists()))
            .or_else(files::sample_show_path);
        if let Some(path) = target {
            app.open_path(path);
        }
        app.offer_recovery();
        app
    }

    /// The app without a window (for tests): no file opened, a given player.
    pub fn headless(ctx: egui::Context, settings: Settings, mut player: Player) -> Self {
        let (jobs_tx, jobs) = channel();
        let mut editor = EditorState::default();
        editor.timeline.snapping = settings.snapping;
        editor.timeline.grid_ms = settings.grid_ms;
        editor.timeline.snap_grid = settings.snap_grid;
        editor.fit_pending = true;
        let mut autosaver = Autosaver::default();
        autosaver.reset(Instant::now());
        player.set_output_latency_ms(settings.output_latency_ms);
        player.set_click_levels(settings.clicks);
        Self {
            doc: Document::default(),
            editor,
            settings,
            player,
            audio: None,
            audio_status: AudioStatus::None,
            catalog: Catalog::builtin(),
            catalog_error: None,
            findings: Vec::new(),
            flagged: BTreeSet::new(),
            derived_revision: None,
            derived_at: None,
            window_title: String::new(),
            jobs_tx,
            jobs,
            busy: Vec::new(),
            modal: None,
            timing_import: None,
            beat_job: None,
            status: None,
            autosaver,
            autosaving: false,
            audio_candidate: None,
            clipboard: Vec::new(),
            loop_range: None,
            quit_confirmed: false,
            pending_after_save: None,
            actions: Vec::new(),
            ctx,
            native_dialogs: true,
            recovery_dir: autosave::recovery_dir(),
            live: LiveUi::default(),
        }
    }

    fn notify(&mut self, text: impl Into<String>, error: bool) {
        let text = text.into();
        if error {
            tracing::warn!("{text}");
        }
        self.status = Some((text, error, Instant::now()));
    }

    /// The status message: an error until it is dismissed, anything else while it is fresh.
    fn message(&self) -> Option<(&str, bool)> {
        self.status
            .as_ref()
            .filter(|(_, error, at)| *error || at.elapsed() < MESSAGE_FOR)
            .map(|(t, e, _)| (t.as_str(), *e))
    }

    /// When the status message goes by itself (errors stay).
    fn message_expires(&self) -> Option<Instant> {
        self.status
            .as_ref()
            .filter(|(_, error, at)| !*error && at.elapsed() < MESSAGE_FOR)
            .map(|(_, _, at)| *at + MESSAGE_FOR)
    }

    /// The lint findings: of the document as it is now, except during a pointer gesture,
    /// when they may be up to [`LINT_EVERY_DURING_GESTURE`] old.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// What the commands depend on now.
    pub fn command_state(&self) -> CommandState {
        let editable = !self.read_only();
        CommandState {
            editable,
            live: self.is_live(),
            cues_selected: !self.editor.selection.is_empty(),
            marker_selected: self.editor.selected_marker_index(&self.doc).is_some(),
            markers: !self.doc.markers().is_empty(),
            clipboard: !self.clipboard.is_empty(),
            looping: self.loop_range.is_some(),
            undo: self.doc.undo_label().map(str::to_owned),
            redo: self.doc.redo_label().map(str::to_owned),
            recent: self.settings.recent.len(),
            audience: self.settings.audience_view,
            following: self.editor.timeline.follow_playhead,
            snapping: self.editor.timeline.snapping,
            cue_list: self.settings.show_cue_list,
            side_panel: self.settings.show_side_panel,
            audio_ready: matches!(self.audio_status, AudioStatus::Ready { .. }),
            analysing: self.beat_job.is_some(),
            tapped_tempo: self.editor.tap.bpm().is_some(),
        }
    }

    /// Whether `cmd` would do anything now: a menu shows the rest disabled.
    pub fn command_applies(&self, cmd: UiCommand) -> bool {
        self.command_state().applies(cmd)
    }

    /// File › Import timing…'s preview, while it is open.
    pub fn timing_import(&self) -> Option<&TimingImport> {
        self.timing_import.as_ref()
    }

    /// Whether audio is being decoded (or a chosen file is being tried).
    pub fn busy_loading_audio(&self) -> bool {
        matches!(self.audio_status, AudioStatus::Loading { .. })
    }

    /// The playhead (the player's audible position).
    pub fn playhead_ms(&self) -> i64 {
        self.player.position_ms()
    }

    pub fn is_playing(&self) -> bool {
        self.player.is_playing()
    }

    /// While live the document cannot change.
    fn read_only(&self) -> bool {
        self.is_live()
    }

    fn selected_ids(&self) -> Vec<crate::doc::CueId> {
        self.editor.selection.iter().copied().collect()
    }
}
