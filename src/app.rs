//! eframe wiring: owns the document, the audio, the background jobs and the panels' state,
//! and applies what the panels ask for ([`Action`]s) once per frame.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use cuesheet::catalog::Catalog;
use cuesheet::lint::Finding;
use cuesheet::{Cue, Document as Parsed, ExportFormat};

use crate::audio::load::{AudioLoad, LoadEvent};
use crate::audio::player::Player;
use crate::doc::autosave::{self, Autosaver, Recovery};
use crate::doc::{CueId, Document, Edit};
use crate::ui::{self, Action, EditorState, UiCommand};

mod frame;
mod live;

pub use live::{LiveUi, PendingAdmin};

/// Opens the editor window. `show` is a show or cue sheet to open; else the last show, else
/// the bundled sample show.
pub fn run(show: Option<PathBuf>) -> ExitCode {
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default()
            .with_title("Cuestudio")
            .with_app_id("cuestudio")
            .with_inner_size([1560.0, 960.0])
            .with_min_inner_size([900.0, 560.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let result = eframe::run_native(
        "Cuestudio",
        options,
        Box::new(move |cc| Ok(Box::new(CuestudioApp::new(cc, show)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cuestudio: could not open the editor window: {e}");
            ExitCode::from(2)
        }
    }
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
    pub audience_view: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            recent: Vec::new(),
            last_show: None,
            output_latency_ms: 0,
            grid_ms: 250,
            snapping: true,
            audience_view: false,
        }
    }
}

const SETTINGS_KEY: &str = "cuestudio-settings";
const MAX_RECENT: usize = 10;
/// How often the lint reruns while a pointer gesture (a drag) changes the document.
pub const LINT_EVERY_DURING_GESTURE: Duration = Duration::from_millis(200);

/// The results of background work.
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
    /// A file dialog answered; `None` path with `unavailable` means no dialog could be shown.
    Picked {
        purpose: Purpose,
        path: Option<PathBuf>,
        unavailable: bool,
    },
}

/// What a chosen path is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Open,
    SaveAs,
    Import,
    Export(bool),
    Audio,
}

impl Purpose {
    fn title(self) -> &'static str {
        match self {
            Purpose::Open => "Open a show or cue sheet",
            Purpose::SaveAs => "Save the show as",
            Purpose::Import => "Import a CDN cue sheet",
            Purpose::Export(false) => "Export the cue sheet to",
            Purpose::Export(true) => "Export the seed cue sheet to",
            Purpose::Audio => "Open audio",
        }
    }

    fn saves(self) -> bool {
        matches!(self, Purpose::SaveAs | Purpose::Export(_))
    }
}

/// What to do once unsaved changes are dealt with.
#[derive(Clone, Debug, PartialEq)]
enum Pending {
    New,
    Open(Option<PathBuf>),
    Quit,
}

enum Modal {
    Unsaved(Pending),
    Path { purpose: Purpose, text: String },
    Recover(Vec<Recovery>),
    Shortcuts,
    ConfirmAdmin(PendingAdmin),
}

