use super::autosave::{self, Autosaver};
use super::*;

fn cue(time: i64, action: &str) -> Cue {
    Cue {
        time,
        action: action.to_owned(),
        ..Cue::default()
    }
}

fn doc_with(times: &[i64]) -> Document {
    let show = Show {
        cues: times.iter().map(|&t| cue(t, "flash")).collect(),
        ..Show::default()
    };
    Document::new(show, None)
}

fn times(doc: &Document) -> Vec<i64> {
    doc.show().cues.iter().map(|c| c.time).collect()
}

#[test]
fn add_then_undo_redo_restores_each_state() {
    let mut doc = doc_with(&[100]);
    assert!(!doc.is_dirty());
    let ids = doc.apply(Edit::AddCues {
        cues: vec![cue(500, "showParticles")],
    });
    assert_eq!(ids.len(), 1);
    assert_eq!(
        doc.cue(ids[0]).map(|c| c.action.as_str()),
        Some("showParticles")
    );
    assert!(doc.is_dirty());
    assert!(doc.undo());
    assert_eq!(times(&doc), vec![100]);
    assert!(doc.redo());
    assert_eq!(times(&doc), vec![100, 500]);
    // The id survives undo/redo, so a selection stays valid.
    assert_eq!(doc.cue(ids[0]).map(|c| c.time), Some(500));
    assert!(!doc.redo());
}

#[test]
fn a_drag_is_one_undo_step() {
    let mut doc = doc_with(&[1000, 2000]);
    let ids = doc.cue_ids().to_vec();
    for _ in 0..10 {
        doc.apply(Edit::MoveCues {
            ids: ids.clone(),
            delta_ms: 10,
            merge: Some(7),
        });
    }
    assert_eq!(times(&doc), vec![1100, 2100]);
    doc.seal_history();
    doc.apply(Edit::MoveCues {
        ids: ids.clone(),
        delta_ms: 10,
        merge: Some(7),
    });
    assert_eq!(doc.history_labels().0.len(), 2);
    doc.undo();
    assert_eq!(times(&doc), vec![1100, 2100]);
    doc.undo();
    assert_eq!(times(&doc), vec![1000, 2000]);
    assert!(doc.undo_label().is_none());
}

#[test]
fn moving_a_group_left_stops_at_zero_together() {
    let mut doc = doc_with(&[300, 1000]);
    let ids = doc.cue_ids().to_vec();
    doc.apply(Edit::MoveCues {
        ids,
        delta_ms: -500,
        merge: None,
    });
    assert_eq!(times(&doc), vec![0, 700]);
}

#[test]
fn patch_sets_and_clears_fields_on_many_cues() {
    let mut doc = doc_with(&[0, 10, 20]);
    let ids = doc.cue_ids()[..2].to_vec();
    doc.apply(Edit::PatchCues {
        ids: ids.clone(),
        patch: CuePatch {
            tolerance: Some(Some(1500)),
            lane: Some(Some("Lights".into())),
            ..CuePatch::default()
        },
        merge: None,
    });
    let tol: Vec<_> = doc.show().cues.iter().map(|c| c.tolerance).collect();
    assert_eq!(tol, vec![Some(1500), Some(1500), None]);
    doc.apply(Edit::PatchCues {
        ids,
        patch: CuePatch {
            tolerance: Some(None),
            lane: Some(Some(String::new())),
            ..CuePatch::default()
        },
        merge: None,
    });
    assert!(doc.show().cues.iter().all(|c| c.tolerance.is_none()));
    assert!(doc.show().cues.iter().all(|c| c.lane.is_none()));
}

#[test]
fn move_finds_its_cues_whatever_the_order_of_the_ids() {
    let mut doc = doc_with(&[0, 10, 20, 30, 40]);
    let ids = doc.cue_ids().to_vec();
    doc.apply(Edit::DeleteCues { ids: vec![ids[1]] });
    let added = doc.apply(Edit::AddCues {
        cues: vec![cue(50, "flash")],
    });
    // Out of order, and one id no longer in the document.
    doc.apply(Edit::MoveCues {
        ids: vec![added[0], ids[4], ids[1], ids[0]],
        delta_ms: 5,
        merge: None,
    });
    assert_eq!(times(&doc), vec![5, 20, 30, 45, 55]);
}

