//! Files and audio: open, save, import and export on background threads, the file dialogs
//! (or the in-app path field where there is none), and loading the show's audio.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cuesheet::timing::Format;
use cuesheet::{Document as Parsed, ExportFormat};

use super::{CuestudioApp, Job, MAX_RECENT};
use crate::audio::load::LoadEvent;
use crate::doc::autosave::{self, Recovery};
use crate::doc::{Document, Edit};
use crate::ui::modal::Modal;
use crate::ui::status::AudioStatus;
use crate::ui::timing_import::{self, TimingImport};
use crate::ui::{Purpose, TimingFile};

impl CuestudioApp {
    /// Reads and parses `path` on a background thread.
    pub fn open_path(&mut self, path: PathBuf) {
        let path = absolute(path);
        self.spawn_job(format!("Opening {}", path.display()), move || {
            let result =
                cuesheet::read_document(&path).map_err(|e| e.located_lines(&path).join("\n"));
            Job::Opened { path, result }
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

    pub(super) fn save_to(&mut self, path: PathBuf) {
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

    /// Reads a timing file and parses it in the format its name says, on a background
    /// thread; the import preview opens with the result.
    fn read_timing(&mut self, path: PathBuf) {
        self.spawn_job(format!("Reading {}", path.display()), move || {
            let result = match std::fs::read(&path) {
                Ok(bytes) => {
                    let file = TimingFile {
                        path: path.clone(),
                        bytes: bytes.into(),
                    };
                    let format = Format::from_path(&path);
                    let parsed = format.map_or(timing_import::Parsed::NoFormat, |f| {
                        timing_import::parse(&file, f)
                    });
                    Ok((file, format, parsed))
                }
                Err(e) => Err(format!("Not imported: {}: {e}", path.display())),
            };
            Job::TimingRead { result }
        });
    }

    /// Parses a timing file again in `format`, on a background thread, for the preview.
    pub(super) fn parse_timing(&mut self, file: TimingFile, format: Format) {
        let label = format!("Reading {} as {}", file.name(), format.title());
        self.spawn_job(label, move || Job::TimingParsed {
            path: file.path.clone(),
            format,
            parsed: timing_import::parse(&file, format),
        });
    }

    /// Asks for a path: a native dialog on a background thread, or the in-app path field
    /// when no dialog is available.
    pub fn pick(&mut self, purpose: Purpose) {
        if !self.native_dialogs || !native_dialog_available() {
            self.ask_path(purpose);
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
                Purpose::Audio => d.add_filter("Audio or video", crate::audio::EXTENSIONS),
                Purpose::ImportTiming => d
                    .add_filter("Timing files", &Format::EXTENSIONS)
                    .add_filter("All files", &["*"]),
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

    fn ask_path(&mut self, purpose: Purpose) {
        self.modal = Some(Modal::Path {
            purpose,
            text: self.suggested_path(purpose),
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
            Purpose::Open | Purpose::Import | Purpose::ImportTiming | Purpose::Audio => base
                .as_ref()
                .and_then(|p| p.parent())
                .map(|d| format!("{}/", d.display()))
                .unwrap_or_default(),
            Purpose::SaveAs => with(".cueshow.json"),
            Purpose::Export(false) => with(".cues.json"),
            Purpose::Export(true) => with(".seed.json"),
        }
    }

    pub(super) fn path_chosen(&mut self, purpose: Purpose, path: PathBuf) {
        // Kept as typed nowhere: the recent files and the show's own path must still name
        // the file when the editor starts from another folder.
        let path = absolute(path);
        match purpose {
            Purpose::Open => self.open_path(path),
            Purpose::SaveAs => self.save_to(path),
            Purpose::Import => self.import_from(path),
            Purpose::ImportTiming => self.read_timing(path),
            Purpose::Export(seed) => self.export_to(path, seed),
            Purpose::Audio => {
                // The show names the file relative to its own folder when it can.
                let rel = self
                    .doc
                    .path()
                    .and_then(Path::parent)
                    .and_then(|d| path.strip_prefix(d).ok())
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| path.clone());
                // The show takes the file only once it has decoded: a file that fails
                // leaves the show's audio as it was.
                self.audio_candidate = Some(rel.to_string_lossy().into_owned());
                self.load_audio_file(path);
            }
        }
    }

    pub(super) fn set_document(&mut self, doc: Document) {
        if let Some(dir) = self.recovery_dir.clone() {
            autosave::remove_recovery(&dir, self.doc.path());
        }
        self.doc = doc;
        self.editor.selection.clear();
        self.editor.fit_pending = true;
        self.loop_range = None;
        self.player.set_loop(None);
        self.autosaver.reset(Instant::now());
        self.player.pause();
        self.player.seek(0);
        self.load_audio();
    }

    /// Opens an autosave as the document, unsaved.
    pub(super) fn restore(&mut self, r: &Recovery) {
        match r.load() {
            Ok(show) => {
                let mut doc = Document::new(show, r.original.clone());
                doc.mark_dirty();
                self.set_document(doc);
                self.notify("Restored from autosave; save to keep it", false);
            }
            Err(e) => self.notify(format!("Could not restore: {e}"), true),
        }
    }

    fn remember_recent(&mut self, path: &Path) {
        let path = path.to_path_buf();
        self.settings.recent.retain(|p| p != &path);
        self.settings.recent.insert(0, path.clone());
        self.settings.recent.truncate(MAX_RECENT);
        self.settings.last_show = Some(path);
    }

    /// The audio file named by the show, resolved against the show's folder.
    pub(super) fn audio_path(&self) -> Option<PathBuf> {
        let audio = self.doc.show().audio.as_deref()?;
        let p = Path::new(audio);
        Some(match self.doc.path().and_then(Path::parent) {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        })
    }

    /// Loads the show's own audio file (or none).
    fn load_audio(&mut self) {
        self.audio_candidate = None;
        match self.audio_path() {
            Some(path) => self.load_audio_file(path),
            None => {
                self.audio = None;
                self.player.close();
                self.audio_status = AudioStatus::None;
            }
        }
    }

    /// Starts decoding `path` on a background thread and opens it for playback.
    fn load_audio_file(&mut self, path: PathBuf) {
        self.audio = None;
        self.player.close();
        if let Err(e) = self.player.open(&path) {
            // The decoder below reports the same problem, once.
            tracing::info!("player: {e}");
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

    pub(super) fn poll_jobs(&mut self) {
        while let Ok(job) = self.jobs.try_recv() {
            if !matches!(job, Job::Autosaved(_)) {
                self.busy.pop();
            }
            match job {
                Job::Opened { path, result } => self.opened(path, result),
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
                } => self.saved(path, revision, result),
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
                Job::TimingRead { result } => match result {
                    Ok((file, format, parsed)) => {
                        let lane = TimingImport::lane_for(&self.doc, &file);
                        self.timing_import = Some(TimingImport::new(file, format, parsed, lane));
                    }
                    Err(e) => self.notify(e, true),
                },
                Job::TimingParsed {
                    path,
                    format,
                    parsed,
                } => {
                    if let Some(preview) = &mut self.timing_import
                        && preview.file.path == path
                    {
                        preview.parsed_as(format, parsed);
                    }
                }
                Job::Picked {
                    purpose,
                    path,
                    unavailable,
                } => match path {
                    Some(p) => self.path_chosen(purpose, p),
                    None if unavailable => self.ask_path(purpose),
                    None => {}
                },
            }
        }
    }

    fn opened(&mut self, path: PathBuf, result: Result<Parsed, String>) {
        match result {
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
                let msg = format!(
                    "Imported {n} cues from {}; save to keep them",
                    path.display()
                );
                self.notify(msg, false);
            }
            Err(e) => self.notify(e, true),
        }
    }

    fn saved(&mut self, path: PathBuf, revision: u64, result: Result<(), String>) {
        match result {
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
        }
    }

    pub(super) fn poll_audio(&mut self) {
        let Some(load) = &self.audio else { return };
        let events: Vec<LoadEvent> = load.events.try_iter().collect();
        let mut failed = None;
        for ev in events {
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
                    // The metronome runs to the end of the audio.
                    self.refresh_clicks();
                    if let Some(audio) = self.audio_candidate.take() {
                        // A newly chosen file: the show takes it (one undo step), and the
                        // view fits it.
                        self.apply_edit(Edit::SetAudio { audio: Some(audio) });
                        self.editor.fit_pending = true;
                    }
                }
                LoadEvent::Failed(e) => failed = Some(e),
            }
        }
        if let Some(e) = failed {
            if self.audio_candidate.take().is_some() {
                // A newly chosen file failed: the show keeps the audio it had.
                self.notify(format!("{e}; the show keeps its audio"), true);
                self.load_audio();
                return;
            }
            let msg = e.to_string();
            self.audio_status = AudioStatus::Failed(msg.clone());
            self.audio = None;
            // The cues are untouched; the silent clock runs as long as the show.
            self.player.close();
            self.player
                .set_duration_ms(self.doc.content_end_ms() + 5_000);
            self.notify(msg, true);
        }
    }

    pub(super) fn audio_duration_ms(&self) -> Option<i64> {
        match self.audio_status {
            AudioStatus::Ready { duration_ms } => Some(duration_ms),
            AudioStatus::Loading { decoded_ms, .. } => Some(decoded_ms),
            _ => None,
        }
    }
}

/// `path` made absolute against the working directory (unchanged if that fails).
fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
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
pub(super) fn sample_show_path() -> Option<PathBuf> {
    let candidates = [
        PathBuf::from("sample_shows/hoshizora.cueshow.json"),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_shows/hoshizora.cueshow.json"),
    ];
    candidates.into_iter().find(|p| p.exists())
}