enum AudioStatus {
    None,
    Loading {
        decoded_ms: i64,
        total_ms: Option<i64>,
    },
    Ready {
        duration_ms: i64,
    },
    Failed(String),
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
    status: Option<(String, bool, Instant)>,
    autosaver: Autosaver,
    autosaving: bool,
    clipboard: Vec<Cue>,
    loop_range: Option<(i64, i64)>,
    quit_confirmed: bool,
    /// What to do once a save prompted by "unsaved changes" has finished.
    pending_after_save: Option<Pending>,
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
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
            .unwrap_or_default();
        let mut app = Self::headless(cc.egui_ctx.clone(), settings, Player::new());
        let target = show
            .or_else(|| app.settings.last_show.clone().filter(|p| p.exists()))
            .or_else(sample_show_path);
        if let Some(path) = target {
            app.open_path(path);
        }
        app.offer_recovery();
        app
    }

    /// The app without a window (for tests): no file opened, a given player.
    pub fn headless(ctx: egui::Context, settings: Settings, player: Player) -> Self {
        let (jobs_tx, jobs) = channel();
        let mut editor = EditorState::default();
        editor.timeline.snapping = settings.snapping;
        editor.timeline.grid_ms = settings.grid_ms;
        editor.fit_pending = true;
        let mut autosaver = Autosaver::default();
        autosaver.reset(Instant::now());
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
            status: None,
            autosaver,
            autosaving: false,
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

    // ---- files -------------------------------------------------------------------------

    /// Reads and parses `path` on a background thread.
    pub fn open_path(&mut self, path: PathBuf) {
        self.busy.push(format!("Opening {}", path.display()));
        let tx = self.jobs_tx.clone();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            let result =
                cuesheet::read_document(&path).map_err(|e| e.located_lines(&path).join("\n"));
            let _ = tx.send(Job::Opened { path, result });
            ctx.request_repaint();
        });
    }

    fn spawn_job(&mut self, label: String, f: impl FnOnce() -> Job + Send + 'static) {
        self.busy.push(label);
        let tx = self.jobs_tx.clone();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(f());
            ctx.request_repaint();
        });
    }

    fn save_to(&mut self, path: PathBuf) {
        let text = cuesheet::show_to_json(self.doc.show());
        let revision = self.doc.revision();
        self.spawn_job(format!("Saving {}", path.display()), move || {
            let result = cuesheet::write_atomic(&path, text.as_bytes())
                .map_err(|e| format!("{}: {e}", path.display()));
            Job::Saved {
                path,
                revision,
                result,
            }
        });
    }

    fn export_to(&mut self, path: PathBuf, seed: bool) {
        let format = if seed {
            ExportFormat::Seed
        } else {
            ExportFormat::Extended
        };
        let text = cuesheet::export_sheet(&self.doc.show().cues, format, false);
        self.spawn_job(format!("Exporting {}", path.display()), move || {
            let result = cuesheet::write_atomic(&path, text.as_bytes())
                .map_err(|e| format!("{}: {e}", path.display()));
            Job::Exported { path, result }
        });
    }

    fn import_from(&mut self, path: PathBuf) {
        self.spawn_job(format!("Importing {}", path.display()), move || {
            let result = cuesheet::read_document(&path)
                .map_err(|e| e.located_lines(&path).join("\n"))
                .map(|d| match d {
                    Parsed::Sheet(c) => c,
                    Parsed::Show(s) => s.cues,
                });
            Job::Imported { path, result }
        });
    }

    /// Asks for a path: a native dialog on a background thread, or the in-app path field
    /// when no dialog is available.
    pub fn pick(&mut self, purpose: Purpose) {
        if !self.native_dialogs || !native_dialog_available() {
            self.modal = Some(Modal::Path {
                purpose,
                text: self.suggested_path(purpose),
            });
            return;
        }
        let dir = self
            .doc
            .path()
            .and_then(Path::parent)
            .map(Path::to_path_buf);
        let name = self.suggested_path(purpose);
        self.spawn_job(purpose.title().to_owned(), move || {
            let mut d = rfd::FileDialog::new().set_title(purpose.title());
            if let Some(dir) = dir {
                d = d.set_directory(dir);
            }
            d = match purpose {
                Purpose::Audio => d.add_filter("Audio", &["wav", "mp3", "ogg", "flac"]),
                _ => d.add_filter("JSON", &["json"]),
            };
            let started = Instant::now();
            let path = if purpose.saves() {
                let file = Path::new(&name)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                d.set_file_name(file).save_file()
            } else {
                d.pick_file()
            };
            // rfd returns None at once when it has no portal and no zenity.
            let unavailable = path.is_none() && started.elapsed() < Duration::from_millis(150);
            Job::Picked {
                purpose,
                path,
                unavailable,
            }
        });
    }

    fn suggested_path(&self, purpose: Purpose) -> String {
        let base = self.doc.path().map(Path::to_path_buf);
        let with = |suffix: &str| {
            base.as_ref()
                .map(|p| {
                    let s = p.to_string_lossy();
                    let stem = s.strip_suffix(".cueshow.json").unwrap_or(&s);
                    format!("{stem}{suffix}")
                })
                .unwrap_or_else(|| format!("show{suffix}"))
        };
        match purpose {
            Purpose::Open | Purpose::Import | Purpose::Audio => base
                .as_ref()
                .and_then(|p| p.parent())
                .map(|d| format!("{}/", d.display()))
                .unwrap_or_default(),
            Purpose::SaveAs => with(".cueshow.json"),
            Purpose::Export(false) => with(".cues.json"),
            Purpose::Export(true) => with(".seed.json"),
        }
    }

    fn path_chosen(&mut self, purpose: Purpose, path: PathBuf) {
        match purpose {
            Purpose::Open => self.open_path(path),
            Purpose::SaveAs => self.save_to(path),
            Purpose::Import => self.import_from(path),
            Purpose::Export(seed) => self.export_to(path, seed),
            Purpose::Audio => {
                let rel = self
                    .doc
                    .path()
                    .and_then(Path::parent)
                    .and_then(|d| path.strip_prefix(d).ok())
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| path.clone());
                self.apply_edit(Edit::SetAudio {
                    audio: Some(rel.to_string_lossy().into_owned()),
                });
                self.load_audio();
            }
        }
    }

    fn set_document(&mut self, doc: Document) {
        if let Some(dir) = self.recovery_dir.clone() {
            autosave::remove_recovery(&dir, self.doc.path());
        }
        self.doc = doc;
        self.editor.selection.clear();
        self.editor.fit_pending = true;
        self.loop_range = None;
        self.autosaver.reset(Instant::now());
        self.player.pause();
        self.player.seek(0);
        self.load_audio();
    }

    fn remember_recent(&mut self, path: &Path) {
        let path = path.to_path_buf();
        self.settings.recent.retain(|p| p != &path);
        self.settings.recent.insert(0, path.clone());
        self.settings.recent.truncate(MAX_RECENT);
        self.settings.last_show = Some(path);
    }

    /// The audio file named by the show, resolved against the show's folder.
    fn audio_path(&self) -> Option<PathBuf> {
        let audio = self.doc.show().audio.as_deref()?;
        let p = Path::new(audio);
        Some(match self.doc.path().and_then(Path::parent) {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        })
    }

    fn load_audio(&mut self) {
        self.audio = None;
        self.player.close();
        let Some(path) = self.audio_path() else {
            self.audio_status = AudioStatus::None;
            return;
        };
        if let Err(e) = self.player.open(&path) {
            self.notify(format!("{}: {e}", path.display()), true);
        }
        let ctx = self.ctx.clone();
        self.audio = Some(crate::audio::load::spawn_load(
            path,
            Box::new(move || ctx.request_repaint()),
        ));
        self.audio_status = AudioStatus::Loading {
            decoded_ms: 0,
            total_ms: None,
        };
    }

    fn poll_jobs(&mut self) {
        while let Ok(job) = self.jobs.try_recv() {
            if !matches!(job, Job::Autosaved(_)) {
                self.busy.pop();
            }
            match job {
                Job::Opened { path, result } => match result {
                    Ok(Parsed::Show(show)) => {
                        self.set_document(Document::new(show, Some(path.clone())));
                        self.remember_recent(&path);
                        self.notify(format!("Opened {}", path.display()), false);
                    }
                    Ok(Parsed::Sheet(cues)) => {
                        let n = cues.len();
                        let mut doc = Document::new(cuesheet::show_from_sheet(cues), None);
                        doc.mark_dirty();
                        self.set_document(doc);
                        self.notify(
                            format!(
                                "Imported {n} cues from {}; save to keep them",
                                path.display()
                            ),
                            false,
                        );
                    }
                    Err(e) => self.notify(e, true),
                },
                Job::Imported { path, result } => match result {
                    Ok(cues) => {
                        let n = cues.len();
                        self.apply_edit(Edit::ReplaceCues { cues });
                        self.notify(format!("Imported {n} cues from {}", path.display()), false);
                    }
                    Err(e) => self.notify(e, true),
                },
                Job::Saved {
                    path,
                    revision,
                    result,
                } => match result {
                    Ok(()) => {
                        if let Some(dir) = self.recovery_dir.clone() {
                            autosave::remove_recovery(&dir, self.doc.path());
                            autosave::remove_recovery(&dir, Some(&path));
                        }
                        let was_elsewhere = self.doc.path() != Some(path.as_path());
                        self.doc.mark_saved(path.clone(), revision);
                        if was_elsewhere {
                            self.load_audio();
                        }
                        self.remember_recent(&path);
                        self.notify(format!("Saved {}", path.display()), false);
                        self.continue_pending();
                    }
                    Err(e) => {
                        self.notify(format!("Not saved: {e}"), true);
                        self.pending_after_save = None;
                    }
                },
                Job::Exported { path, result } => match result {
                    Ok(()) => self.notify(format!("Exported {}", path.display()), false),
                    Err(e) => self.notify(format!("Not exported: {e}"), true),
                },
                Job::Autosaved(result) => {
                    self.autosaving = false;
                    if let Err(e) = result {
                        self.notify(format!("Autosave failed: {e}"), true);
                    }
                }
                Job::Picked {
                    purpose,
                    path,
                    unavailable,
                } => match path {
                    Some(p) => self.path_chosen(purpose, p),
                    None if unavailable => {
                        self.modal = Some(Modal::Path {
                            purpose,
                            text: self.suggested_path(purpose),
                        });
                    }
                    None => {}
                },
            }
        }
    }

    fn poll_audio(&mut self) {
        let Some(load) = &self.audio else { return };
        let mut failed = None;
        while let Ok(ev) = load.events.try_recv() {
            match ev {
                LoadEvent::Progress {
                    decoded_ms,
                    total_ms,
                } => {
                    self.audio_status = AudioStatus::Loading {
                        decoded_ms,
                        total_ms,
                    }
                }
                LoadEvent::Done { duration_ms } => {
                    self.audio_status = AudioStatus::Ready { duration_ms };
                    self.player
                        .set_duration_ms(duration_ms.max(self.doc.content_end_ms()));
                }
                LoadEvent::Failed(e) => failed = Some(e),
            }
        }
        if let Some(e) = failed {
            let path = self.audio_path().unwrap_or_default();
            let msg = format!("{}: {e}", path.display());
            self.audio_status = AudioStatus::Failed(msg.clone());
            self.audio = None;
            // The cues are untouched; the silent clock runs as long as the show.
            self.player.close();
            self.player
                .set_duration_ms(self.doc.content_end_ms() + 5_000);
            self.notify(msg, true);
        }
    }

    fn audio_duration_ms(&self) -> Option<i64> {
        match self.audio_status {
            AudioStatus::Ready { duration_ms } => Some(duration_ms),
            AudioStatus::Loading { decoded_ms, .. } => Some(decoded_ms),
            _ => None,
        }
    }

    /// Recomputes what depends on the document: the catalog with the show's overrides and
    /// the lint findings (during a pointer gesture at most every
    /// [`LINT_EVERY_DURING_GESTURE`]).
    fn refresh_derived(&mut self) {
        if self.derived_revision == Some(self.doc.revision()) {
            return;
        }
        // During a drag the document changes every frame, and the lint of a 20,000-cue show
        // costs about 6 ms: run it a few times a second then, and at once when the gesture
        // ends (the release is a frame of its own).
        let gesture = self.ctx.input(|i| i.pointer.any_down());
        if gesture
            && self
                .derived_at
                .is_some_and(|at| at.elapsed() < LINT_EVERY_DURING_GESTURE)
        {
            self.ctx.request_repaint_after(LINT_EVERY_DURING_GESTURE);
            return;
        }
        self.derived_at = Some(Instant::now());
        self.derived_revision = Some(self.doc.revision());
        self.catalog = match Catalog::for_show(self.doc.show()) {
            Ok(c) => {
                self.catalog_error = None;
                c
            }
            Err(e) => {
                self.catalog_error = Some(e.to_string());
                Catalog::builtin()
            }
        };
        let audio_end = match self.audio_status {
            AudioStatus::Ready { duration_ms } => Some(duration_ms),
            _ => None,
        };
        self.findings = cuesheet::lint::lint(self.doc.show(), &self.catalog, audio_end);
        self.flagged = self.findings.iter().filter_map(|f| f.cue).collect();
        if !self.player.is_playing()
            && !matches!(
                self.audio_status,
                AudioStatus::Ready { .. } | AudioStatus::Loading { .. }
            )
        {
            self.player
                .set_duration_ms(self.doc.content_end_ms() + 5_000);
        }
    }

    fn maybe_autosave(&mut self) {
        let now = Instant::now();
        if self.autosaving
            || !self
                .autosaver
                .due(now, self.doc.revision(), self.doc.is_dirty())
        {
            return;
        }
        let Some(dir) = self.recovery_dir.clone() else {
            return;
        };
        self.autosaver.done(now, self.doc.revision());
        self.autosaving = true;
        let show = self.doc.show().clone();
        let original = self.doc.path().map(Path::to_path_buf);
        let tx = self.jobs_tx.clone();
        std::thread::spawn(move || {
            let r = autosave::write_recovery(&dir, original.as_deref(), &show)
                .map_err(|e| format!("{}: {e}", dir.display()));
            let _ = tx.send(Job::Autosaved(r));
        });
    }

    fn offer_recovery(&mut self) {
        let Some(dir) = self.recovery_dir.clone() else {
            return;
        };
        let found = autosave::list_recoveries(&dir);
        if !found.is_empty() {
            self.modal = Some(Modal::Recover(found));
        }
    }

    // ---- commands ----------------------------------------------------------------------

    pub fn apply_edit(&mut self, edit: Edit) {
        if self.read_only() {
            return;
        }
        let created = self.doc.apply(edit);
        if !created.is_empty() {
            self.editor.selection = created.into_iter().collect();
        }
    }

    /// The lint findings: of the document as it is now, except during a pointer gesture,
    /// when they may be up to [`LINT_EVERY_DURING_GESTURE`] old.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Whether `cmd` would do anything now: a menu shows the rest disabled.
    pub fn command_applies(&self, cmd: UiCommand) -> bool {
        let editable = !self.read_only();
        let selected = !self.editor.selection.is_empty();
        match cmd {
            UiCommand::Undo => editable && self.doc.can_undo(),
            UiCommand::Redo | UiCommand::RedoAlt => editable && self.doc.can_redo(),
            UiCommand::Copy => selected,
            UiCommand::Cut => editable && selected,
            UiCommand::Delete => {
                editable && (selected || self.editor.selected_marker_index(&self.doc).is_some())
            }
            UiCommand::Paste => editable && !self.clipboard.is_empty(),
            UiCommand::TapCue | UiCommand::AddMarker | UiCommand::ImportSheet => editable,
            _ => true,
        }
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

    fn selected_ids(&self) -> Vec<CueId> {
        self.editor.selection.iter().copied().collect()
    }

    /// Runs `pending` unless there are unsaved changes, in which case it asks first.
    fn guard_unsaved(&mut self, pending: Pending) {
        if self.doc.is_dirty() {
            self.modal = Some(Modal::Unsaved(pending));
        } else {
            self.run_pending(pending);
        }
    }

    fn run_pending(&mut self, pending: Pending) {
        match pending {
            Pending::New => self.set_document(Document::default()),
            Pending::Open(Some(p)) => self.open_path(p),
            Pending::Open(None) => self.pick(Purpose::Open),
            Pending::Quit => {
                self.discard_recovery();
                self.quit_confirmed = true;
                self.ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    fn continue_pending(&mut self) {
        if let Some(p) = self.pending_after_save.take() {
            self.run_pending(p);
        }
    }

    fn discard_recovery(&self) {
        if let Some(dir) = self.recovery_dir.clone() {
            autosave::remove_recovery(&dir, self.doc.path());
        }
    }

    pub fn execute(&mut self, cmd: UiCommand) {
        let playhead = self.player.position_ms();
        match cmd {
            UiCommand::New => self.guard_unsaved(Pending::New),
            UiCommand::Open => self.guard_unsaved(Pending::Open(None)),
            UiCommand::Save => match self.doc.path().map(Path::to_path_buf) {
                Some(p) => self.save_to(p),
                None => self.pick(Purpose::SaveAs),
            },
            UiCommand::SaveAs => self.pick(Purpose::SaveAs),
            UiCommand::ImportSheet => self.pick(Purpose::Import),
            UiCommand::ExportExtended => self.pick(Purpose::Export(false)),
            UiCommand::ExportSeed => self.pick(Purpose::Export(true)),
            UiCommand::Quit => self.guard_unsaved(Pending::Quit),
            UiCommand::Undo => {
                if !self.read_only() {
                    self.doc.undo();
                }
            }
            UiCommand::Redo | UiCommand::RedoAlt => {
                if !self.read_only() {
                    self.doc.redo();
                }
            }
            UiCommand::Copy | UiCommand::Cut => {
                let ids = self.selected_ids();
                self.clipboard = ids
                    .iter()
                    .filter_map(|&id| self.doc.cue(id).cloned())
                    .collect();
                if cmd == UiCommand::Cut && !ids.is_empty() {
                    self.apply_edit(Edit::DeleteCues { ids });
                }
            }
            UiCommand::Paste => {
                if let Some(first) = self.clipboard.iter().map(|c| c.time).min() {
                    let cues = self
                        .clipboard
                        .iter()
                        .cloned()
                        .map(|mut c| {
                            c.time = c.time - first + playhead;
                            c
                        })
                        .collect();
                    self.apply_edit(Edit::AddCues { cues });
                }
            }
            UiCommand::Delete => {
                let ids = self.selected_ids();
                if !ids.is_empty() {
                    self.apply_edit(Edit::DeleteCues { ids });
                    self.editor.selection.clear();
                } else if let Some(index) = self.editor.selected_marker_index(&self.doc) {
                    self.apply_edit(Edit::DeleteMarker { index });
                    self.editor.selected_marker = None;
                }
            }
            UiCommand::SelectAll => {
                self.editor.selection = self.doc.cue_ids().iter().copied().collect();
            }
            // While live the server's clock drives the transport.
            UiCommand::PlayPause | UiCommand::JumpStart | UiCommand::JumpEnd if self.is_live() => {}
            UiCommand::PlayPause => self.player.toggle(),
            UiCommand::JumpStart => self.player.seek(0),
            UiCommand::JumpEnd => {
                let end = self
                    .audio_duration_ms()
                    .unwrap_or(0)
                    .max(self.doc.content_end_ms());
                self.player.seek(end);
            }
            UiCommand::TapCue => {
                // The player's position is already what is audible (output latency applied).
                let lane = self
                    .editor
                    .selection
                    .iter()
                    .next()
                    .and_then(|&id| self.doc.cue(id))
                    .and_then(|c| c.lane.clone());
                let cue = Cue {
                    time: playhead.max(0),
                    action: self.editor.timeline.new_action.clone(),
                    lane,
                    ..Cue::default()
                };
                self.apply_edit(Edit::AddCues { cues: vec![cue] });
            }
            UiCommand::AddMarker => {
                let n = self.doc.markers().len() + 1;
                self.apply_edit(Edit::AddMarker {
                    marker: cuesheet::Marker {
                        time: playhead.max(0),
                        label: format!("Marker {n}"),
                    },
                });
            }
            UiCommand::NudgeLeft
            | UiCommand::NudgeRight
            | UiCommand::NudgeLeftBig
            | UiCommand::NudgeRightBig => {
                let delta_ms = match cmd {
                    UiCommand::NudgeLeft => -10,
                    UiCommand::NudgeRight => 10,
                    UiCommand::NudgeLeftBig => -100,
                    _ => 100,
                };
                let ids = self.selected_ids();
                if !ids.is_empty() {
                    self.apply_edit(Edit::MoveCues {
                        ids,
                        delta_ms,
                        merge: None,
                    });
                }
            }
            UiCommand::LoopSelection => {
                if self.loop_range.is_some() {
                    self.loop_range = None;
                } else {
                    let span = self
                        .selected_ids()
                        .iter()
                        .filter_map(|&id| self.doc.cue(id))
                        .fold(None, |acc: Option<(i64, i64)>, c| {
                            let end = c.time + c.duration.unwrap_or(1000).max(1);
                            Some(acc.map_or((c.time, end), |(a, b)| (a.min(c.time), b.max(end))))
                        });
                    self.loop_range = span;
                }
                self.player.set_loop(self.loop_range);
            }
            UiCommand::ZoomIn | UiCommand::ZoomOut => {
                let f = if cmd == UiCommand::ZoomIn {
                    1.5
                } else {
                    1.0 / 1.5
                };
                self.editor.view = self.editor.view.zoomed(f, playhead);
            }
            UiCommand::ZoomFit => self.editor.fit_pending = true,
            UiCommand::ToggleAudience => {
                self.settings.audience_view = !self.settings.audience_view;
            }
            UiCommand::ShowShortcuts => self.modal = Some(Modal::Shortcuts),
        }
    }

    fn apply_actions(&mut self) {
        for action in std::mem::take(&mut self.actions) {
            match action {
                Action::Edit(e) => self.apply_edit(e),
                Action::Command(c) => self.execute(c),
                Action::Seek(_) | Action::Scrub(_) if self.is_live() => {}
                Action::Seek(t) => self.player.seek(t),
                Action::Scrub(t) => {
                    self.player.seek(t);
                    self.player.play_snippet(t, 80);
                }
                Action::SealHistory => self.doc.seal_history(),
            }
        }
    }

    fn handle_keys(&mut self, ctx: &egui::Context) {
        let typing = ctx.egui_wants_keyboard_input();
        for (shortcut, cmd) in ui::command::default_keymap() {
            // While typing, only shortcuts with Ctrl (save, open…) reach the app; text fields
            // keep their own undo and arrows.
            if typing && !shortcut.modifiers.command {
                continue;
            }
            if typing
                && matches!(
                    cmd,
                    UiCommand::Undo | UiCommand::Redo | UiCommand::RedoAlt | UiCommand::SelectAll
                )
            {
                continue;
            }
            if ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
                self.actions.push(Action::Command(cmd));
            }
        }
        if !typing {
            let events = ctx.input(|i| i.events.clone());
            for e in &events {
                if let Some(cmd) = ui::command::clipboard_command(e) {
                    self.actions.push(Action::Command(cmd));
                }
            }
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        for path in dropped {
            self.dropped(path);
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.quit_confirmed {
            if self.doc.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.modal = Some(Modal::Unsaved(Pending::Quit));
            } else {
                self.discard_recovery();
            }
        }
    }

    fn dropped(&mut self, path: PathBuf) {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "wav" | "mp3" | "ogg" | "flac" => self.path_chosen(Purpose::Audio, path),
            _ => self.guard_unsaved(Pending::Open(Some(path))),
        }
    }
}

/// Whether rfd can show a dialog here: an XDG portal (a session bus) or zenity.
fn native_dialog_available() -> bool {
    if cfg!(not(target_os = "linux")) {
        return true;
    }
    let zenity = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("zenity").is_file()));
    zenity || std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
}

/// The bundled sample show, next to the executable's source tree or the working directory.
fn sample_show_path() -> Option<PathBuf> {
    let candidates = [
        PathBuf::from("sample_shows/hoshizora.cueshow.json"),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_shows/hoshizora.cueshow.json"),
    ];
    candidates.into_iter().find(|p| p.exists())
}
