//! The editor driven as a person would, headless through egui_kittest: open the sample
//! show, add a cue by key, drag a cue, undo and redo, edit in the inspector, save and
//! reload. Each step asserts on the document. No display, audio device or network.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cuestudio::app::{CuestudioApp, Settings};
use cuestudio::audio::player::{ManualClock, Player};
use egui::{Key, Modifiers, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod support;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_shows/hoshizora.cueshow.json")
}

struct Editor {
    harness: Harness<'static, CuestudioApp>,
    clock: ManualClock,
    _data: tempfile::TempDir,
}

fn editor() -> Editor {
    editor_sized(1560.0, 960.0)
}

/// The editor in a window of `width` × `height` points.
fn editor_sized(width: f32, height: f32) -> Editor {
    let data = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let player_clock = clock.clone();
    let recovery = data.path().join("recovery");
    // The show's Japanese text needs the system CJK fonts the real window loads; tests run
    // with egui's bundled fonts only, so unknown glyphs draw as boxes instead of failing.
    let harness = Harness::builder()
        .with_size(egui::vec2(width, height))
        .allow_missing_glyphs()
        .build_eframe(move |cc| {
            let mut app = CuestudioApp::headless(
                cc.egui_ctx.clone(),
                Settings::default(),
                Player::with_clock(Box::new(player_clock)),
            );
            app.native_dialogs = false;
            app.recovery_dir = Some(recovery);
            app
        });
    Editor {
        harness,
        clock,
        _data: data,
    }
}

impl Editor {
    /// Steps frames until `done` holds (background jobs finish on other threads).
    fn run_until(&mut self, what: &str, done: impl Fn(&CuestudioApp) -> bool) {
        let start = Instant::now();
        while !done(self.harness.state()) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(10));
            self.harness.step();
        }
        self.harness.step();
    }

    fn open(&mut self, path: PathBuf) {
        self.harness.state_mut().open_path(path.clone());
        self.run_until("the show to open", |app| {
            app.doc.path() == Some(path.as_path())
        });
    }

    fn times(&self) -> Vec<i64> {
        self.harness
            .state()
            .doc
            .show()
            .cues
            .iter()
            .map(|c| c.time)
            .collect()
    }
}

#[test]
fn opens_the_sample_show() {
    let mut ed = editor();
    ed.open(sample());
    let app = ed.harness.state();
    assert!(app.doc.show().cues.len() >= 30);
    assert!(!app.doc.is_dirty());
    assert!(app.doc.display_name().contains("Hoshizora"));
}

#[test]
fn tap_key_adds_a_cue_at_the_playhead_and_undo_redo_by_keys() {
    let mut ed = editor();
    ed.open(sample());
    let before = ed.harness.state().doc.show().cues.len();
    ed.harness.key_press(Key::Space); // play
    ed.harness.step();
    ed.clock.advance(12_345);
    ed.harness.step();
    ed.harness.key_press(Key::T);
    ed.harness.step();
    ed.harness.key_press(Key::Space); // pause
    ed.harness.step();
    let app = ed.harness.state();
    assert_eq!(app.doc.show().cues.len(), before + 1);
    let added = app.doc.show().cues.last().unwrap();
    assert_eq!(added.time, 12_345);
    assert!(app.doc.is_dirty());

    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    ed.harness.step();
    assert_eq!(ed.harness.state().doc.show().cues.len(), before);
    ed.harness
        .key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    ed.harness.step();
    assert_eq!(ed.harness.state().doc.show().cues.len(), before + 1);
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    ed.harness.step();
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    ed.harness.step();
    assert_eq!(ed.harness.state().doc.show().cues.len(), before + 1);
}

#[test]
fn nudging_and_deleting_the_selection_by_keys() {
    let mut ed = editor();
    ed.open(sample());
    let first = ed.harness.state().doc.cue_ids()[0];
    let t0 = ed.times()[0];
    ed.harness.state_mut().editor.selection.insert(first);
    ed.harness.key_press(Key::ArrowRight);
    ed.harness.step();
    ed.harness
        .key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    ed.harness.step();
    assert_eq!(ed.times()[0], t0 + 110);
    let n = ed.times().len();
    ed.harness.key_press(Key::Delete);
    ed.harness.step();
    assert_eq!(ed.times().len(), n - 1);
}

#[test]
fn dragging_a_cue_moves_it_in_one_undo_step() {
    let mut ed = editor();
    ed.open(sample());
    // Zoom to a known view so a cue has a known position: 10 ms per point from 0.
    ed.view_from(0);
    let (id, t0, lane) = {
        let doc = &ed.harness.state().doc;
        let (id, cue) = doc
            .cues()
            .filter(|(_, c)| c.time >= 2_000 && c.time <= 6_000)
            .min_by_key(|(_, c)| c.time)
            .expect("a cue in the first seconds");
        (id, cue.time, cue.lane.clone())
    };
    let lane_y = ed.lane_center_y(lane.as_deref().unwrap_or(""));
    let x = ed.timeline_x(t0) + 2.0;
    let from = Pos2::new(x, lane_y);
    let to = Pos2::new(x + 50.0, lane_y); // 500 ms later at 10 ms/pt
    ed.drag(from, to);
    let moved = ed.harness.state().doc.cue(id).unwrap().time;
    assert!(
        (moved - (t0 + 500)).abs() <= 20,
        "moved to {moved}, expected about {}",
        t0 + 500
    );
    // The lint, which runs only a few times a second during the drag, follows its end: the
    // findings are those of the document as it is now (the sample's cues all lie within its
    // audio, so the audio's end changes nothing here).
    let app = ed.harness.state();
    let show = app.doc.show();
    let fresh = cuesheet::lint::lint(
        show,
        &cuesheet::catalog::Catalog::for_show(show).unwrap(),
        None,
    );
    assert_eq!(app.findings(), &fresh[..]);
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    ed.harness.step();
    assert_eq!(
        ed.harness.state().doc.cue(id).unwrap().time,
        t0,
        "one undo restores the drag"
    );
}

#[test]
fn the_lint_follows_a_drag_when_it_ends() {
    let mut ed = editor();
    ed.open(sample());
    ed.view_from(14_000);
    // The flash at 15.5 s is a drift risk; drag it half a second later.
    let (id, t0, lane) = {
        let doc = &ed.harness.state().doc;
        let (id, cue) = doc
            .cues()
            .find(|(_, c)| c.time == 15_500 && c.action == "flash")
            .expect("the sample's first flash");
        (id, cue.time, cue.lane.clone())
    };
    let index = ed.harness.state().doc.index_of(id).unwrap();
    let risk_time = |app: &CuestudioApp| {
        app.findings()
            .iter()
            .find(|f| f.cue == Some(index) && f.code == cuesheet::lint::DRIFT_RISK)
            .and_then(|f| f.time)
    };
    assert_eq!(risk_time(ed.harness.state()), Some(t0));
    let y = ed.lane_center_y(lane.as_deref().unwrap_or(""));
    let x = ed.timeline_x(t0) + 1.0;
    ed.drag(Pos2::new(x, y), Pos2::new(x + 50.0, y));
    let moved = ed.harness.state().doc.cue(id).unwrap().time;
    assert!((moved - (t0 + 500)).abs() <= 20, "moved to {moved}");
    // The lint runs only a few times a second during a drag, and at once when it ends.
    assert_eq!(risk_time(ed.harness.state()), Some(moved));
}

impl Editor {
    /// A known view for dragging: 10 ms per point from `start_ms`, no snapping.
    fn view_from(&mut self, start_ms: i64) {
        self.view(start_ms, 10.0);
    }

    /// The x of show time `t` in the timeline, from the layout constants and the view.
    fn timeline_x(&self, t: i64) -> f32 {
        let r = self.timeline_rect();
        let view = self.harness.state().editor.view;
        view.mapping(r.left() + cuestudio::ui::timeline::GUTTER_W, 0.0)
            .x_from_time(t)
    }

    fn timeline_rect(&self) -> egui::Rect {
        self.harness.state().editor.timeline.last_rect
    }

    fn lane_center_y(&self, lane: &str) -> f32 {
        let app = self.harness.state();
        let lanes = app.doc.lanes();
        let i = lanes.iter().position(|l| l == lane).unwrap();
        let r = self.timeline_rect();
        let top = r.top()
            + cuestudio::ui::timeline::RULER_H
            + self.beats_h()
            + cuestudio::ui::timeline::WAVE_H
            + cuestudio::ui::timeline::MARKERS_H;
        let avail = r.bottom() - top;
        let lane_h = (avail / lanes.len() as f32).clamp(22.0, cuestudio::ui::timeline::LANE_H);
        top + lane_h * (i as f32 + 0.5)
    }

    fn drag(&mut self, from: Pos2, to: Pos2) {
        self.drag_with(from, to, Modifiers::NONE);
    }

    /// Drags from `from` to `to` in ten moves, holding `modifiers` throughout.
    fn drag_with(&mut self, from: Pos2, to: Pos2, modifiers: Modifiers) {
        let h = &mut self.harness;
        if modifiers != Modifiers::NONE {
            h.event(egui::Event::ModifiersChanged(modifiers));
        }
        h.event(egui::Event::PointerMoved(from));
        h.step();
        h.event(egui::Event::PointerButton {
            pos: from,
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers,
        });
        h.step();
        for i in 1..=10 {
            let p = from + (to - from) * (i as f32 / 10.0);
            h.event(egui::Event::PointerMoved(p));
            h.step();
        }
        h.event(egui::Event::PointerButton {
            pos: to,
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers,
        });
        h.step();
        if modifiers != Modifiers::NONE {
            h.event(egui::Event::ModifiersChanged(Modifiers::NONE));
        }
        h.step();
    }

    /// One press and release at `pos`, then two frames (half a second here), so that a next
    /// click is not taken for a double click.
    fn click_at(&mut self, pos: Pos2) {
        self.press_release(pos);
        self.harness.run_steps(2);
    }

    /// Two clicks at `pos` in one frame: a frame here lasts 0.25 s, longer than a double
    /// click may take.
    fn double_click_at(&mut self, pos: Pos2) {
        let h = &mut self.harness;
        h.event(egui::Event::PointerMoved(pos));
        h.step();
        for pressed in [true, false, true, false] {
            h.input_mut().events.push(egui::Event::PointerButton {
                pos,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: Modifiers::NONE,
            });
        }
        h.step();
        h.run_steps(2);
    }

    fn press_release(&mut self, pos: Pos2) {
        let h = &mut self.harness;
        h.event(egui::Event::PointerMoved(pos));
        h.step();
        for pressed in [true, false] {
            h.event(egui::Event::PointerButton {
                pos,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: Modifiers::NONE,
            });
            h.step();
        }
    }

    /// The beat ruler's height: there when the show has a tempo grid.
    fn beats_h(&self) -> f32 {
        if self.harness.state().doc.tempo().is_empty() {
            0.0
        } else {
            cuestudio::ui::timeline::BEATS_H
        }
    }

    /// Where the beat ruler shows time `t` (the view must show it).
    fn beat_tick(&self, t: i64) -> Pos2 {
        let top = self.timeline_rect().top() + cuestudio::ui::timeline::RULER_H;
        Pos2::new(
            self.timeline_x(t),
            top + cuestudio::ui::timeline::BEATS_H / 2.0,
        )
    }

    /// Where the flag of the marker at `time` is drawn (the view must show it).
    fn marker_flag(&self, time: i64) -> Pos2 {
        let top = self.timeline_rect().top()
            + cuestudio::ui::timeline::RULER_H
            + self.beats_h()
            + cuestudio::ui::timeline::WAVE_H;
        Pos2::new(
            self.timeline_x(time) + 1.0,
            top + cuestudio::ui::timeline::MARKERS_H / 2.0,
        )
    }

    /// The id of the marker at `time`.
    fn marker_id(&self, time: i64) -> cuestudio::doc::MarkerId {
        let doc = &self.harness.state().doc;
        let i = doc
            .markers()
            .iter()
            .position(|m| m.time == time)
            .expect("a marker at that time");
        doc.marker_ids()[i]
    }

    fn marker(&self, id: cuestudio::doc::MarkerId) -> cuesheet::Marker {
        self.harness
            .state()
            .doc
            .marker(id)
            .cloned()
            .expect("the marker")
    }

    fn undo(&mut self) {
        self.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        self.harness.run_steps(2);
    }
}