#[test]
fn delete_removes_only_the_named_cues() {
    let mut doc = doc_with(&[0, 10, 20, 30]);
    let ids = doc.cue_ids().to_vec();
    doc.apply(Edit::DeleteCues {
        ids: vec![ids[1], ids[3]],
    });
    assert_eq!(times(&doc), vec![0, 20]);
    assert_eq!(doc.cue_ids(), &[ids[0], ids[2]]);
    doc.undo();
    assert_eq!(doc.cue_ids(), ids.as_slice());
}

#[test]
fn markers_stay_sorted() {
    let mut doc = doc_with(&[]);
    for t in [5000, 1000, 3000] {
        doc.apply(Edit::AddMarker {
            marker: Marker {
                time: t,
                label: format!("m{t}"),
            },
        });
    }
    let t: Vec<_> = doc.markers().iter().map(|m| m.time).collect();
    assert_eq!(t, vec![1000, 3000, 5000]);
}

fn doc_with_markers(markers: &[(i64, &str)]) -> Document {
    let show = Show {
        markers: markers
            .iter()
            .map(|&(time, label)| Marker {
                time,
                label: label.to_owned(),
            })
            .collect(),
        ..Show::default()
    };
    Document::new(show, None)
}

/// The markers as "time label", in order.
fn marker_list(doc: &Document) -> Vec<String> {
    doc.markers()
        .iter()
        .map(|m| format!("{} {}", m.time, m.label))
        .collect()
}

#[test]
fn a_moved_marker_keeps_the_markers_sorted_and_its_id_follows_it() {
    let mut doc = doc_with_markers(&[(1000, "A"), (3000, "B"), (5000, "C")]);
    let a = doc.marker_ids()[0];
    doc.apply(Edit::MoveMarker {
        index: 0,
        time: 4000,
        merge: None,
    });
    assert_eq!(marker_list(&doc), ["3000 B", "4000 A", "5000 C"]);
    assert_eq!(doc.marker_index(a), Some(1));
    assert_eq!(doc.marker(a).map(|m| m.time), Some(4000));
    // Past the end, then before 0: it stops at 0.
    doc.apply(Edit::MoveMarker {
        index: 1,
        time: 9000,
        merge: None,
    });
    assert_eq!(doc.marker_index(a), Some(2));
    doc.apply(Edit::MoveMarker {
        index: 2,
        time: -50,
        merge: None,
    });
    assert_eq!(marker_list(&doc), ["0 A", "3000 B", "5000 C"]);
    assert_eq!(doc.marker_index(a), Some(0));
    assert_eq!(doc.history_labels().0, ["Move marker"; 3]);
}

#[test]
fn a_marker_moved_onto_others_time_keeps_its_side() {
    let mut doc = doc_with_markers(&[(1000, "A"), (1000, "B"), (1000, "C"), (2000, "D")]);
    // Onto its own time (a drag that came back): nothing changes.
    for index in 0..3 {
        doc.apply(Edit::MoveMarker {
            index,
            time: 1000,
            merge: None,
        });
        assert_eq!(marker_list(&doc), ["1000 A", "1000 B", "1000 C", "2000 D"]);
    }
    // From the right it lands after the equal times; from the left, before them.
    doc.apply(Edit::MoveMarker {
        index: 3,
        time: 1000,
        merge: None,
    });
    assert_eq!(marker_list(&doc), ["1000 A", "1000 B", "1000 C", "1000 D"]);
    let mut doc = doc_with_markers(&[(0, "A"), (1000, "B")]);
    doc.apply(Edit::MoveMarker {
        index: 0,
        time: 1000,
        merge: None,
    });
    assert_eq!(marker_list(&doc), ["1000 A", "1000 B"]);
}

