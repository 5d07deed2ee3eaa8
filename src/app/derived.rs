//! What follows from the document: the show's effective catalog, the lint findings and
//! what clicks during playback; autosave and the recovery offered at start.

use std::path::Path;
use std::time::Instant;

use cuesheet::catalog::Catalog;

use super::{CuestudioApp, Job, LINT_EVERY_DURING_GESTURE};
use crate::doc::autosave;
use crate::ui::modal::Modal;
use crate::ui::status::AudioStatus;

impl CuestudioApp {
    /// Recomputes what depends on the document: the catalog with the show's overrides, the
    /// lint findings and the clicks (during a pointer gesture at most every
    /// [`LINT_EVERY_DURING_GESTURE`]).
    pub(super) fn refresh_derived(&mut self) {
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
        self.refresh_clicks();
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

    /// Starts an autosave on a background thread when one is due.
    pub(super) fn maybe_autosave(&mut self) {
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
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            let r = autosave::write_recovery(&dir, original.as_deref(), &show)
                .map_err(|e| format!("{}: {e}", dir.display()));
            let _ = tx.send(Job::Autosaved(r));
            ctx.request_repaint();
        });
    }

    /// When the next autosave is due, if one will be.
    pub(super) fn autosave_due(&self) -> Option<Instant> {
        if self.autosaving || self.recovery_dir.is_none() {
            return None;
        }
        self.autosaver
            .next_due(self.doc.revision(), self.doc.is_dirty())
    }

    pub(super) fn offer_recovery(&mut self) {
        let Some(dir) = self.recovery_dir.clone() else {
            return;
        };
        let found = autosave::list_recoveries(&dir);
        if !found.is_empty() {
            self.modal = Some(Modal::Recover(found));
        }
    }

    pub(super) fn discard_recovery(&self) {
        if let Some(dir) = self.recovery_dir.clone() {
            autosave::remove_recovery(&dir, self.doc.path());
        }
    }
}