#[test]
fn a_marker_is_selected_by_click_and_dragged_to_the_grid_in_one_undo_step() {
    let mut ed = editor();
    ed.open(sample());
    ed.view_from(14_000);
    ed.harness.state_mut().editor.timeline.snapping = true;
    // The sample's "曲1 / Song 1" at 16 s; a cue is selected first.
    let id = ed.marker_id(16_000);
    let cue = ed.harness.state().doc.cue_ids()[0];
    ed.harness.state_mut().editor.selection.insert(cue);
    let flag = ed.marker_flag(16_000);
    ed.click_at(flag);
    let app = ed.harness.state();
    assert_eq!(app.editor.selected_marker, Some(id));
    assert!(
        app.editor.selection.is_empty(),
        "the marker replaces the cues"
    );
    assert_eq!(app.playhead_ms(), 16_000, "a click on a marker seeks to it");
    let steps_before = app.doc.history_labels().0.len();

    // 53 points at 10 ms a point is 16 530 ms, which snaps to the 250 ms grid.
    ed.drag(flag, flag + egui::vec2(53.0, 0.0));
    assert_eq!(ed.marker(id).time, 16_500);
    let (labels, _) = ed.harness.state().doc.history_labels();
    assert_eq!(labels.len(), steps_before + 1, "{labels:?}");
    assert_eq!(labels.last().copied(), Some("Move marker"));
    assert_eq!(ed.harness.state().editor.selected_marker, Some(id));
    ed.undo();
    assert_eq!(ed.marker(id).time, 16_000, "one undo restores the drag");

    // With Alt the drag does not snap.
    ed.drag_with(flag, flag + egui::vec2(53.0, 0.0), Modifiers::ALT);
    assert_eq!(ed.marker(id).time, 16_530);
    ed.undo();
    assert_eq!(ed.marker(id).time, 16_000);

    // Clicking a cue deselects the marker.
    let (cue, cue_time, lane) = {
        let doc = &ed.harness.state().doc;
        let (cue, c) = doc
            .cues()
            .find(|(_, c)| c.time == 20_000)
            .expect("the sample's cue at 20 s");
        (cue, c.time, c.lane.clone().unwrap_or_default())
    };
    let y = ed.lane_center_y(&lane);
    ed.click_at(Pos2::new(ed.timeline_x(cue_time) + 2.0, y));
    let editor = &ed.harness.state().editor;
    assert_eq!(editor.selected_marker, None);
    assert!(editor.selection.contains(&cue));
}

#[test]
fn a_marker_dragged_past_another_keeps_its_selection() {
    let mut ed = editor();
    ed.open(sample());
    // 50 ms a point from 60 s: "休憩 / Break" at 64 s and "曲2 / Song 2" at 80 s both show.
    {
        let app = ed.harness.state_mut();
        app.editor.fit_pending = false;
        app.editor.view = cuestudio::ui::TimeView {
            start_ms: 60_000,
            ms_per_px: 50.0,
        };
        app.editor.timeline.snapping = false;
    }
    ed.harness.run_steps(2);
    let id = ed.marker_id(64_000);
    let flag = ed.marker_flag(64_000);
    // 400 points at 50 ms a point: 20 s later, past the marker at 80 s.
    ed.drag(flag, flag + egui::vec2(400.0, 0.0));
    let doc = &ed.harness.state().doc;
    let times: Vec<i64> = doc.markers().iter().map(|m| m.time).collect();
    assert_eq!(times, [0, 16_000, 80_000, 84_000, 128_000]);
    assert_eq!(doc.marker_index(id), Some(3));
    assert_eq!(ed.harness.state().editor.selected_marker, Some(id));
    ed.undo();
    assert_eq!(ed.harness.state().doc.marker_index(id), Some(2));
    assert_eq!(ed.marker(id).time, 64_000);
}

#[test]
fn double_click_renames_a_marker_and_escape_cancels() {
    let mut ed = editor();
    ed.open(sample());
    ed.view_from(14_000);
    let id = ed.marker_id(16_000);
    let flag = ed.marker_flag(16_000);
    let steps_before = ed.harness.state().doc.history_labels().0.len();
    ed.double_click_at(flag);
    assert_eq!(
        ed.harness.get_by_label("Marker name").value().as_deref(),
        Some("曲1 / Song 1")
    );
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    ed.harness.run_steps(1);
    type_slowly(&mut ed, "Marker name", "サビ / Chorus");
    assert_eq!(
        ed.marker(id).label,
        "曲1 / Song 1",
        "nothing changes while typing"
    );
    ed.harness.key_press(Key::Enter);
    ed.harness.run_steps(2);
    assert_eq!(ed.marker(id).label, "サビ / Chorus");
    assert!(ed.harness.query_by_label("Marker name").is_none(), "closed");
    let (labels, _) = ed.harness.state().doc.history_labels();
    assert_eq!(labels.len(), steps_before + 1, "one step: {labels:?}");
    assert_eq!(labels.last().copied(), Some("Rename marker"));
    ed.undo();
    assert_eq!(ed.marker(id).label, "曲1 / Song 1");

    // Escape closes the field and keeps the name.
    ed.double_click_at(flag);
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    ed.harness.run_steps(1);
    type_slowly(&mut ed, "Marker name", "x");
    ed.harness.key_press(Key::Escape);
    ed.harness.run_steps(2);
    assert!(ed.harness.query_by_label("Marker name").is_none(), "closed");
    assert_eq!(ed.marker(id).label, "曲1 / Song 1");
    assert!(
        ed.harness.state().doc.redo_label().is_some(),
        "no edit was made: the undone rename can still be redone"
    );
}

#[test]
fn the_delete_key_deletes_the_selected_marker_and_undo_brings_it_back() {
    let mut ed = editor();
    ed.open(sample());
    ed.view_from(14_000);
    let id = ed.marker_id(16_000);
    let count = ed.harness.state().doc.markers().len();
    ed.click_at(ed.marker_flag(16_000));
    assert_eq!(ed.harness.state().editor.selected_marker, Some(id));
    assert!(
        ed.harness
            .state()
            .command_applies(cuestudio::ui::UiCommand::Delete)
    );
    ed.harness.key_press(Key::Delete);
    ed.harness.run_steps(2);
    let app = ed.harness.state();
    assert_eq!(app.doc.markers().len(), count - 1);
    assert_eq!(app.doc.marker(id), None);
    assert_eq!(
        app.doc.history_labels().0.last().copied(),
        Some("Delete marker")
    );
    assert!(
        !app.command_applies(cuestudio::ui::UiCommand::Delete),
        "nothing selected"
    );
    ed.undo();
    assert_eq!(ed.harness.state().doc.markers().len(), count);
    assert_eq!(ed.marker(id).time, 16_000);
}

#[test]
fn inspector_edits_the_selected_cue() {
    let mut ed = editor();
    ed.open(sample());
    let id = ed.harness.state().doc.cue_ids()[1];
    let original = ed.harness.state().doc.cue(id).unwrap().tolerance;
    assert_ne!(original, Some(750));
    ed.harness.state_mut().editor.selection.insert(id);
    ed.harness.run_steps(2);
    let field = ed.harness.get_by_label("Tolerance");
    field.focus();
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    // As a person types: one key per frame, so each digit is its own edit that must merge.
    type_slowly(&mut ed, "Tolerance", "750");
    assert_eq!(ed.harness.state().doc.cue(id).unwrap().tolerance, Some(750));
    // A typed edit is one undo step: undo restores the value from before typing (an undo
    // per keystroke would leave 75).
    ed.harness.key_press(Key::Escape);
    ed.harness.run_steps(2);
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    ed.harness.run_steps(2);
    assert_eq!(ed.harness.state().doc.cue(id).unwrap().tolerance, original);
    ed.harness
        .key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    ed.harness.run_steps(2);
    assert_eq!(ed.harness.state().doc.cue(id).unwrap().tolerance, Some(750));
}

/// Types `text` into the focused field labelled `label`, one character per frame.
fn type_slowly(ed: &mut Editor, label: &str, text: &str) {
    for ch in text.chars() {
        ed.harness.get_by_label(label).type_text(&ch.to_string());
        ed.harness.run_steps(1);
    }
    ed.harness.run_steps(1);
}

#[test]
fn commands_that_do_not_apply_are_disabled() {
    use cuestudio::ui::UiCommand;
    let mut ed = editor();
    ed.open(sample());
    let applies = |ed: &Editor, cmd| ed.harness.state().command_applies(cmd);
    // Nothing to undo, redo, copy, cut, delete or paste yet (the Edit menu greys them).
    for cmd in [
        UiCommand::Undo,
        UiCommand::Redo,
        UiCommand::Copy,
        UiCommand::Cut,
        UiCommand::Delete,
        UiCommand::Paste,
    ] {
        assert!(!applies(&ed, cmd), "{cmd:?}");
    }
    assert!(applies(&ed, UiCommand::SelectAll));
    // A cue selected and nudged: undo, copy, cut and delete apply; then copied: paste too.
    let id = ed.harness.state().doc.cue_ids()[0];
    ed.harness.state_mut().editor.selection.insert(id);
    ed.harness.key_press(Key::ArrowRight);
    ed.harness.run_steps(2);
    for cmd in [
        UiCommand::Undo,
        UiCommand::Copy,
        UiCommand::Cut,
        UiCommand::Delete,
    ] {
        assert!(applies(&ed, cmd), "{cmd:?}");
    }
    assert!(!applies(&ed, UiCommand::Redo));
    // (What the platform sends for Ctrl+C.)
    ed.harness.event(egui::Event::Copy);
    ed.harness.run_steps(2);
    assert!(applies(&ed, UiCommand::Paste));
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    ed.harness.run_steps(2);
    assert!(applies(&ed, UiCommand::Redo));
}

#[test]
fn undo_names_the_change_and_help_lists_every_key() {
    use cuestudio::ui::UiCommand;
    let mut ed = editor();
    ed.open(sample());
    let n = ed.harness.state().doc.show().cues.len();
    let label = |ed: &Editor, cmd| ed.harness.state().command_state().menu_label(cmd);
    assert_eq!(label(&ed, UiCommand::Undo), "Undo");
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    ed.harness.step();
    ed.harness
        .key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    ed.harness.run_steps(2);
    assert_eq!(label(&ed, UiCommand::Undo), format!("Undo Move {n} cues"));
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    ed.harness.run_steps(2);
    assert_eq!(label(&ed, UiCommand::Redo), format!("Redo Move {n} cues"));
    assert_eq!(label(&ed, UiCommand::Undo), "Undo");
    // Both of Redo's keys redo.
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    ed.harness.run_steps(2);
    assert_eq!(label(&ed, UiCommand::Undo), format!("Undo Move {n} cues"));
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    ed.harness.run_steps(2);
    ed.harness
        .key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    ed.harness.run_steps(2);
    assert_eq!(label(&ed, UiCommand::Undo), format!("Undo Move {n} cues"));
    // F1 lists the keymap from the same data: Redo with both keys.
    ed.harness.key_press(Key::F1);
    ed.harness.run_steps(2);
    ed.harness.get_by_label("Ctrl+Shift+Z, Ctrl+Y");
    ed.harness.key_press(Key::Escape);
    ed.harness.run_steps(2);
    assert!(ed.harness.query_by_label("Ctrl+Shift+Z, Ctrl+Y").is_none());
}

#[test]
fn view_toggles_are_commands_with_their_state() {
    use cuestudio::ui::UiCommand;
    let mut ed = editor();
    ed.open(sample());
    let state = |ed: &Editor| ed.harness.state().command_state();
    assert_eq!(state(&ed).checked(UiCommand::ToggleSnap), Some(true));
    choose_snap(&mut ed, "Off");
    assert!(!ed.harness.state().editor.timeline.snapping);
    assert_eq!(state(&ed).checked(UiCommand::ToggleSnap), Some(false));
    // The toggle goes back to the grid chosen last.
    ed.harness.state_mut().execute(UiCommand::ToggleSnap);
    let timeline = &ed.harness.state().editor.timeline;
    assert!(timeline.snapping);
    assert_eq!(timeline.snap_grid, cuestudio::ui::SnapGrid::default());
    let follow = ed.harness.state().editor.timeline.follow_playhead;
    ed.harness
        .state_mut()
        .execute(UiCommand::ToggleFollowPlayhead);
    assert_eq!(ed.harness.state().editor.timeline.follow_playhead, !follow);
    assert_eq!(state(&ed).checked(UiCommand::Undo), None, "not a toggle");
    // The stage's header and the A key drive the same toggle.
    ed.harness.key_press(Key::A);
    ed.harness.run_steps(2);
    assert!(ed.harness.state().settings.audience_view);
    ed.harness.get_by_label("Ideal view").click();
    ed.harness.run_steps(2);
    assert!(!ed.harness.state().settings.audience_view);
}

#[test]
fn fast_key_presses_each_count() {
    let mut ed = editor();
    ed.open(sample());
    let id = ed.harness.state().doc.cue_ids()[3];
    let before = ed.harness.state().doc.cue(id).unwrap().time;
    ed.harness.state_mut().editor.selection.insert(id);
    // Five presses within one frame (12 ms apart on a real keyboard; kittest's own queue
    // gives each event a frame of its own, so they go straight into the frame's input).
    for pressed in [true, false].repeat(5) {
        ed.harness.input_mut().events.push(egui::Event::Key {
            key: Key::ArrowRight,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers: Modifiers::NONE,
        });
    }
    ed.harness.run_steps(2);
    assert_eq!(ed.harness.state().doc.cue(id).unwrap().time, before + 50);
}

#[test]
fn clicking_the_text_of_a_cue_list_row_selects_it() {
    let mut ed = editor();
    ed.open(sample());
    let (id, time) = {
        let doc = &ed.harness.state().doc;
        let (id, cue) = doc.cues().find(|(_, c)| c.action == "discChange").unwrap();
        (id, cue.time)
    };
    // The action's text in the row (not the blank part of the cell).
    ed.harness.get_by_label("discChange").click();
    ed.harness.run_steps(2);
    let app = ed.harness.state();
    assert_eq!(
        app.editor.selection.iter().copied().collect::<Vec<_>>(),
        vec![id]
    );
    assert_eq!(app.playhead_ms(), time);
}