#[test]
fn a_marker_drag_is_one_undo_step_and_undo_restores_order_and_ids() {
    let mut doc = doc_with_markers(&[(1000, "A"), (3000, "B")]);
    let ids = doc.marker_ids().to_vec();
    // A drag: each frame moves the marker (by its index now) with the gesture's key.
    for t in (1000..=5000).step_by(500) {
        let index = doc.marker_index(ids[0]).unwrap();
        doc.apply(Edit::MoveMarker {
            index,
            time: t,
            merge: Some(42),
        });
    }
    doc.seal_history();
    assert_eq!(marker_list(&doc), ["3000 B", "5000 A"]);
    assert_eq!(doc.history_labels(), (vec!["Move marker"], 1));
    assert!(doc.undo());
    assert_eq!(marker_list(&doc), ["1000 A", "3000 B"]);
    assert_eq!(doc.marker_ids(), ids.as_slice());
    assert!(doc.undo_label().is_none());
    assert!(doc.redo());
    assert_eq!(doc.marker_index(ids[0]), Some(1));
}

#[test]
fn rename_and_delete_a_marker_each_undo_in_one_step() {
    let mut doc = doc_with_markers(&[(1000, "A"), (3000, "B")]);
    let ids = doc.marker_ids().to_vec();
    doc.apply(Edit::RenameMarker {
        index: 1,
        label: "サビ / Chorus".into(),
    });
    assert_eq!(marker_list(&doc), ["1000 A", "3000 サビ / Chorus"]);
    assert_eq!(doc.marker_ids(), ids.as_slice(), "a rename keeps the id");
    doc.apply(Edit::DeleteMarker { index: 0 });
    assert_eq!(marker_list(&doc), ["3000 サビ / Chorus"]);
    assert_eq!(doc.marker_index(ids[0]), None);
    assert_eq!(doc.marker_index(ids[1]), Some(0));
    assert_eq!(
        doc.history_labels(),
        (vec!["Rename marker", "Delete marker"], 2)
    );
    doc.undo();
    assert_eq!(marker_list(&doc), ["1000 A", "3000 サビ / Chorus"]);
    assert_eq!(doc.marker_ids(), ids.as_slice());
    doc.undo();
    assert_eq!(marker_list(&doc), ["1000 A", "3000 B"]);
}

#[test]
fn marker_edits_out_of_range_change_nothing() {
    let mut doc = doc_with_markers(&[(1000, "A")]);
    for edit in [
        Edit::MoveMarker {
            index: 1,
            time: 0,
            merge: None,
        },
        Edit::RenameMarker {
            index: 7,
            label: "x".into(),
        },
        Edit::DeleteMarker { index: 1 },
    ] {
        doc.apply(edit);
    }
    assert_eq!(marker_list(&doc), ["1000 A"]);
    assert_eq!(doc.marker_ids().len(), 1);
}

#[test]
fn added_markers_get_ids_and_ids_differ_across_documents() {
    let mut doc = doc_with_markers(&[(1000, "A")]);
    let other = doc_with_markers(&[(1000, "A")]);
    assert_ne!(doc.marker_ids(), other.marker_ids());
    doc.apply(Edit::AddMarker {
        marker: Marker {
            time: 500,
            label: "B".into(),
        },
    });
    assert_eq!(doc.marker_ids().len(), 2);
    assert_eq!(
        doc.marker(doc.marker_ids()[0]).map(|m| m.label.as_str()),
        Some("B")
    );
}

#[test]
fn saving_clears_dirty_and_new_edits_set_it() {
    let mut doc = doc_with(&[0]);
    doc.apply(Edit::SetTitle {
        title: Some("星空".into()),
        merge: None,
    });
    let rev = doc.revision();
    doc.mark_saved(PathBuf::from("/tmp/x.cueshow.json"), rev);
    assert!(!doc.is_dirty());
    assert_eq!(doc.display_name(), "星空");
    doc.undo();
    assert!(doc.is_dirty());
}

#[test]
fn new_edit_after_undo_drops_redo() {
    let mut doc = doc_with(&[0]);
    doc.apply(Edit::AddCues {
        cues: vec![cue(1, "a")],
    });
    doc.undo();
    assert!(doc.redo_label().is_some());
    doc.apply(Edit::AddCues {
        cues: vec![cue(2, "b")],
    });
    assert!(doc.redo_label().is_none());
    let (labels, applied) = doc.history_labels();
    assert_eq!((labels, applied), (vec!["Add cue"], 1));
}