#[test]
fn copied_cues_go_to_the_system_clipboard_and_paste_back() {
    let mut ed = editor();
    ed.open(sample());
    let ids: Vec<_> = ed.harness.state().doc.cue_ids()[..2].to_vec();
    ed.harness
        .state_mut()
        .editor
        .selection
        .extend(ids.iter().copied());
    ed.harness.event(egui::Event::Copy);
    ed.harness.step();
    let copied = ed
        .harness
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .expect("Copy puts the cues on the system clipboard");
    let Ok(cuesheet::Document::Sheet(sheet)) = cuesheet::parse(copied.as_bytes()) else {
        panic!("a JSON cue sheet: {copied}");
    };
    assert_eq!(sheet.len(), 2);
    // Ctrl+V sends the clipboard's text: the cues land at the playhead, spacing kept.
    let n = ed.harness.state().doc.show().cues.len();
    ed.harness
        .state_mut()
        .execute(cuestudio::ui::UiCommand::JumpEnd);
    let at = ed.harness.state().playhead_ms();
    ed.harness.event(egui::Event::Paste(copied));
    ed.harness.run_steps(2);
    let cues = &ed.harness.state().doc.show().cues;
    assert_eq!(cues.len(), n + 2);
    let gap = sheet[1].time - sheet[0].time;
    assert_eq!((cues[n].time, cues[n + 1].time), (at, at + gap));
    // A cue sheet from elsewhere pastes too; other text is refused with a message.
    ed.harness.event(egui::Event::Paste(
        r#"[{"time": 100, "action": "flash"}]"#.into(),
    ));
    ed.harness.run_steps(2);
    assert_eq!(ed.harness.state().doc.show().cues.len(), n + 3);
    ed.harness.event(egui::Event::Paste("hello".into()));
    ed.harness.run_steps(2);
    assert_eq!(ed.harness.state().doc.show().cues.len(), n + 3);
    ed.harness.get_by_label_contains("not a cue sheet");
}

#[test]
fn shows_opened_by_a_relative_path_are_remembered_absolutely() {
    let mut ed = editor();
    let relative = PathBuf::from("sample_shows/hoshizora.cueshow.json");
    ed.harness.state_mut().open_path(relative);
    ed.run_until("the show to open", |app| app.doc.path().is_some());
    let app = ed.harness.state();
    let path = app.doc.path().unwrap();
    assert!(path.is_absolute(), "{}", path.display());
    assert_eq!(app.settings.recent, vec![path.to_path_buf()]);
    assert_eq!(app.settings.last_show.as_deref(), Some(path));
}

/// Chooses `path` as the show's audio through File → Open audio… and the typed-path field.
fn choose_audio(ed: &mut Editor, path: &std::path::Path) {
    ed.harness
        .state_mut()
        .execute(cuestudio::ui::UiCommand::OpenAudio);
    ed.harness.run_steps(2);
    fill_path(ed, path);
}

/// Types `path` into the "no file dialog" field and presses Enter.
fn fill_path(ed: &mut Editor, path: &std::path::Path) {
    let field = ed.harness.get_by_label("Path");
    field.focus();
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    ed.harness
        .get_by_label("Path")
        .type_text(path.to_str().unwrap());
    ed.harness.run_steps(1);
    ed.harness.key_press(Key::Enter);
    ed.harness.run_steps(2);
}

/// A second of 8 kHz mono 16-bit silence with a tone, as a WAV file.
fn write_wav(path: &std::path::Path) {
    let rate = 8000u32;
    let samples: Vec<i16> = (0..rate)
        .map(|i| ((i as f32 * 0.2).sin() * 8000.0) as i16)
        .collect();
    std::fs::write(path, support::wav_bytes(rate, 1, &samples)).unwrap();
}

#[test]
fn a_failed_audio_file_leaves_the_shows_audio_and_a_good_one_is_one_undo_step() {
    let mut ed = editor();
    ed.open(sample());
    ed.run_until("the audio to decode", |app| {
        app.command_state().editable && !app.busy_loading_audio()
    });
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.wav");
    std::fs::write(&empty, b"").unwrap();
    choose_audio(&mut ed, &empty);
    assert!(
        ed.harness.query_by_label("Path").is_none(),
        "Enter accepts the typed path"
    );
    ed.run_until("the failure", |app| !app.busy_loading_audio());
    ed.harness.run_steps(2);
    let app = ed.harness.state();
    assert_eq!(app.doc.show().audio.as_deref(), Some("hoshizora.ogg"));
    assert!(!app.doc.is_dirty(), "nothing changed");
    ed.harness.get_by_label_contains("the show keeps its audio");
    // The error stays until it is dismissed.
    click_button(&mut ed, "×");
    ed.harness.run_steps(2);
    assert!(
        ed.harness
            .query_by_label_contains("the show keeps its audio")
            .is_none()
    );

    let good = dir.path().join("tone.wav");
    write_wav(&good);
    choose_audio(&mut ed, &good);
    ed.run_until("the new audio", |app| {
        app.doc.show().audio.as_deref() != Some("hoshizora.ogg")
    });
    let app = ed.harness.state();
    assert_eq!(app.doc.show().audio.as_deref(), good.to_str());
    assert_eq!(app.doc.undo_label(), Some("Set audio"));
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    ed.harness.run_steps(2);
    assert_eq!(
        ed.harness.state().doc.show().audio.as_deref(),
        Some("hoshizora.ogg")
    );
}

#[test]
fn a_corrupt_show_keeps_the_open_one_and_its_error_until_dismissed() {
    let mut ed = editor();
    ed.open(sample());
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.cueshow.json");
    std::fs::write(&bad, "{\"version\": 1,\n \"cues\": [{\"time\": \"soon\"}]}").unwrap();
    ed.harness.state_mut().open_path(bad.clone());
    let wanted = format!("{}:", bad.display());
    ed.run_until("the error", |_| true);
    let start = Instant::now();
    while ed.harness.query_by_label_contains(&wanted).is_none() {
        assert!(start.elapsed() < Duration::from_secs(20), "no error shown");
        std::thread::sleep(Duration::from_millis(20));
        ed.harness.step();
    }
    let app = ed.harness.state();
    assert!(
        app.doc.display_name().contains("Hoshizora"),
        "the open show stays"
    );
    // Where: the file and a line:column or cue path.
    let node = ed.harness.get_by_label_contains(&wanted);
    let text = format!("{node:?}");
    assert!(text.contains("cues") || text.contains(":2:"), "{text}");
    click_button(&mut ed, "×");
    ed.harness.run_steps(2);
    assert!(ed.harness.query_by_label_contains(&wanted).is_none());
}

#[test]
fn an_empty_show_says_what_to_do_first() {
    let mut ed = editor();
    ed.harness.run_steps(2);
    ed.harness.get_by_label("An empty show");
    ed.harness
        .get_by_label_contains("drop an audio or video file");
    click_button(&mut ed, "Open audio…");
    ed.harness.run_steps(2);
    ed.harness.get_by_label("Open audio");
    ed.harness.key_press(Key::Escape);
    ed.harness.run_steps(2);
    // A show with cues has no such box.
    ed.open(sample());
    assert!(ed.harness.query_by_label("An empty show").is_none());
}

#[test]
fn small_windows_keep_the_toolbar_and_most_of_the_width_for_the_timeline() {
    for (w, h) in [(1024.0, 700.0), (1366.0, 768.0), (1920.0, 1080.0)] {
        let mut ed = editor_sized(w, h);
        ed.open(sample());
        ed.harness.run_steps(3);
        // Every tool of the transport bar is inside the window (it wraps if it must).
        // (The last tool: the latency's value, labelled by its label.)
        let latency = ed
            .harness
            .get_by_role_and_label(egui::accesskit::Role::SpinButton, "Output latency")
            .rect();
        assert!(
            latency.right() <= w,
            "{w}×{h}: the toolbar is cut off at {latency:?}"
        );
        // The central area (stage and timeline, from the stage's header to the side panel)
        // keeps the larger part of the width (all of it with the side panels hidden).
        let lanes_left = ed.harness.get_by_label("Stage").rect().left();
        let side_left = ed
            .harness
            .get_by_label_contains("Drift & lint")
            .rect()
            .left();
        let timeline = side_left - lanes_left;
        assert!(
            timeline >= 0.44 * w,
            "{w}×{h}: the timeline is {timeline} wide"
        );
    }
    // Both side panels can go (Ctrl+1, Ctrl+2) and come back.
    let mut ed = editor_sized(1024.0, 700.0);
    ed.open(sample());
    ed.harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Num1);
    ed.harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Num2);
    ed.harness.run_steps(3);
    assert!(ed.harness.query_by_label("Filter").is_none());
    assert!(ed.harness.query_by_label_contains("Drift & lint").is_none());
    let stage = ed.harness.get_by_label("Stage").rect().left();
    assert!(stage < 30.0, "the centre starts at the left edge: {stage}");
    ed.harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Num1);
    ed.harness.run_steps(3);
    ed.harness.get_by_label("Filter");
}

#[test]
fn an_added_lane_is_selected_and_takes_the_taps() {
    use cuestudio::ui::UiCommand;
    let mut ed = editor();
    ed.open(sample());
    ed.harness.state_mut().execute(UiCommand::AddLane);
    ed.harness.run_steps(2);
    assert!(
        ed.harness
            .state()
            .doc
            .lanes()
            .contains(&"Lane 1".to_owned())
    );
    ed.clock.advance(3_000);
    ed.harness.key_press(Key::Space);
    ed.harness.step();
    ed.clock.advance(1_000);
    ed.harness.step();
    ed.harness.key_press(Key::T);
    ed.harness.step();
    let app = ed.harness.state();
    let last = app.doc.show().cues.last().unwrap();
    assert_eq!(last.lane.as_deref(), Some("Lane 1"));
    // Undo takes the cue, then the lane.
    ed.harness.key_press(Key::Space);
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    ed.harness.run_steps(2);
    assert!(
        !ed.harness
            .state()
            .doc
            .lanes()
            .contains(&"Lane 1".to_owned())
    );
}

#[test]
fn long_messages_and_the_catalog_presets_keep_out_of_the_way() {
    let mut ed = editor_sized(1024.0, 700.0);
    ed.open(sample());
    // A long error is cut short before the status bar's right-hand figures.
    let long = "x".repeat(400);
    ed.harness
        .event(egui::Event::Paste(format!("{{\"not\": \"{long}\"")));
    ed.harness.run_steps(3);
    let message = ed.harness.get_by_label_contains("not a cue sheet").rect();
    let count = ed.harness.get_by_label("44 cues").rect();
    assert!(
        message.right() <= count.left(),
        "the message {message:?} runs over {count:?}"
    );
    // The catalog's tolerance presets sit below its Params box, not beside it.
    ed.harness.get_by_label_contains("Effect catalog (").click();
    ed.harness.run_steps(2);
    ed.harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "flash")
        .click();
    ed.harness.run_steps(2);
    let params = ed.harness.get_by_label("Params").rect();
    let preset = ed.harness.get_by_label("Exact 100").rect();
    assert!(
        preset.top() >= params.bottom(),
        "a preset {preset:?} beside the Params box {params:?}"
    );
}

#[test]
fn open_recent_asks_about_unsaved_changes_first() {
    use cuestudio::ui::UiCommand;
    let mut ed = editor();
    ed.open(sample());
    assert_eq!(ed.harness.state().settings.recent, vec![sample()]);
    let before = ed.times();
    let id = ed.harness.state().doc.cue_ids()[0];
    ed.harness.state_mut().editor.selection.insert(id);
    ed.harness.key_press(Key::ArrowRight);
    ed.harness.run_steps(2);
    assert!(ed.harness.state().doc.is_dirty());
    assert!(!ed.harness.state().command_applies(UiCommand::OpenRecent(1)));
    ed.harness.state_mut().execute(UiCommand::OpenRecent(0));
    ed.harness.run_steps(2);
    ed.harness.get_by_label("Unsaved changes");
    // Cancel keeps the edit.
    click_button(&mut ed, "Cancel");
    ed.harness.run_steps(2);
    assert!(ed.harness.state().doc.is_dirty());
    ed.harness.state_mut().execute(UiCommand::OpenRecent(0));
    ed.harness.run_steps(2);
    click_button(&mut ed, "Discard changes");
    ed.run_until("the show to reopen", |app| !app.doc.is_dirty());
    assert_eq!(ed.times(), before);
}

#[test]
fn an_idle_editor_stops_repainting() {
    let mut ed = editor();
    ed.open(sample());
    // Once the audio has decoded, with nothing playing and no pointer, the frames settle: no
    // immediate repaint is requested. (Before, the window title was re-sent every frame, and
    // each send is a repaint: 1.5 cores under Xvfb.)
    let start = Instant::now();
    loop {
        match ed.harness.try_run() {
            Ok(_) => break,
            Err(e) => {
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "the idle editor keeps repainting: {e}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
    assert!(!ed.harness.state().is_playing());
}

#[test]
fn save_and_reload_keeps_the_edit() {
    let mut ed = editor();
    ed.open(sample());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.cueshow.json");
    let id = ed.harness.state().doc.cue_ids()[0];
    {
        let app = ed.harness.state_mut();
        app.editor.selection.insert(id);
    }
    ed.harness.key_press(Key::ArrowRight);
    ed.harness.step();
    let edited = ed.harness.state().doc.show().clone();
    // Save As through the in-app path field (no native dialog here).
    ed.harness
        .key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    ed.harness.run_steps(2);
    let field = ed.harness.get_by_label("Path");
    field.focus();
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    field.type_text(path.to_str().unwrap());
    ed.harness.run_steps(1);
    ed.harness.get_by_label("OK").click();
    ed.run_until("the save", |app| !app.doc.is_dirty());
    assert_eq!(ed.harness.state().doc.path(), Some(path.as_path()));

    let mut again = editor();
    again.open(path.clone());
    assert_eq!(again.harness.state().doc.show(), &edited);
    // The saved file is a valid show for the CLI's parser too.
    let bytes = std::fs::read(&path).unwrap();
    assert!(cuesheet::parse_show(&bytes).is_ok());
}

#[test]
fn live_mode_follows_the_server_and_locks_the_document() {
    let server = timeserver::spawn_background(timeserver::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        state_file: None,
        admin_token: Some("tok".into()),
        serve_dir: None,
    })
    .unwrap();
    let mut ed = editor();
    ed.open(sample());
    let url = format!("http://{}/time", server.addr);
    ed.harness.state_mut().connect_live(url);
    ed.run_until("the first sync", |app| {
        app.live
            .session
            .as_ref()
            .is_some_and(|s| s.snapshot().connected)
    });
    // The show started 10 s ago on the server.
    let now = cuestudio::doc::autosave::now_unix_ms();
    ed.harness.state().live.session.as_ref().unwrap().admin(
        "tok",
        timesync::TransportUpdate {
            event_start: Some(now - 10_000),
            ..Default::default()
        },
    );
    ed.run_until("the playhead to follow", |app| {
        app.live
            .session
            .as_ref()
            .and_then(|s| s.snapshot().show_position_ms)
            .is_some_and(|p| p >= 10_000)
    });
    ed.harness.run_steps(2);
    let pos = ed
        .harness
        .state()
        .live
        .session
        .as_ref()
        .unwrap()
        .snapshot()
        .show_position_ms
        .unwrap();
    let (playhead, playing) = {
        let app = ed.harness.state_mut();
        (app.playhead_ms(), app.is_playing())
    };
    assert!(playing, "the audio clock runs while the show runs");
    // The test player's clock is manual (it stands still), so the follower re-seeks whenever
    // it falls more than 50 ms behind; allow that plus the time since the last frame.
    assert!(
        (playhead - pos).abs() <= 120,
        "playhead {playhead} vs server {pos}"
    );
    // Read-only: tapping a cue changes nothing.
    let n = ed.harness.state().doc.show().cues.len();
    ed.harness.key_press(Key::T);
    ed.harness.step();
    assert_eq!(ed.harness.state().doc.show().cues.len(), n);
    let url = ed.harness.state().live.url.clone();
    // Pause from the operator controls, as an operator does: token, message, the button,
    // then the confirmation, which names what will be sent.
    open_live_panel(&mut ed);
    fill(&mut ed, "Admin token", "tok");
    fill(&mut ed, "Message", "少々お待ちください");
    click_button(&mut ed, "Pause…");
    ed.harness.run_steps(2);
    ed.harness
        .get_by_label_contains("Pause the show for every viewer");
    click_button(&mut ed, "Confirm");
    ed.run_until("the pause", |app| !app.is_playing());
    let state = server_state(&url);
    assert_eq!(state.status, timesync::Status::Paused);
    assert_eq!(state.message.as_deref(), Some("少々お待ちください"));
    let a = ed.harness.state().playhead_ms();
    std::thread::sleep(Duration::from_millis(300));
    ed.harness.run_steps(3);
    assert!(
        (ed.harness.state().playhead_ms() - a).abs() <= 5,
        "frozen while paused"
    );

    // Cancel sends nothing.
    click_button(&mut ed, "Resume…");
    ed.harness.run_steps(2);
    click_button(&mut ed, "Cancel");
    ed.harness.run_steps(2);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server_state(&url).status, timesync::Status::Paused);

    // Resume continues from where it paused: the server moved the start by the pause.
    let start_before = server_state(&url).event_start.unwrap();
    click_button(&mut ed, "Resume…");
    ed.harness.run_steps(2);
    click_button(&mut ed, "Confirm");
    ed.run_until("the resume", |app| app.is_playing());
    let state = server_state(&url);
    assert_eq!(state.status, timesync::Status::Running);
    assert_eq!(state.message, None);
    assert!(state.event_start.unwrap() >= start_before + 300);
    ed.run_until("the panel to show the change", |app| {
        app.live
            .session
            .as_ref()
            .is_some_and(|s| matches!(s.snapshot().last_admin_result, Some(Ok(_))))
    });

    // Start in 10 s: the server's event start lands 10 s from the click.
    let clicked = cuestudio::doc::autosave::now_unix_ms();
    click_button(&mut ed, "Start in 10 s…");
    ed.harness.run_steps(2);
    click_button(&mut ed, "Confirm");
    ed.run_until("the new start", |app| {
        app.live
            .session
            .as_ref()
            .and_then(|s| s.snapshot().server_event_start)
            .is_some_and(|es| es >= clicked + 10_000)
    });
    let start = server_state(&url).event_start.unwrap();
    assert!(
        (clicked + 10_000..=clicked + 12_000).contains(&start),
        "start {start}, clicked {clicked}"
    );
    // Delay 30 s moves that start by exactly 30 s.
    click_button(&mut ed, "Delay 30 s…");
    ed.harness.run_steps(2);
    click_button(&mut ed, "Confirm");
    ed.run_until("the delay", |app| {
        app.live
            .session
            .as_ref()
            .and_then(|s| s.snapshot().server_event_start)
            .is_some_and(|es| es == start + 30_000)
    });
    assert_eq!(server_state(&url).event_start, Some(start + 30_000));
}

#[test]
fn rehearsal_runs_the_show_on_a_local_server() {
    let mut ed = editor();
    ed.open(sample());
    open_live_panel(&mut ed);
    let own_server = ed.harness.state().editor.live.url.clone();
    assert!(!own_server.is_empty());
    click_button(&mut ed, "Rehearsal");
    ed.run_until("the rehearsal to sync", |app| {
        app.live
            .session
            .as_ref()
            .is_some_and(|s| s.snapshot().connected)
    });
    assert!(ed.harness.state().is_live());
    // The show starts in 5 s: show time counts up from about -5 s, and the player waits.
    let pos = |ed: &Editor| {
        ed.harness
            .state()
            .live
            .session
            .as_ref()
            .and_then(|s| s.snapshot().show_position_ms)
    };
    ed.run_until("the rehearsal's event start", |app| {
        app.live
            .session
            .as_ref()
            .is_some_and(|s| s.snapshot().show_position_ms.is_some())
    });
    let first = pos(&ed).unwrap();
    assert!((-5_500..=-3_000).contains(&first), "show time {first}");
    assert!(!ed.harness.state().is_playing());
    // The rehearsal server takes the operator's commands with its own token.
    let url = ed.harness.state().live.url.clone();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    click_button(&mut ed, "Pause…");
    ed.harness.run_steps(2);
    click_button(&mut ed, "Confirm");
    ed.run_until("the rehearsal pause", |app| {
        app.live
            .session
            .as_ref()
            .is_some_and(|s| s.snapshot().status == timesync::Status::Paused)
    });
    assert_eq!(server_state(&url).status, timesync::Status::Paused);
    // Disconnect stops the rehearsal server.
    click_button(&mut ed, "Disconnect");
    ed.harness.run_steps(2);
    assert!(!ed.harness.state().is_live());
    let client = timesync::client::TimeClient::new(&url, Duration::from_millis(500)).unwrap();
    assert!(client.sample().is_err(), "the rehearsal server stopped");
    // The Server field still names the designer's own server, not the rehearsal's.
    assert_eq!(ed.harness.state().editor.live.url, own_server);
}

#[test]
fn the_live_panel_says_what_is_true() {
    let server = timeserver::spawn_background(timeserver::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        state_file: None,
        admin_token: Some("tok".into()),
        serve_dir: None,
    })
    .unwrap();
    let url = format!("http://{}/time", server.addr);
    let mut ed = editor();
    ed.open(sample());
    ed.harness.state_mut().connect_live(url.clone());
    ed.run_until("the first sync", |app| {
        app.live
            .session
            .as_ref()
            .is_some_and(|s| s.snapshot().connected)
    });
    open_live_panel(&mut ed);
    // The read-only notice draws with the fonts the editor has (it had a lock emoji that
    // showed as a box).
    let notice = "Live: the document is read-only";
    ed.harness.get_by_label(notice);
    let font = egui::FontId::proportional(14.0);
    let drawable = |text: &str| ed.harness.ctx.fonts_mut(|f| f.has_glyphs(&font, text));
    assert!(drawable(notice));
    assert!(!drawable("🔒"), "the check can fail");
    let snap = |ed: &Editor| ed.harness.state().live.session.as_ref().unwrap().snapshot();
    // A wrong token is said to be refused, not "not a time reply".
    fill(&mut ed, "Admin token", "wrong");
    click_button(&mut ed, "Pause…");
    ed.harness.run_steps(2);
    click_button(&mut ed, "Confirm");
    ed.run_until("the refusal", |app| {
        app.live
            .session
            .as_ref()
            .is_some_and(|s| s.snapshot().last_admin_result.is_some())
    });
    ed.harness.run_steps(2);
    ed.harness.get_by_label_contains("refused the admin token");
    // The confirmation shows the message viewers will read.
    fill(&mut ed, "Admin token", "tok");
    fill(&mut ed, "Message", "まもなく再開します");
    click_button(&mut ed, "Pause…");
    ed.harness.run_steps(2);
    ed.harness
        .get_by_label_contains("who will read: “まもなく再開します”");
    click_button(&mut ed, "Confirm");
    ed.run_until("the pause", |_| {
        server_state(&url).status == timesync::Status::Paused
    });
    ed.run_until("the answer", |app| {
        app.live
            .session
            .as_ref()
            .is_some_and(|s| matches!(s.snapshot().last_admin_result, Some(Ok(_))))
    });
    assert!(snap(&ed).last_admin_status == Some(timesync::Status::Paused));
    // A change made elsewhere shows as such.
    let other = timesync::client::TimeClient::new(&url, Duration::from_secs(2)).unwrap();
    other
        .admin(
            "tok",
            &timesync::TransportUpdate {
                status: Some(timesync::Status::Running),
                ..Default::default()
            },
        )
        .unwrap();
    ed.run_until("the poll to see it", |app| {
        app.live
            .session
            .as_ref()
            .is_some_and(|s| s.snapshot().status == timesync::Status::Running)
    });
    ed.harness.run_steps(2);
    ed.harness.get_by_label_contains("changed elsewhere since");
    // A server that stops answering is not shown as running.
    server.stop();
    ed.run_until("the failed poll", |app| {
        app.live
            .session
            .as_ref()
            .is_some_and(|s| s.snapshot().last_error.is_some())
    });
    ed.harness.run_steps(2);
    ed.harness.get_by_label("no reply (last known: running)");
}

fn click_button(ed: &mut Editor, label: &str) {
    ed.harness
        .get_by_role_and_label(egui::accesskit::Role::Button, label)
        .click();
}

fn open_live_panel(ed: &mut Editor) {
    if ed.harness.query_by_label("Admin token").is_none()
        && ed.harness.query_by_label("Rehearsal").is_none()
    {
        ed.harness.get_by_label("Live").click();
        ed.harness.run_steps(2);
    }
}

/// Replaces the text of the field labelled `label` with `text`.
fn fill(ed: &mut Editor, label: &str, text: &str) {
    use egui::accesskit::Role;
    let input = if ed
        .harness
        .query_by_role_and_label(Role::PasswordInput, label)
        .is_some()
    {
        Role::PasswordInput
    } else {
        Role::TextInput
    };
    ed.harness.get_by_role_and_label(input, label).focus();
    ed.harness.run_steps(1);
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    ed.harness
        .get_by_role_and_label(input, label)
        .type_text(text);
    ed.harness.run_steps(2);
    ed.harness.key_press(Key::Escape);
    ed.harness.run_steps(1);
}

/// The transport as the server reports it now.
fn server_state(url: &str) -> timesync::TimeResponse {
    let client = timesync::client::TimeClient::new(url, Duration::from_secs(2)).unwrap();
    client.sample().unwrap().1
}

#[test]
fn effect_catalog_panel_overrides_an_entry_adds_one_and_undo_restores() {
    let mut ed = editor();
    ed.open(sample());
    assert_eq!(ed.harness.state().doc.show().effects, None);
    // A flash cue with no tolerance of its own takes the catalog's (100 ms, below the show's
    // expected drift of 1.5 s): the lint flags it as a drift risk.
    ed.harness
        .state_mut()
        .apply_edit(cuestudio::doc::Edit::AddCues {
            cues: vec![cuesheet::Cue {
                time: 30_000,
                action: "flash".into(),
                ..Default::default()
            }],
        });
    ed.harness.state_mut().editor.selection.clear();
    ed.harness.run_steps(2);
    let index = |app: &CuestudioApp| {
        app.doc
            .show()
            .cues
            .iter()
            .position(|c| c.time == 30_000 && c.action == "flash" && c.tolerance.is_none())
            .unwrap()
    };
    let drift_risk = |app: &CuestudioApp| {
        let i = index(app);
        app.findings()
            .iter()
            .any(|f| f.code == cuesheet::lint::DRIFT_RISK && f.cue == Some(i))
    };
    assert!(drift_risk(ed.harness.state()));
    ed.harness.get_by_label_contains("Effect catalog (").click();
    ed.harness.run_steps(2);
    // The entry's name (a selectable row), not its kind column of the same text.
    ed.harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "flash")
        .click();
    ed.harness.run_steps(2);
    // Nothing selected in the timeline, so the only "Tolerance" field is the catalog's.
    let field = ed.harness.get_by_label("Tolerance");
    field.focus();
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    type_slowly(&mut ed, "Tolerance", "2000");
    let effects = ed.harness.state().doc.show().effects.clone();
    let flash = effects
        .as_ref()
        .and_then(|e| e.get("flash"))
        .expect("the show now overrides flash");
    assert_eq!(flash["tolerance"], 2000, "{flash}");
    assert_eq!(
        effects.as_ref().map(|e| e.len()),
        Some(1),
        "only what differs"
    );
    // The cue without its own tolerance now gets the new default, and the lint sees it: 2 s
    // is above the expected drift, so it is no longer a drift risk.
    assert!(
        !drift_risk(ed.harness.state()),
        "{:?}",
        ed.harness.state().findings()
    );
    ed.harness.key_press(Key::Escape);
    ed.harness.run_steps(2);

    // Add a new effect.
    let name = ed.harness.get_by_label("New action");
    name.focus();
    ed.harness.run_steps(1);
    let name = ed.harness.get_by_label("New action");
    name.type_text("confetti");
    ed.harness.run_steps(1);
    assert_eq!(
        ed.harness.get_by_label("New action").value().as_deref(),
        Some("confetti")
    );
    ed.harness.key_press(Key::Enter);
    ed.harness.run_steps(2);
    let effects = ed.harness.state().doc.show().effects.clone().unwrap();
    assert_eq!(effects["confetti"]["kind"], "marker");
    assert!(effects.contains_key("flash"));

    // Undo removes the new effect, then the typed tolerance in one step (an undo per
    // keystroke would leave 200, then 20, then 2).
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    ed.harness.run_steps(2);
    let effects = ed.harness.state().doc.show().effects.clone().unwrap();
    assert!(!effects.contains_key("confetti"));
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    ed.harness.run_steps(2);
    assert_eq!(ed.harness.state().doc.show().effects, None);
    assert!(drift_risk(ed.harness.state()), "the lint follows the undo");
}