#[test]
fn autosave_recovery_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let show = Show {
        title: Some("冬のライブ".into()),
        cues: vec![cue(560, "startSong1")],
        ..Show::default()
    };
    let original = dir.path().join("winter.cueshow.json");
    autosave::write_recovery(dir.path(), Some(&original), &show).unwrap();
    autosave::write_recovery(dir.path(), None, &Show::default()).unwrap();
    let found = autosave::list_recoveries(dir.path());
    assert_eq!(found.len(), 2);
    let mine = found
        .iter()
        .find(|r| r.original.as_deref() == Some(original.as_path()))
        .unwrap();
    assert_eq!(mine.load().unwrap(), show);
    autosave::remove_recovery(dir.path(), Some(&original));
    let left = autosave::list_recoveries(dir.path());
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].original, None);
}

#[test]
fn corrupt_recovery_reports_an_error_instead_of_panicking() {
    let dir = tempfile::tempdir().unwrap();
    autosave::write_recovery(dir.path(), None, &Show::default()).unwrap();
    let r = &autosave::list_recoveries(dir.path())[0];
    std::fs::write(&r.show_file, b"{ not json").unwrap();
    let err = r.load().unwrap_err().to_string();
    assert!(err.contains("untitled.cueshow.json"), "{err}");
}

#[test]
fn autosaver_waits_for_the_interval_and_a_new_revision() {
    let t0 = std::time::Instant::now();
    let mut a = Autosaver::default();
    a.reset(t0);
    assert!(!a.due(t0, 1, true));
    let later = t0 + autosave::INTERVAL;
    assert!(a.due(later, 1, true));
    assert!(
        !a.due(later, 1, false),
        "a saved document needs no autosave"
    );
    a.done(later, 1);
    assert!(!a.due(later + autosave::INTERVAL, 1, true), "nothing new");
    assert!(!a.due(later + Duration::from_secs(5), 2, true), "too soon");
    assert!(a.due(later + autosave::INTERVAL, 2, true));
}

#[test]
fn autosaver_says_when_to_wake_up() {
    let t0 = std::time::Instant::now();
    let mut a = Autosaver::default();
    a.reset(t0);
    assert_eq!(a.next_due(1, false), None, "saved: never");
    assert_eq!(a.next_due(1, true), Some(t0 + autosave::INTERVAL));
    a.done(t0, 1);
    assert_eq!(a.next_due(1, true), None, "autosaved already");
    let due = a.next_due(2, true).unwrap();
    assert!(a.due(due, 2, true));
    assert!(!a.due(due - Duration::from_millis(1), 2, true));
}

use std::time::Duration;

fn laned(lanes: &[(i64, Option<&str>)]) -> Document {
    let show = Show {
        cues: lanes
            .iter()
            .map(|&(t, lane)| Cue {
                lane: lane.map(str::to_owned),
                ..cue(t, "flash")
            })
            .collect(),
        ..Show::default()
    };
    Document::new(show, None)
}

fn cue_lanes(doc: &Document) -> Vec<Option<&str>> {
    doc.show().cues.iter().map(|c| c.lane.as_deref()).collect()
}

#[test]
fn lanes_listed_in_the_show_come_first_then_those_cues_use() {
    let mut show = laned(&[(0, Some("B")), (1, None), (2, Some("A"))])
        .show()
        .clone();
    assert_eq!(Document::new(show.clone(), None).lanes(), ["B", "", "A"]);
    show.lanes = vec![
        Lane {
            name: "A".into(),
            hidden: true,
            ..Lane::default()
        },
        Lane {
            name: "Empty".into(),
            ..Lane::default()
        },
    ];
    let doc = Document::new(show, None);
    assert_eq!(doc.lanes(), ["A", "Empty", "B", ""]);
    let hidden: Vec<bool> = doc.lane_list().iter().map(|l| l.hidden).collect();
    assert_eq!(hidden, [true, false, false, false]);
    assert_eq!(Document::default().lanes(), [""]);
}