impl Editor {
    /// Presses at `points[0]`, moves to each next point in its own frame (a fast hand skips
    /// the points between), and releases at the last.
    fn drag_through(&mut self, points: &[Pos2]) {
        let (Some(&first), Some(&last)) = (points.first(), points.last()) else {
            return;
        };
        let h = &mut self.harness;
        h.event(egui::Event::PointerMoved(first));
        h.step();
        h.event(egui::Event::PointerButton {
            pos: first,
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: Modifiers::NONE,
        });
        h.step();
        for &p in &points[1..] {
            h.event(egui::Event::PointerMoved(p));
            h.step();
        }
        h.event(egui::Event::PointerButton {
            pos: last,
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers: Modifiers::NONE,
        });
        h.run_steps(2);
    }

    /// The id of the cue of `action` at `time`.
    fn cue_id(&self, time: i64, action: &str) -> cuestudio::doc::CueId {
        self.harness
            .state()
            .doc
            .cues()
            .find(|(_, c)| c.time == time && c.action == action)
            .map(|(id, _)| id)
            .expect("the cue")
    }

    /// A known view: `ms_per_px` from `start_ms`, no snapping.
    fn view(&mut self, start_ms: i64, ms_per_px: f64) {
        {
            let app = self.harness.state_mut();
            app.editor.fit_pending = false;
            app.editor.view = cuestudio::ui::TimeView {
                start_ms,
                ms_per_px,
            };
            app.editor.timeline.snapping = false;
        }
        self.harness.run_steps(2);
    }
}

#[test]
fn a_fast_drag_from_empty_space_onto_a_cue_moves_nothing_and_selects_by_box() {
    let mut ed = editor();
    ed.open(sample());
    // 20 ms a point from 20 s. Particles are empty from 26 s to 40 s; the Text cue at 24 s
    // lasts until 28 s and lies in the lane above.
    ed.view(20_000, 20.0);
    let text = ed.cue_id(24_000, "textFade");
    let before = ed.times();
    let press = Pos2::new(ed.timeline_x(30_000), ed.lane_center_y("Particles"));
    // One frame later the pointer is on the Text cue, where egui decides it is a drag.
    let on_cue = Pos2::new(ed.timeline_x(25_000), ed.lane_center_y("Text"));
    let end = Pos2::new(ed.timeline_x(22_000), ed.lane_center_y("Text"));
    ed.drag_through(&[press, on_cue, end]);
    assert_eq!(ed.times(), before, "no cue moves");
    // The box from the press to the release: 22 s to 30 s over Text and Particles.
    let selection: Vec<_> = ed
        .harness
        .state()
        .editor
        .selection
        .iter()
        .copied()
        .collect();
    assert_eq!(selection, [text]);

    // The same in empty Pyro space (34 s to 36 s is free) up onto the Particles cue at
    // 20 s: nothing moves either.
    ed.harness.state_mut().editor.selection.clear();
    let press = Pos2::new(ed.timeline_x(35_000), ed.lane_center_y("Pyro"));
    let on_cue = Pos2::new(ed.timeline_x(21_000), ed.lane_center_y("Particles"));
    ed.drag_through(&[press, on_cue, on_cue + egui::vec2(-5.0, 0.0)]);
    assert_eq!(ed.times(), before, "no cue moves");
}

#[test]
fn a_slow_drag_box_starts_where_the_pointer_was_pressed() {
    let mut ed = editor();
    ed.open(sample());
    ed.view(15_000, 20.0);
    let particles = ed.cue_id(20_000, "showParticles");
    // From empty Text space 100 ms before the Particles cue at 20 s, down-right into the
    // Particles lane in ten moves: the first move (310 ms) is where egui sees a drag, past
    // that cue; the box still starts at the press, so it takes the cue in.
    let from = Pos2::new(ed.timeline_x(19_900), ed.lane_center_y("Text"));
    let to = Pos2::new(ed.timeline_x(23_000), ed.lane_center_y("Particles"));
    ed.drag(from, to);
    let selection: Vec<_> = ed
        .harness
        .state()
        .editor
        .selection
        .iter()
        .copied()
        .collect();
    assert_eq!(selection, [particles]);
}

#[test]
fn bracket_keys_jump_the_playhead_from_marker_to_marker() {
    let mut ed = editor();
    ed.open(sample());
    // The sample's markers: 0, 16 s, 64 s, 80 s, 128 s. A view of 10 s from 0.
    ed.view_from(0);
    ed.harness
        .state_mut()
        .execute(cuestudio::ui::UiCommand::JumpStart);
    ed.harness.run_steps(2);
    let mut seen = Vec::new();
    for _ in 0..5 {
        ed.harness.key_press(Key::CloseBracket);
        ed.harness.run_steps(2);
        seen.push(ed.harness.state().playhead_ms());
    }
    assert_eq!(seen, [16_000, 64_000, 80_000, 128_000, 128_000]);
    // The view followed the playhead to the last marker.
    let view = ed.harness.state().editor.view;
    assert!(
        view.start_ms <= 128_000 && 128_000 < view.start_ms + view.span_ms(800.0),
        "{view:?}"
    );
    ed.harness.key_press(Key::OpenBracket);
    ed.harness.run_steps(2);
    ed.harness.key_press(Key::OpenBracket);
    ed.harness.run_steps(2);
    assert_eq!(ed.harness.state().playhead_ms(), 64_000);
}

#[test]
fn tapped_cues_land_in_the_selected_lane_else_where_their_action_mostly_goes() {
    let mut ed = editor();
    ed.open(sample());
    ed.harness.run_steps(2);
    let last_lane = |ed: &Editor| {
        let app = ed.harness.state();
        let cue = app.doc.show().cues.last().cloned().unwrap();
        (cue.action, cue.lane)
    };
    // Nothing selected: a fireworks cue goes where the sample's fireworks are, Pyro.
    ed.harness.state_mut().editor.timeline.new_action = "fireworks".into();
    ed.harness.state_mut().editor.clear_selection();
    ed.harness.key_press(Key::T);
    ed.harness.run_steps(2);
    assert_eq!(
        last_lane(&ed),
        ("fireworks".to_owned(), Some("Pyro".to_owned()))
    );
    // A click on the Text lane's header selects that lane: the next taps go there.
    let header = ed.lane_header("Text");
    ed.click_at(header);
    assert_eq!(
        ed.harness.state().editor.timeline.selected_lane.as_deref(),
        Some("Text")
    );
    for _ in 0..2 {
        ed.harness.key_press(Key::T);
        ed.harness.run_steps(2);
        assert_eq!(
            last_lane(&ed),
            ("fireworks".to_owned(), Some("Text".to_owned()))
        );
    }
    // Clicking a cue drops the lane: taps follow that cue's lane.
    let (flash, lane) = {
        let doc = &ed.harness.state().doc;
        let (id, c) = doc.cues().find(|(_, c)| c.time == 15_500).unwrap();
        (id, c.lane.clone())
    };
    ed.harness
        .state_mut()
        .editor
        .click_cue(flash, Modifiers::NONE);
    ed.harness.key_press(Key::T);
    ed.harness.run_steps(2);
    assert_eq!(last_lane(&ed).1, lane);
}

impl Editor {
    /// A point on the name in lane `lane`'s header (clear of its buttons).
    fn lane_header(&self, lane: &str) -> Pos2 {
        Pos2::new(self.timeline_rect().left() + 50.0, self.lane_center_y(lane))
    }

    fn lane_names(&self) -> Vec<String> {
        self.harness.state().doc.lanes()
    }
}

#[test]
fn a_lane_is_renamed_by_double_click_on_its_header_in_one_undo_step() {
    let mut ed = editor();
    ed.open(sample());
    ed.harness.run_steps(2);
    let pyro: Vec<_> = ed
        .harness
        .state()
        .doc
        .cues()
        .filter(|(_, c)| c.lane.as_deref() == Some("Pyro"))
        .map(|(id, _)| id)
        .collect();
    assert!(!pyro.is_empty());
    ed.double_click_at(ed.lane_header("Pyro"));
    assert_eq!(
        ed.harness.get_by_label("Lane name").value().as_deref(),
        Some("Pyro")
    );
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    ed.harness.run_steps(1);
    type_slowly(&mut ed, "Lane name", "花火 Fireworks");
    ed.harness.key_press(Key::Enter);
    ed.harness.run_steps(2);
    assert!(ed.harness.query_by_label("Lane name").is_none(), "closed");
    let app = ed.harness.state();
    for &id in &pyro {
        assert_eq!(
            app.doc.cue(id).and_then(|c| c.lane.as_deref()),
            Some("花火 Fireworks")
        );
    }
    assert_eq!(
        ed.lane_names(),
        ["Show", "Lights", "Text", "Particles", "花火 Fireworks"],
        "in its place"
    );
    assert_eq!(app.doc.undo_label(), Some("Rename lane"));
    assert_eq!(
        app.doc.cues().count(),
        44,
        "no cue added by the double-click"
    );
    ed.undo();
    assert_eq!(
        ed.lane_names(),
        ["Show", "Lights", "Text", "Particles", "Pyro"]
    );
}

#[test]
fn a_lane_header_dragged_onto_another_moves_the_lane_in_one_undo_step() {
    let mut ed = editor();
    ed.open(sample());
    ed.harness.run_steps(2);
    let times = ed.times();
    ed.drag(ed.lane_header("Pyro"), ed.lane_header("Lights"));
    assert_eq!(
        ed.lane_names(),
        ["Show", "Pyro", "Lights", "Text", "Particles"]
    );
    assert_eq!(ed.times(), times, "no cue moved");
    assert_eq!(ed.harness.state().doc.undo_label(), Some("Move lane"));
    ed.undo();
    assert_eq!(
        ed.lane_names(),
        ["Show", "Lights", "Text", "Particles", "Pyro"]
    );
}

#[test]
fn lane_buttons_hide_mute_and_solo_each_in_one_undo_step() {
    let mut ed = editor();
    ed.open(sample());
    ed.harness.run_steps(2);
    let lane = |ed: &Editor, name: &str| {
        ed.harness
            .state()
            .doc
            .lane_list()
            .into_iter()
            .find(|l| l.name == name)
            .unwrap()
    };
    let previewed = |ed: &Editor| -> Vec<Option<String>> {
        let mut lanes: Vec<Option<String>> = ed
            .harness
            .state()
            .doc
            .preview_cues()
            .iter()
            .map(|c| c.lane.clone())
            .collect();
        lanes.sort();
        lanes.dedup();
        lanes
    };
    ed.harness.get_by_label("Hide lane Text").click();
    ed.harness.run_steps(2);
    assert!(lane(&ed, "Text").hidden);
    assert_eq!(ed.harness.state().doc.undo_label(), Some("Hide lane"));
    // Collapsed: the button now shows it again.
    ed.harness.get_by_label("Show lane Text").click();
    ed.harness.run_steps(2);
    assert!(!lane(&ed, "Text").hidden);

    ed.harness.get_by_label("Mute lane Pyro").click();
    ed.harness.run_steps(2);
    assert!(lane(&ed, "Pyro").muted);
    assert!(!previewed(&ed).contains(&Some("Pyro".to_owned())));
    ed.harness.get_by_label("Solo lane Text").click();
    ed.harness.run_steps(2);
    assert_eq!(previewed(&ed), [Some("Text".to_owned())]);
    assert_eq!(ed.harness.state().doc.undo_label(), Some("Solo lane"));
    ed.undo();
    ed.undo();
    assert_eq!(previewed(&ed).len(), 5, "every lane plays again");
}

/// The findings' (code, cue index) pairs.
fn finding_keys(app: &CuestudioApp) -> std::collections::BTreeSet<(&'static str, Option<usize>)> {
    app.findings().iter().map(|f| (f.code, f.cue)).collect()
}