#[test]
fn renaming_a_lane_renames_its_cues_in_one_undo_step() {
    let mut doc = laned(&[(0, Some("B")), (1, None), (2, Some("A")), (3, Some("B"))]);
    doc.apply(Edit::RenameLane {
        from: "B".into(),
        to: "Pyro".into(),
    });
    assert_eq!(
        cue_lanes(&doc),
        [Some("Pyro"), None, Some("A"), Some("Pyro")]
    );
    assert_eq!(doc.lanes(), ["Pyro", "", "A"], "in its place");
    assert_eq!(doc.undo_label(), Some("Rename lane"));
    // Onto another lane: the cues join it. Onto "": they have no lane.
    doc.apply(Edit::RenameLane {
        from: "A".into(),
        to: "Pyro".into(),
    });
    assert_eq!(doc.lanes(), ["Pyro", ""]);
    doc.apply(Edit::RenameLane {
        from: "Pyro".into(),
        to: String::new(),
    });
    assert_eq!(cue_lanes(&doc), [None; 4]);
    assert_eq!(doc.lanes(), [""]);
    for _ in 0..3 {
        assert!(doc.undo());
    }
    assert_eq!(cue_lanes(&doc), [Some("B"), None, Some("A"), Some("B")]);
    assert_eq!(doc.lanes(), ["B", "", "A"]);
    assert!(doc.show().lanes.is_empty(), "as it was: no list");
}

#[test]
fn an_import_adds_its_lane_and_cues_in_one_undo_step() {
    let mut doc = laned(&[(0, Some("A")), (1, None)]);
    let lane = commands::unique_lane(&doc, "A");
    assert_eq!(lane, "A 2");
    let created = doc.apply(Edit::ImportCues {
        source: "song.lrc".into(),
        lanes: vec![lane.clone()],
        cues: vec![
            Cue {
                lane: Some(lane.clone()),
                ..cue(500, "textFade")
            },
            Cue {
                lane: Some(lane.clone()),
                ..cue(-20, "textFade")
            },
        ],
        tempo: None,
    });
    assert_eq!(created.len(), 2);
    assert_eq!(doc.undo_label(), Some("Import 2 cues from song.lrc"));
    assert_eq!(doc.lanes(), ["A", "", "A 2"]);
    let names: Vec<&str> = doc.show().lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["A", "", "A 2"], "listed in the show");
    assert_eq!(cue_lanes(&doc), [Some("A"), None, Some("A 2"), Some("A 2")]);
    assert_eq!(times(&doc), [0, 1, 500, 0]);
    assert_eq!(commands::span_of(&doc.show().cues[2..]), Some((0, 500)));
    assert!(doc.undo());
    assert_eq!(doc.lanes(), ["A", ""]);
    assert!(doc.show().lanes.is_empty(), "as it was");
    assert_eq!(times(&doc), [0, 1]);
    assert_eq!(commands::unique_lane(&doc, "  "), "Imported");

    // A MIDI file's tempo map comes in with its notes, in the same step.
    doc.apply(Edit::ImportCues {
        source: "drums.mid".into(),
        lanes: vec!["drums".into()],
        cues: vec![cue(0, "marker")],
        tempo: Some(vec![section(2000, 60.0, 4), section(0, 120.0, 4)]),
    });
    let grid: Vec<i64> = doc.tempo().iter().map(|s| s.time).collect();
    assert_eq!(grid, [0, 2000], "in time order");
    assert!(doc.undo());
    assert!(doc.tempo().is_empty());
    assert_eq!(times(&doc), [0, 1]);
}