#[test]
fn choosing_a_finding_selects_its_cue_and_scrolls_the_timeline_to_it() {
    let mut ed = editor();
    ed.open(sample());
    // Zoomed in at the start: the last flash, at 02:24, is far to the right of the view.
    ed.view_from(0);
    let id = {
        let doc = &ed.harness.state().doc;
        let (id, _) = doc
            .cues()
            .find(|(_, c)| c.time == 144_000 && c.action == "flash")
            .expect("the sample's last flash");
        id
    };
    let r = ed.timeline_rect();
    assert!(ed.timeline_x(144_000) > r.right());
    // The finding names the cue by time and action (its link), never by index.
    let link = ed.harness.get_by_label("02:24.000 flash");
    // The list scrolls on its own (it is the last finding): bring it into view first.
    link.scroll_to_me();
    ed.harness.run_steps(4);
    ed.harness.get_by_label("02:24.000 flash").click();
    ed.harness.run_steps(2);
    let app = ed.harness.state();
    assert_eq!(
        app.editor.selection.iter().copied().collect::<Vec<_>>(),
        [id]
    );
    assert_eq!(app.playhead_ms(), 144_000);
    assert_eq!(app.editor.view.ms_per_px, 10.0, "the zoom is kept");
    // The cue is in view, about in the middle of the timeline's time area.
    let x = ed.timeline_x(144_000);
    let area_left = r.left() + cuestudio::ui::timeline::GUTTER_W;
    assert!(
        x > area_left && x < r.right(),
        "{x} in {area_left}..{}",
        r.right()
    );
    let middle = (area_left + r.right()) / 2.0;
    assert!(
        (x - middle).abs() <= cuestudio::ui::timeline::GUTTER_W / 2.0 + 1.0,
        "{x} vs {middle}"
    );
}

#[test]
fn a_quick_fix_says_what_it_does_and_creates_no_finding() {
    // The defect: "Use colorWash" on a tapped flash (catalog tolerance and duration) made a
    // 4 s wash that at once overlapped the wash 2.5 s later.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flash.cueshow.json");
    std::fs::write(
        &path,
        r#"{
  "cuestudio": 1,
  "expectedDrift": 1500,
  "cues": [
    {"time": 15500, "action": "flash", "lane": "Lights"},
    {"time": 18000, "action": "colorWash", "lane": "Lights"}
  ]
}
"#,
    )
    .unwrap();
    let mut ed = editor();
    ed.open(path);
    let before = finding_keys(ed.harness.state());
    assert_eq!(before, [("drift-risk", Some(0))].into_iter().collect());
    assert!(ed.harness.query_by_label("Use colorWash").is_none());
    let button = ed
        .harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Raise tolerance to 1500 ms");
    button.hover();
    ed.harness.run_steps(4);
    let tip = ed
        .harness
        .get_by_label_contains("Sets the cue's tolerance to 1500 ms")
        .value()
        .unwrap_or_default();
    assert!(
        tip.contains("(now 100 ms, from the catalog)")
            && tip.contains("Viewers outside its tolerance: 89.6% → 5.0%.")
            && tip.contains("Creates no new finding."),
        "{tip}"
    );
    click_button(&mut ed, "Raise tolerance to 1500 ms");
    ed.harness.run_steps(2);
    let app = ed.harness.state();
    assert_eq!(app.doc.show().cues[0].tolerance, Some(1500));
    assert!(app.findings().is_empty(), "{:?}", app.findings());
}

#[test]
fn a_swap_that_would_overlap_is_labelled_with_what_it_causes() {
    // A typo whose closest action overlaps the next one of it: the fix is offered, and its
    // label and tooltip say so.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.cueshow.json");
    std::fs::write(
        &path,
        r#"{
  "cuestudio": 1,
  "cues": [
    {"time": 1000, "action": "colourWash", "lane": "A"},
    {"time": 3000, "action": "colorWash", "lane": "B"}
  ]
}
"#,
    )
    .unwrap();
    let mut ed = editor();
    ed.open(path);
    let label = "Use colorWash (causes 1 new finding)";
    let button = ed
        .harness
        .get_by_role_and_label(egui::accesskit::Role::Button, label);
    button.hover();
    ed.harness.run_steps(4);
    let tip = ed
        .harness
        .get_by_label_contains("It would also cause:")
        .value()
        .unwrap_or_default();
    assert!(
        tip.contains(
            "00:03.000 colorWash: warning overlap: starts again while 00:01.000 colorWash runs until 00:05.000"
        ),
        "{tip}"
    );
    click_button(&mut ed, label);
    ed.harness.run_steps(2);
    assert_eq!(
        finding_keys(ed.harness.state()),
        [("overlap", Some(1))].into_iter().collect(),
        "what the label announced"
    );
}

#[test]
fn the_expected_drift_field_names_its_unit() {
    let mut ed = editor();
    ed.open(sample());
    // Nothing selected: the inspector shows the show's settings.
    let field = ed.harness.get_by_label("Expected drift (ms)");
    assert_eq!(field.value().as_deref(), Some("1500"));
}

/// File › Import timing… on `path` (typed into the path field, as where no file dialog
/// is available), then waits until the preview has parsed it.
fn preview_timing(ed: &mut Editor, path: &std::path::Path) {
    use cuestudio::ui::timing_import::Parsed;
    ed.harness
        .state_mut()
        .execute(cuestudio::ui::UiCommand::ImportTiming);
    ed.harness.run_steps(2);
    fill_path(ed, path);
    ed.run_until("the import preview", |app| {
        app.timing_import()
            .is_some_and(|p| p.parsed != Parsed::Parsing)
    });
    ed.harness.run_steps(1);
}

/// Chooses "CSV cue list" in the import preview's Format list and waits for the parse.
fn choose_format_csv(ed: &mut Editor) {
    ed.harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Format")
        .click();
    ed.harness.run_steps(2);
    ed.harness.get_by_label("CSV cue list").click();
    ed.run_until("the parse as CSV", |app| {
        app.timing_import()
            .is_some_and(|p| matches!(p.parsed, cuestudio::ui::timing_import::Parsed::Cues(_)))
    });
}

/// Replaces the text of the field labelled `label`, leaving its dialog open.
fn retype(ed: &mut Editor, label: &str, text: &str) {
    use egui::accesskit::Role;
    ed.harness
        .get_by_role_and_label(Role::TextInput, label)
        .focus();
    ed.harness.run_steps(1);
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    ed.harness
        .get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    ed.harness.run_steps(2);
}

/// The cues added after the first `n`, with their ids.
fn added_after(app: &CuestudioApp, n: usize) -> Vec<(cuestudio::doc::CueId, cuesheet::Cue)> {
    app.doc
        .cues()
        .skip(n)
        .map(|(id, c)| (id, c.clone()))
        .collect()
}

#[test]
fn an_lrc_import_previews_its_cues_and_comes_in_as_a_renamed_lane_in_one_undo_step() {
    let mut ed = editor();
    ed.open(sample());
    let before = ed.harness.state().doc.show().clone();
    let n = before.cues.len();
    let dir = tempfile::tempdir().unwrap();
    let lrc = dir.path().join("song.lrc");
    std::fs::write(
        &lrc,
        "[ti:Hoshizora]\n[00:01.00]Twinkle, twinkle\n[00:04.50][00:09.25]きらきら星\n\
         [00:07.00]How I wonder\n",
    )
    .unwrap();
    preview_timing(&mut ed, &lrc);
    // The file, its format, how many cues over what span, and every cue with its text.
    let preview = ed.harness.state().timing_import().expect("the preview");
    assert_eq!(preview.format, Some(cuesheet::timing::Format::Lrc));
    assert_eq!(preview.lane, "song", "the file's stem");
    ed.harness.get_by_label("song.lrc");
    ed.harness
        .get_by_label("4 cues, from 00:01.000 to 00:09.250");
    ed.harness.get_by_label("00:04.500");
    ed.harness.get_by_label("Twinkle, twinkle");
    assert_eq!(ed.harness.get_all_by_label("きらきら星").count(), 2);
    // Nothing changes before Import.
    assert!(!ed.harness.state().doc.is_dirty());

    retype(&mut ed, "New lane", "Lyrics");
    retype(&mut ed, "Action for every cue", "lyric");
    assert_eq!(
        ed.harness.get_all_by_label("lyric").count(),
        4,
        "the table follows"
    );
    click_button(&mut ed, "Import 4 cues");
    ed.harness.run_steps(3);

    let app = ed.harness.state();
    assert!(app.timing_import().is_none(), "the preview closed");
    let added = added_after(app, n);
    let times: Vec<i64> = added.iter().map(|(_, c)| c.time).collect();
    assert_eq!(times, [1000, 4500, 7000, 9250]);
    for (_, cue) in &added {
        assert_eq!(cue.lane.as_deref(), Some("Lyrics"));
        assert_eq!(cue.action, "lyric");
    }
    let text = |c: &cuesheet::Cue| {
        c.params
            .as_ref()
            .and_then(|p| p["text"].as_str().map(str::to_owned))
    };
    assert_eq!(
        text(&added[1].1).as_deref(),
        Some("きらきら星"),
        "the text stays"
    );
    assert_eq!(app.doc.lanes().last().map(String::as_str), Some("Lyrics"));
    assert!(
        app.doc.show().lanes.iter().any(|l| l.name == "Lyrics"),
        "listed"
    );
    assert_eq!(app.doc.undo_label(), Some("Import 4 cues from song.lrc"));
    // The new cues are selected, and the view fits them.
    let ids: std::collections::BTreeSet<_> = added.iter().map(|(id, _)| *id).collect();
    assert_eq!(app.editor.selection, ids);
    let r = ed.timeline_rect();
    let left = r.left() + cuestudio::ui::timeline::GUTTER_W;
    assert!(ed.timeline_x(1000) >= left && ed.timeline_x(9250) <= r.right());
    assert!(
        ed.harness.state().editor.view.span_ms(r.width()) < 20_000,
        "zoomed to the lyrics, not the whole show"
    );

    // One undo takes all of it away, the lane too.
    ed.undo();
    let app = ed.harness.state();
    assert_eq!(app.doc.show(), &before);
    assert!(!app.doc.lanes().iter().any(|l| l == "Lyrics"));
}

#[test]
fn a_csv_import_keeps_its_actions_and_cancel_changes_nothing() {
    use egui::accesskit::Role;
    let mut ed = editor();
    ed.open(sample());
    let n = ed.harness.state().doc.show().cues.len();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("cues.csv");
    std::fs::write(
        &csv,
        "time,action,duration\n0:01.500,kick,\n2000,flash,500\n",
    )
    .unwrap();
    preview_timing(&mut ed, &csv);
    ed.harness
        .get_by_label("2 cues, from 00:01.500 to 00:02.500");
    ed.harness.get_by_label("kick");
    ed.harness.get_by_label("00:00.500");
    assert!(
        ed.harness
            .query_by_role_and_label(Role::TextInput, "Action for every cue")
            .is_none(),
        "a CSV names its actions"
    );
    click_button(&mut ed, "Import 2 cues");
    ed.harness.run_steps(3);
    let app = ed.harness.state();
    let added = added_after(app, n);
    let got: Vec<(i64, &str, Option<&str>)> = added
        .iter()
        .map(|(_, c)| (c.time, c.action.as_str(), c.lane.as_deref()))
        .collect();
    assert_eq!(
        got,
        [(1500, "kick", Some("cues")), (2000, "flash", Some("cues"))]
    );
    assert_eq!(app.doc.undo_label(), Some("Import 2 cues from cues.csv"));

    // The same file again: the lane's name is made unique, and Cancel imports nothing.
    preview_timing(&mut ed, &csv);
    assert_eq!(
        ed.harness.state().timing_import().map(|p| p.lane.as_str()),
        Some("cues 2")
    );
    let revision = ed.harness.state().doc.revision();
    click_button(&mut ed, "Cancel");
    ed.harness.run_steps(2);
    let app = ed.harness.state();
    assert!(app.timing_import().is_none());
    assert_eq!(app.doc.revision(), revision, "nothing changed");
    assert_eq!(app.doc.show().cues.len(), n + 2);
    assert!(!app.doc.lanes().iter().any(|l| l == "cues 2"));
    assert_eq!(app.doc.undo_label(), Some("Import 2 cues from cues.csv"));
}

#[test]
fn a_bad_timing_file_says_where_and_imports_nothing() {
    use egui_kittest::kittest::NodeT;
    let mut ed = editor();
    ed.open(sample());
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.lrc");
    std::fs::write(&bad, "[00:01.00]ok\n[00:0x.00]bad\n").unwrap();
    let first = ed.harness.state().doc.cue_ids()[0];
    ed.harness.state_mut().editor.selection.insert(first);
    preview_timing(&mut ed, &bad);
    // The preview is modal: keys do not reach the show behind it.
    ed.harness.key_press(Key::Delete);
    ed.harness.run_steps(2);
    ed.harness
        .get_by_label("bad.lrc:2: expected a time stamp like [01:23.45], got [00:0x.00]");
    let import = ed
        .harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "Import");
    assert!(import.accesskit_node().is_disabled());
    import.click();
    ed.harness.run_steps(2);
    assert!(ed.harness.state().timing_import().is_some(), "still open");
    ed.harness.key_press(Key::Escape);
    ed.harness.run_steps(2);
    let app = ed.harness.state();
    assert!(app.timing_import().is_none());
    assert!(!app.doc.is_dirty(), "nothing imported");
}