#[test]
fn moving_and_flagging_lanes_are_one_step_each() {
    let mut doc = laned(&[(0, Some("A")), (1, Some("B")), (2, Some("C"))]);
    doc.apply(Edit::MoveLane { from: 2, to: 0 });
    assert_eq!(doc.lanes(), ["C", "A", "B"]);
    assert_eq!(doc.undo_label(), Some("Move lane"));
    doc.apply(Edit::SetLaneFlag {
        name: "B".into(),
        flag: LaneFlag::Hidden,
        on: true,
    });
    assert_eq!(doc.undo_label(), Some("Hide lane"));
    assert_eq!(doc.lanes(), ["C", "A", "B"], "flagging keeps the order");
    assert!(doc.lane_list()[2].hidden);
    // Out of range: nothing moves.
    doc.apply(Edit::MoveLane { from: 7, to: 0 });
    assert_eq!(doc.lanes(), ["C", "A", "B"]);
    doc.undo();
    doc.undo();
    assert!(!doc.lane_list()[2].hidden);
    doc.undo();
    assert_eq!(doc.lanes(), ["A", "B", "C"]);
}

#[test]
fn the_preview_leaves_out_muted_lanes_and_plays_only_soloed_ones() {
    let mut doc = laned(&[(0, Some("A")), (1, Some("B")), (2, None)]);
    let played =
        |doc: &Document| -> Vec<i64> { doc.preview_cues().iter().map(|c| c.time).collect() };
    assert!(matches!(doc.preview_cues(), std::borrow::Cow::Borrowed(_)));
    assert_eq!(played(&doc), [0, 1, 2]);
    let flag = |name: &str, flag, on| Edit::SetLaneFlag {
        name: name.into(),
        flag,
        on,
    };
    doc.apply(flag("B", LaneFlag::Muted, true));
    assert_eq!(played(&doc), [0, 2]);
    doc.apply(flag("", LaneFlag::Solo, true));
    assert_eq!(played(&doc), [2]);
    doc.apply(flag("B", LaneFlag::Solo, true));
    assert_eq!(played(&doc), [2], "muted wins over solo");
    doc.apply(flag("B", LaneFlag::Muted, false));
    assert_eq!(played(&doc), [1, 2]);
}

fn section(time: i64, bpm: f64, beats_per_bar: u32) -> cuesheet::TempoSection {
    cuesheet::TempoSection {
        time,
        bpm,
        beats_per_bar,
        beat_unit: 4,
    }
}

fn tempo_times(doc: &Document) -> Vec<(i64, f64)> {
    doc.tempo().iter().map(|s| (s.time, s.bpm)).collect()
}

#[test]
fn tempo_sections_stay_valid_and_in_time_order_and_each_change_is_one_step() {
    let mut doc = doc_with(&[]);
    // An analysis's sections, out of order, one invalid, two at one time (the later wins).
    doc.apply(Edit::SetTempo {
        sections: vec![
            section(8_000, 90.0, 3),
            section(0, 120.0, 4),
            section(4_000, 0.0, 4),
            section(8_000, 95.0, 3),
        ],
    });
    assert_eq!(tempo_times(&doc), [(0, 120.0), (8_000, 95.0)]);
    assert_eq!(doc.undo_label(), Some("Set tempo"));
    doc.apply(Edit::AddTempoSection {
        section: section(4_000, 100.0, 4),
    });
    assert_eq!(
        tempo_times(&doc),
        [(0, 120.0), (4_000, 100.0), (8_000, 95.0)]
    );
    // A typed offset cannot pass a neighbour, a tempo out of range is clamped, a meter
    // unit that is none is ignored; each frame of one gesture merges into one step.
    for (time, bpm) in [(3_000, 100.0), (9_000, 1_000.0)] {
        doc.apply(Edit::SetTempoSection {
            index: 1,
            section: cuesheet::TempoSection {
                beat_unit: 5,
                ..section(time, bpm, 7)
            },
            merge: Some(3),
        });
    }
    let s = doc.tempo()[1];
    assert_eq!(
        (s.time, s.bpm, s.beats_per_bar, s.beat_unit),
        (7_999, 400.0, 7, 4)
    );
    assert_eq!(doc.undo_label(), Some("Edit tempo"));
    doc.undo();
    assert_eq!(doc.tempo()[1], section(4_000, 100.0, 4));
    doc.apply(Edit::RemoveTempoSection { index: 0 });
    assert_eq!(tempo_times(&doc), [(4_000, 100.0), (8_000, 95.0)]);
    assert_eq!(doc.undo_label(), Some("Remove tempo section"));
    doc.apply(Edit::RemoveTempoSection { index: 9 });
    assert_eq!(doc.tempo().len(), 2, "no such section: nothing removed");
}