#[test]
fn a_wrong_format_guess_is_corrected_from_the_list_and_midi_offers_its_tracks() {
    use cuestudio::ui::timing_import::Parsed;
    let mut ed = editor();
    ed.open(sample());
    let dir = tempfile::tempdir().unwrap();
    // A CSV cue list saved as .txt: read as Audacity labels, it fails.
    let txt = dir.path().join("marks.txt");
    std::fs::write(&txt, "time,action\n500,kick\n").unwrap();
    preview_timing(&mut ed, &txt);
    let parsed = |ed: &Editor| ed.harness.state().timing_import().map(|p| p.parsed.clone());
    assert!(
        matches!(parsed(&ed), Some(Parsed::Failed(_))),
        "{:?}",
        parsed(&ed)
    );
    choose_format_csv(&mut ed);
    ed.harness
        .get_by_label("1 cue, from 00:00.500 to 00:00.500");
    click_button(&mut ed, "Cancel");
    ed.harness.run_steps(2);

    // A name that says no format: the preview asks for one, and parses it once chosen.
    let dat = dir.path().join("marks.dat");
    std::fs::write(&dat, "time,action\n500,kick\n700,snare\n").unwrap();
    preview_timing(&mut ed, &dat);
    assert_eq!(parsed(&ed), Some(Parsed::NoFormat));
    ed.harness
        .get_by_label("The file's name does not say its format: choose one above.");
    choose_format_csv(&mut ed);
    ed.harness
        .get_by_label("2 cues, from 00:00.500 to 00:00.700");
    ed.harness.key_press(Key::Escape);
    ed.harness.run_steps(2);
    assert!(ed.harness.state().timing_import().is_none());

    // MIDI: the first track with notes is chosen, and its notes are named.
    let mid = dir.path().join("drums.mid");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/cuesheet/tests/fixtures/timing/drums.mid");
    std::fs::copy(fixture, &mid).unwrap();
    preview_timing(&mut ed, &mid);
    let p = ed.harness.state().timing_import().expect("the preview");
    assert_eq!(p.track, 1);
    assert_eq!(p.file_cues().len(), 3);
    ed.harness.get_by_label("C2 (36), velocity 100");
    ed.harness.get_by_label("120 BPM, 1 tempo change");
    // The show has no grid: the file's tempo map becomes it, unless the user says no.
    use egui_kittest::kittest::NodeT;
    assert_eq!(
        ed.harness
            .get_by_label("Use its tempo map as the tempo grid")
            .accesskit_node()
            .toggled(),
        Some(egui::accesskit::Toggled::True)
    );
    // The track's name is the lane's, unless the user says otherwise.
    ed.harness.get_by_label("Keep the file's lane “Drums”");
    click_button(&mut ed, "Import 3 cues");
    ed.harness.run_steps(3);
    let app = ed.harness.state();
    assert_eq!(app.doc.undo_label(), Some("Import 3 cues from drums.mid"));
    assert_eq!(app.doc.lanes().last().map(String::as_str), Some("Drums"));
    let grid: Vec<(i64, f64)> = app.doc.tempo().iter().map(|s| (s.time, s.bpm)).collect();
    assert_eq!(grid, [(0, 120.0), (2000, 60.0)]);
    ed.harness.state_mut().doc.undo();
    assert!(
        ed.harness.state().doc.tempo().is_empty(),
        "the same undo step"
    );
}

#[test]
fn the_clicks_menu_sets_the_metronome_and_cue_clicks_and_cues_follow_edits() {
    use egui::accesskit::Role;
    let mut ed = editor();
    ed.open(sample());
    ed.harness.run_steps(2);
    let schedule = |ed: &Editor| ed.harness.state().click_schedule();
    let previewed = |ed: &Editor| -> Vec<i64> {
        let mut t: Vec<i64> = ed
            .harness
            .state()
            .doc
            .preview_cues()
            .iter()
            .map(|c| c.time)
            .collect();
        t.sort();
        t.dedup();
        t
    };
    // Off by default, but the cue times are already in place.
    let s = schedule(&ed);
    assert!(!s.levels.metronome && !s.levels.cues);
    assert!(s.cues.len() >= 20);
    assert_eq!(s.cues, previewed(&ed));
    assert!(s.beats.is_empty(), "no tempo grid yet");

    ed.harness.get_by_label("Clicks").click();
    ed.harness.run_steps(2);
    ed.harness.get_by_label("Metronome").click();
    ed.harness.run_steps(2);
    // The menu stays open for the rest.
    ed.harness.get_by_label("Cue clicks").click();
    ed.harness.run_steps(2);
    ed.harness
        .get_by_role_and_label(Role::Slider, "Cue click level")
        .set_value_accesskit(0.25);
    ed.harness.run_steps(2);
    ed.harness
        .get_by_role_and_label(Role::Slider, "Metronome level")
        .set_value_accesskit(0.9);
    ed.harness.run_steps(2);
    let app = ed.harness.state();
    let levels = app.settings.clicks;
    assert!(levels.metronome && levels.cues);
    assert_eq!((levels.metronome_level, levels.cue_level), (0.9, 0.25));
    assert_eq!(schedule(&ed).levels, levels, "the player has them");
    assert!(
        ed.harness
            .query_by_label_contains("no tempo grid yet")
            .is_some(),
        "the metronome says why it is silent"
    );
    // Kept with the editor's settings.
    let saved = serde_json::to_string(&ed.harness.state().settings).unwrap();
    let back: cuestudio::app::Settings = serde_json::from_str(&saved).unwrap();
    assert_eq!(back.clicks, levels);

    // A tapped cue clicks, a moved one clicks where it went, a muted lane's cues do not.
    ed.harness.key_press(Key::Escape);
    ed.harness.run_steps(2);
    ed.harness
        .state_mut()
        .execute(cuestudio::ui::UiCommand::JumpStart);
    ed.harness.key_press(Key::Space);
    ed.harness.step();
    ed.clock.advance(4_321);
    ed.harness.step();
    ed.harness.key_press(Key::T);
    ed.harness.step();
    ed.harness.key_press(Key::Space);
    ed.harness.run_steps(2);
    assert!(schedule(&ed).cues.contains(&4_321));
    ed.harness.key_press(Key::ArrowRight); // the tapped cue is selected: +10 ms
    ed.harness.run_steps(2);
    let s = schedule(&ed);
    assert!(
        s.cues.contains(&4_331) && !s.cues.contains(&4_321),
        "{:?}",
        s.cues
    );
    assert_eq!(s.cues, previewed(&ed));
    ed.harness.get_by_label("Mute lane Pyro").click();
    ed.harness.run_steps(2);
    let pyro: Vec<i64> = ed
        .harness
        .state()
        .doc
        .show()
        .cues
        .iter()
        .filter(|c| c.lane.as_deref() == Some("Pyro"))
        .map(|c| c.time)
        .collect();
    assert!(!pyro.is_empty());
    let s = schedule(&ed);
    assert_eq!(s.cues, previewed(&ed));
    assert!(s.cues.len() < previewed_all(&ed));

    // A tempo grid: the metronome clicks its beats, accented on each bar's first.
    ed.harness
        .state_mut()
        .apply_edit(cuestudio::doc::Edit::SetTempo {
            sections: vec![cuesheet::TempoSection {
                time: 250,
                bpm: 120.0,
                beats_per_bar: 3,
                beat_unit: 4,
            }],
        });
    ed.harness.run_steps(2);
    let s = schedule(&ed);
    assert_eq!(
        &s.beats[..5],
        &[
            (250, true),
            (750, false),
            (1250, false),
            (1750, true),
            (2250, false)
        ]
    );
    assert!(
        s.beats.last().is_some_and(|b| b.0 >= 60_000),
        "{:?}",
        s.beats.last()
    );

    // Off again from the menu.
    ed.harness.get_by_label("Clicks").click();
    ed.harness.run_steps(2);
    ed.harness.get_by_label("Metronome").click();
    ed.harness.run_steps(2);
    assert!(!schedule(&ed).levels.metronome);
    assert!(schedule(&ed).levels.cues);
}

fn previewed_all(ed: &Editor) -> usize {
    let mut t: Vec<i64> = ed
        .harness
        .state()
        .doc
        .show()
        .cues
        .iter()
        .map(|c| c.time)
        .collect();
    t.sort();
    t.dedup();
    t.len()
}

#[test]
fn analyse_beats_runs_in_the_background_and_its_tempo_becomes_the_grid_in_one_step() {
    use cuestudio::ui::UiCommand;
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("clicks.wav");
    // 120 BPM from 0.5 s: a beat every 500 ms, for a minute.
    let reference = support::click_wav(&wav, 120.0, 60.0);
    let show = dir.path().join("clicks.cueshow.json");
    std::fs::write(
        &show,
        r#"{"cuestudio":1,"title":"Clicks","audio":"clicks.wav","cues":[{"time":1000,"action":"flash"}]}"#,
    )
    .unwrap();
    let mut ed = editor();
    ed.open(show);
    assert!(
        !ed.harness.state().command_applies(UiCommand::AnalyseBeats),
        "not before the audio has decoded"
    );
    ed.run_until("the audio to decode", |app| {
        app.command_applies(UiCommand::AnalyseBeats)
    });
    ed.harness.state_mut().execute(UiCommand::AnalyseBeats);
    ed.harness.step();
    assert!(ed.harness.state().beat_analysis_progress().is_some());
    assert!(
        !ed.harness.state().command_applies(UiCommand::AnalyseBeats),
        "one analysis at a time"
    );
    ed.harness.get_by_label_contains("Analysing beats");
    ed.run_until("the analysis", |app| app.beat_analysis_progress().is_none());
    ed.harness.run_steps(2);
    let app = ed.harness.state();
    let grid = app.doc.tempo().to_vec();
    assert_eq!(grid.len(), 1, "{grid:?}");
    assert!((grid[0].bpm - 120.0).abs() < 1.0, "{grid:?}");
    // The grid's beats are the clicks', well within the ±70 ms a beat tracker is scored
    // by, from the first to the last: the fitted tempo does not drift over the minute.
    let map = app.doc.tempo_map();
    let worst = reference
        .iter()
        .map(|beat| (map.snap(*beat, cuesheet::grid::Division::Beat) - beat).abs())
        .max()
        .unwrap();
    eprintln!("worst grid line off its click: {worst} ms");
    assert!(worst <= 30, "a grid line {worst} ms off its click");
    assert_eq!(app.doc.undo_label(), Some("Set tempo"));
    ed.harness
        .get_by_label_contains("Tempo grid from clicks.wav: ");
    ed.harness.state_mut().doc.undo();
    assert!(ed.harness.state().doc.tempo().is_empty(), "one undo step");
}

// ---------------------------------------------------------------------------------------
// The tempo grid (issue 14, section 2).

/// Chooses `item` in the transport bar's Snap menu.
fn choose_snap(ed: &mut Editor, item: &str) {
    ed.harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Snap")
        .click();
    ed.harness.run_steps(2);
    ed.harness.get_by_label(item).click();
    ed.harness.run_steps(2);
}

/// Presses and releases `key` within one frame (kittest's `key_press` gives each event a
/// frame of its own, and a frame is a quarter of a second of its clock), then runs `frames`
/// frames in all.
fn tap_key_in_one_frame(ed: &mut Editor, key: Key, frames: usize) {
    for pressed in [true, false] {
        ed.harness.input_mut().events.push(egui::Event::Key {
            key,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers: Modifiers::NONE,
        });
    }
    ed.harness.run_steps(frames);
}

/// A show with a tempo grid of 120 BPM in 4/4 from 1 s (beats every 500 ms from 1 000,
/// triplets every 166.7 ms), and cues off the grid, far from one another, in one lane.
fn grid_show(ed: &Editor) -> PathBuf {
    let path = ed._data.path().join("grid.cueshow.json");
    let text = r#"{"cuestudio": 1, "title": "Grid",
        "cues": [
            {"time": 2130, "action": "flash", "lane": "Lights"},
            {"time": 4410, "action": "flash", "lane": "Lights"},
            {"time": 6720, "action": "flash", "lane": "Lights"}
        ],
        "tempo": [{"time": 1000, "bpm": 120, "meter": "4/4"}]}"#;
    std::fs::write(&path, text).unwrap();
    path
}

/// The tempo sections as (time, bpm, meter).
fn tempo(ed: &Editor) -> Vec<(i64, f64, String)> {
    ed.harness
        .state()
        .doc
        .tempo()
        .iter()
        .map(|s| (s.time, s.bpm, s.meter()))
        .collect()
}

#[test]
fn tap_tempo_shows_the_tempo_live_and_apply_sets_a_section_in_one_undo_step() {
    let mut ed = editor();
    ed.open(sample());
    assert!(ed.harness.state().doc.tempo().is_empty());
    // While playing, taps are timed on the show's clock: five taps 469 ms apart from 10 s.
    ed.harness.key_press(Key::Space);
    ed.harness.step();
    ed.clock.advance(10_000);
    ed.harness.step();
    for i in 0..5 {
        if i > 0 {
            ed.clock.advance(469);
        }
        ed.harness.key_press(Key::B);
        ed.harness.step();
        if i == 0 {
            ed.harness.get_by_label("Tap: keep tapping…");
        }
    }
    // 60 000 / 469 ms.
    ed.harness.get_by_label("Tap: 127.9 BPM");
    ed.harness.key_press(Key::Space);
    ed.harness.step();
    let steps = ed.harness.state().doc.history_labels().0.len();
    ed.harness.key_press(Key::Enter);
    ed.harness.run_steps(2);
    assert_eq!(tempo(&ed), [(10_000, 127.93177, "4/4".to_owned())]);
    let (labels, _) = ed.harness.state().doc.history_labels();
    assert_eq!(labels.len(), steps + 1);
    assert_eq!(labels.last().copied(), Some("Add tempo section"));
    assert!(
        ed.harness.query_by_label("Tap: 127.9 BPM").is_none(),
        "applied: the taps are done"
    );
    // The playhead, four taps after the first, is on bar 2's first beat.
    assert_eq!(ed.harness.state().playhead_ms(), 10_000 + 4 * 469);
    ed.harness.get_by_label("bar 2.1");
    ed.undo();
    assert!(ed.harness.state().doc.tempo().is_empty());

    // Stopped, taps are timed on the frame clock (a frame is 0.25 s here): two frames
    // apart is 120 BPM, at the playhead. A pause of more than 2 s starts over.
    ed.harness
        .state_mut()
        .execute(cuestudio::ui::UiCommand::JumpStart);
    for _ in 0..4 {
        tap_key_in_one_frame(&mut ed, Key::B, 2);
    }
    ed.harness.get_by_label("Tap: 120.0 BPM");
    ed.harness.run_steps(12);
    tap_key_in_one_frame(&mut ed, Key::B, 2);
    ed.harness.get_by_label("Tap: keep tapping…");
    assert!(
        !ed.harness
            .state()
            .command_applies(cuestudio::ui::UiCommand::ApplyTapTempo),
        "one tap is no tempo"
    );
    for _ in 0..2 {
        tap_key_in_one_frame(&mut ed, Key::B, 2);
    }
    // The Apply button does what Enter does.
    click_button(&mut ed, "Apply");
    ed.harness.run_steps(2);
    assert_eq!(tempo(&ed), [(0, 120.0, "4/4".to_owned())]);
}

#[test]
fn a_cue_dragged_with_a_tempo_grid_lands_on_the_division_chosen_in_the_toolbar() {
    let mut ed = editor();
    let path = grid_show(&ed);
    ed.open(path);
    ed.view_from(0);
    let id = ed.cue_id(2_130, "flash");
    let y = ed.lane_center_y("Lights");
    let grab = Pos2::new(ed.timeline_x(2_130) + 2.0, y);
    // 37 points at 10 ms a point: to 2 500 ms, unsnapped.
    let by = egui::vec2(37.0, 0.0);

    choose_snap(&mut ed, "Beat");
    ed.drag(grab, grab + by);
    assert_eq!(ed.harness.state().doc.cue(id).unwrap().time, 2_500);
    ed.undo();
    // Beats are every 500 ms from 1 s, so the cue goes to 2 500 whatever the pixels: a
    // drag by 28 points (2 410 ms) lands there too; triplets split the beat in three.
    ed.drag(grab, grab + egui::vec2(28.0, 0.0));
    assert_eq!(ed.harness.state().doc.cue(id).unwrap().time, 2_500);
    ed.undo();
    choose_snap(&mut ed, "1/3 beat (triplets)");
    ed.drag(grab, grab + egui::vec2(28.0, 0.0));
    assert_eq!(ed.harness.state().doc.cue(id).unwrap().time, 2_333);
    ed.undo();
    choose_snap(&mut ed, "Bar");
    ed.drag(grab, grab + by);
    assert_eq!(ed.harness.state().doc.cue(id).unwrap().time, 3_000);
    ed.undo();
    // Alt bypasses the grid.
    ed.drag_with(grab, grab + by, Modifiers::ALT);
    assert_eq!(ed.harness.state().doc.cue(id).unwrap().time, 2_500);
    ed.undo();
    choose_snap(&mut ed, "1/2 beat");
    ed.drag_with(grab, grab + egui::vec2(28.0, 0.0), Modifiers::ALT);
    assert_eq!(ed.harness.state().doc.cue(id).unwrap().time, 2_410);
    ed.undo();
    ed.drag(grab, grab + egui::vec2(28.0, 0.0));
    assert_eq!(ed.harness.state().doc.cue(id).unwrap().time, 2_500);
    assert_eq!(ed.harness.state().doc.undo_label(), Some("Move cue"));
    // The 250 ms grid, as without a tempo: only near its lines.
    ed.undo();
    choose_snap(&mut ed, "250 ms");
    ed.drag(grab, grab + egui::vec2(28.0, 0.0));
    assert_eq!(ed.harness.state().doc.cue(id).unwrap().time, 2_410);
}

#[test]
fn quantise_moves_the_selected_cues_to_the_grid_in_one_undo_step() {
    use cuestudio::ui::UiCommand;
    let mut ed = editor();
    let path = grid_show(&ed);
    ed.open(path);
    let state = |ed: &Editor| ed.harness.state().command_state();
    assert!(!state(&ed).applies(UiCommand::Quantise), "nothing selected");
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    ed.harness.run_steps(2);
    assert!(state(&ed).applies(UiCommand::Quantise));
    ed.harness.key_press(Key::Q);
    ed.harness.run_steps(2);
    assert_eq!(ed.times(), [2_000, 4_500, 6_500]);
    assert_eq!(ed.harness.state().doc.undo_label(), Some("Quantise 3 cues"));
    ed.undo();
    assert_eq!(ed.times(), [2_130, 4_410, 6_720]);
    // To the division chosen in the toolbar; with snapping off there is no grid.
    ed.harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    choose_snap(&mut ed, "1/4 beat");
    ed.harness.key_press(Key::Q);
    ed.harness.run_steps(2);
    assert_eq!(ed.times(), [2_125, 4_375, 6_750]);
    choose_snap(&mut ed, "Off");
    assert!(!state(&ed).applies(UiCommand::Quantise), "no grid");
}

#[test]
fn dragging_a_beat_in_the_beat_ruler_refits_the_grid_in_one_undo_step() {
    let mut ed = editor();
    let path = grid_show(&ed);
    ed.open(path);
    ed.view_from(0);
    let steps = ed.harness.state().doc.history_labels().0.len();
    // Beat 4 from the section's start (3 000 ms) dragged 20 points later: 4 beats in 2.2 s.
    let tick = ed.beat_tick(3_000);
    ed.drag(tick, tick + egui::vec2(20.0, 0.0));
    assert_eq!(tempo(&ed), [(1_000, 109.090909, "4/4".to_owned())]);
    let map = ed.harness.state().doc.tempo_map();
    assert_eq!(map.beat_time(0, 4), Some(3_200));
    let (labels, _) = ed.harness.state().doc.history_labels();
    assert_eq!(labels.len(), steps + 1, "{labels:?}");
    assert_eq!(labels.last().copied(), Some("Edit tempo"));
    // No cue moved: the grid is what was placed.
    assert_eq!(ed.times(), [2_130, 4_410, 6_720]);
    ed.undo();
    assert_eq!(tempo(&ed), [(1_000, 120.0, "4/4".to_owned())]);
    // The first downbeat moves the section, tempo kept.
    let first = ed.beat_tick(1_000);
    ed.drag(first, first - egui::vec2(10.0, 0.0));
    assert_eq!(tempo(&ed), [(900, 120.0, "4/4".to_owned())]);
    ed.undo();
    // With snapping on, a beat dropped near a cue lands on it: beat 3 (2 500 ms) dragged to
    // about 2 160 ms goes onto the cue at 2 130 ms; with Alt, where it was dropped.
    ed.harness.state_mut().editor.timeline.snapping = true;
    let third = ed.beat_tick(2_500);
    ed.drag(third, third - egui::vec2(34.0, 0.0));
    assert_eq!(
        ed.harness.state().doc.tempo_map().beat_time(0, 3),
        Some(2_130)
    );
    ed.undo();
    ed.drag_with(third, third - egui::vec2(34.0, 0.0), Modifiers::ALT);
    assert_eq!(
        ed.harness.state().doc.tempo_map().beat_time(0, 3),
        Some(2_160)
    );
}

#[test]
fn the_tempo_panel_sets_sections_by_hand() {
    let mut ed = editor();
    let path = grid_show(&ed);
    ed.open(path);
    fill(&mut ed, "BPM", "90");
    assert_eq!(tempo(&ed), [(1_000, 90.0, "4/4".to_owned())]);
    fill(&mut ed, "Meter", "6/8");
    fill(&mut ed, "Start", "0:00.500");
    assert_eq!(tempo(&ed), [(500, 90.0, "6/8".to_owned())]);
    // A bad value shows why and leaves the section alone.
    fill(&mut ed, "BPM", "900");
    assert_eq!(tempo(&ed)[0].1, 90.0);
    ed.harness
        .state_mut()
        .execute(cuestudio::ui::UiCommand::JumpEnd);
    ed.harness.run_steps(2);
    click_button(&mut ed, "Add section at playhead");
    ed.harness.run_steps(2);
    let end = ed.harness.state().playhead_ms();
    assert_eq!(tempo(&ed).len(), 2);
    assert_eq!(tempo(&ed)[1], (end, 90.0, "6/8".to_owned()));
    assert_eq!(
        ed.harness.state().doc.undo_label(),
        Some("Add tempo section")
    );
    ed.harness
        .get_all_by_role_and_label(egui::accesskit::Role::Button, "Remove")
        .next()
        .expect("a Remove button per section")
        .click();
    ed.harness.run_steps(2);
    assert_eq!(tempo(&ed).len(), 1, "the first section removed");
    assert_eq!(tempo(&ed)[0].0, end);
    ed.undo();
    assert_eq!(tempo(&ed).len(), 2);
}

#[test]
fn halve_and_double_fix_a_tempo_at_the_wrong_octave_in_one_undo_step_each() {
    use egui_kittest::kittest::NodeT;
    let mut ed = editor();
    let path = grid_show(&ed);
    ed.open(path);
    click_button(&mut ed, "×2");
    ed.harness.run_steps(2);
    assert_eq!(tempo(&ed), [(1_000, 240.0, "4/4".to_owned())]);
    assert_eq!(ed.harness.state().doc.undo_label(), Some("Edit tempo"));
    click_button(&mut ed, "÷2");
    ed.harness.run_steps(2);
    click_button(&mut ed, "÷2");
    ed.harness.run_steps(2);
    assert_eq!(
        tempo(&ed),
        [(1_000, 60.0, "4/4".to_owned())],
        "start and meter kept"
    );
    assert_eq!(ed.harness.state().doc.history_labels().0.len(), 3);
    ed.undo();
    ed.undo();
    assert_eq!(tempo(&ed)[0].1, 240.0);
    ed.undo();
    assert_eq!(tempo(&ed)[0].1, 120.0);
    // Out of the tempo range (20 to 400 BPM) the button is off.
    fill(&mut ed, "BPM", "300");
    let double = ed
        .harness
        .get_by_role_and_label(egui::accesskit::Role::Button, "×2");
    assert!(double.accesskit_node().is_disabled());
    click_button(&mut ed, "÷2");
    ed.harness.run_steps(2);
    assert_eq!(tempo(&ed)[0].1, 150.0);
}

#[test]
fn an_xtiming_files_tracks_come_in_as_lanes_of_their_own_unless_unticked() {
    let mut ed = editor();
    ed.open(sample());
    let n = ed.harness.state().doc.show().cues.len();
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("song.xtiming");
    std::fs::write(
        &x,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<timings>
  <timing name="Lights" SourceVersion="2024.01">
    <EffectLayer>
      <Effect label="flash" starttime="1000" endtime="1000" />
      <Effect label="flash" starttime="3000" endtime="3000" />
    </EffectLayer>
  </timing>
  <timing name="歌詞" SourceVersion="2024.01">
    <EffectLayer>
      <Effect label="きらきら" starttime="2000" endtime="2500" />
    </EffectLayer>
  </timing>
</timings>"#,
    )
    .unwrap();
    preview_timing(&mut ed, &x);
    ed.harness
        .get_by_label("Keep the file's 2 lanes: “Lights”, “歌詞”");
    assert!(
        ed.harness.query_by_label("New lane").is_none(),
        "every cue names its lane: no new lane to name"
    );
    // The preview's lane column: the lanes the cues come in in.
    assert_eq!(ed.harness.get_all_by_label("Lights 2").count(), 2);
    assert_eq!(ed.harness.get_all_by_label("歌詞").count(), 1);
    click_button(&mut ed, "Import 3 cues");
    ed.harness.run_steps(3);
    let app = ed.harness.state();
    let added = added_after(app, n);
    let got: Vec<(i64, Option<&str>)> = added
        .iter()
        .map(|(_, c)| (c.time, c.lane.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (1000, Some("Lights 2")),
            (3000, Some("Lights 2")),
            (2000, Some("歌詞"))
        ],
        "the show has a Lights lane: the file's is made new"
    );
    let lanes = app.doc.lanes();
    assert_eq!(lanes[lanes.len() - 2..], ["Lights 2", "歌詞"]);
    assert_eq!(
        app.doc.undo_label(),
        Some("Import 3 cues from song.xtiming")
    );
    ed.harness
        .get_by_label("Imported 3 cues from song.xtiming as the lanes “Lights 2”, “歌詞”");
    ed.undo();
    assert!(!ed.harness.state().doc.lanes().iter().any(|l| l == "歌詞"));

    // Unticked, the cues come in in the one lane named in the dialog.
    preview_timing(&mut ed, &x);
    ed.harness
        .get_by_label("Keep the file's 2 lanes: “Lights”, “歌詞”")
        .click();
    ed.harness.run_steps(2);
    retype(&mut ed, "New lane", "Timing");
    click_button(&mut ed, "Import 3 cues");
    ed.harness.run_steps(3);
    let app = ed.harness.state();
    assert!(
        added_after(app, n)
            .iter()
            .all(|(_, c)| c.lane.as_deref() == Some("Timing"))
    );
    assert_eq!(app.doc.lanes().last().map(String::as_str), Some("Timing"));
}