#[test]
fn quantise_moves_the_selection_to_the_grid_as_one_undo_step() {
    // 120 BPM from 1 000: beats every 500 ms.
    let mut doc = doc_with(&[1_010, 1_740, 2_260, 3_000, 5_555]);
    doc.apply(Edit::SetTempo {
        sections: vec![section(1_000, 120.0, 4)],
    });
    let ids = doc.cue_ids().to_vec();
    let map = doc.tempo_map();
    let beat = |t| map.snap(t, cuesheet::grid::Division::Beat);
    let edit = commands::quantise(&doc, &ids[..4], beat).unwrap();
    assert_eq!(edit.label(), "Quantise 4 cues");
    doc.apply(edit);
    assert_eq!(times(&doc), [1_000, 1_500, 2_500, 3_000, 5_555]);
    assert_eq!(doc.history_labels().0.len(), 2, "one step for all four");
    doc.undo();
    assert_eq!(times(&doc), [1_010, 1_740, 2_260, 3_000, 5_555]);
    // Already on the grid, or nothing selected: nothing to do.
    assert_eq!(commands::quantise(&doc, &ids[3..4], beat), None);
    assert_eq!(commands::quantise(&doc, &[], beat), None);
    let half = |t| map.snap(t, cuesheet::grid::Division::Half);
    let Some(Edit::QuantiseCues { times: moved }) = commands::quantise(&doc, &ids[4..], half)
    else {
        panic!("a cue off the grid moves");
    };
    assert_eq!(moved, [(ids[4], 5_500)]);
}

#[test]
fn tap_tempo_adds_a_section_from_the_first_tap_and_a_beat_drag_refits_it() {
    let mut doc = doc_with(&[]);
    let mut tap = cuesheet::grid::TapTempo::default();
    tap.tap(100_000, 2_400);
    assert_eq!(commands::tap_tempo(&doc, &tap), None, "one tap is no tempo");
    for i in 1..=4 {
        tap.tap(100_000 + i * 469, 2_400 + i * 469);
    }
    let edit = commands::tap_tempo(&doc, &tap).unwrap();
    doc.apply(edit);
    assert_eq!(tempo_times(&doc), [(2_400, 127.931770)]);
    assert_eq!(doc.undo_label(), Some("Add tempo section"));
    // Taps in a 3/4 section keep its meter.
    doc.apply(Edit::SetTempo {
        sections: vec![section(0, 90.0, 3)],
    });
    let edit = commands::tap_tempo(&doc, &tap).unwrap();
    let Edit::AddTempoSection { section: s } = edit else {
        panic!("a section");
    };
    assert_eq!((s.time, s.beats_per_bar), (2_400, 3));

    // Beat 4 of the 90 BPM section (2 667 ms) dragged to 2 400 ms over several frames:
    // one step, and the beat lands where it was dropped.
    for to in [2_600, 2_500, 2_400] {
        let edit = commands::refit_beat(&doc, 0, 4, to, 11).unwrap();
        doc.apply(edit);
    }
    assert_eq!(doc.tempo_map().beat_time(0, 4), Some(2_400));
    assert_eq!(doc.tempo()[0].bpm, 100.0);
    assert_eq!(doc.history_labels().0.len(), 3);
    doc.undo();
    assert_eq!(doc.tempo()[0].bpm, 90.0);
    assert_eq!(commands::refit_beat(&doc, 0, 4, 10, 12), None, "too fast");
    assert_eq!(
        commands::refit_beat(&doc, 3, 4, 2_400, 12),
        None,
        "no such section"
    );
    // Add at the playhead takes the tempo there.
    let Edit::AddTempoSection { section: s } = commands::add_tempo_section(&doc, 6_000) else {
        panic!("a section");
    };
    assert_eq!(s, section(6_000, 90.0, 3));
}
