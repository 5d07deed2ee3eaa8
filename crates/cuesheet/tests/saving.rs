//! The editor's save format under version control: the bundled sample show is stored in
//! exactly the layout `show_to_json` writes, and one edit to a saved show changes only the
//! lines of what was edited (compared with a line diff, as `git diff` would).
//!
//! `UPDATE_SAMPLE=1 cargo test -p cuesheet --test saving` rewrites the sample in that layout.

use cuesheet::{Cue, Marker, Show, parse_show, show_to_json};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../sample_shows/hoshizora.cueshow.json"
);

fn sample_text() -> String {
    std::fs::read_to_string(SAMPLE).unwrap()
}

fn saved(show: &Show) -> String {
    show_to_json(show)
}

/// A line diff (longest common subsequence): the lines only in `old`, and only in `new`.
fn line_diff<'a>(old: &'a str, new: &'a str) -> (Vec<&'a str>, Vec<&'a str>) {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // lcs[i][j]: the common subsequence's length of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push(b[j]);
            j += 1;
        } else {
            removed.push(a[i]);
            i += 1;
        }
    }
    (removed, added)
}

#[test]
fn line_diff_finds_changed_added_and_removed_lines() {
    assert_eq!(line_diff("a\nb\nc\n", "a\nb\nc\n"), (vec![], vec![]));
    assert_eq!(line_diff("a\nb\nc\n", "a\nB\nc\n"), (vec!["b"], vec!["B"]));
    assert_eq!(line_diff("a\nc\n", "a\nb\nc\n"), (vec![], vec!["b"]));
    assert_eq!(line_diff("a\nb\nc\n", "b\nc\na\n"), (vec!["a"], vec!["a"]));
}

#[test]
fn the_sample_show_is_stored_as_it_is_saved() {
    let text = sample_text();
    let show = parse_show(text.as_bytes()).unwrap();
    let canonical = saved(&show);
    if std::env::var_os("UPDATE_SAMPLE").is_some_and(|v| v == "1") {
        std::fs::write(SAMPLE, &canonical).unwrap();
        return;
    }
    let (removed, added) = line_diff(&text, &canonical);
    assert!(
        removed.is_empty() && added.is_empty(),
        "the sample show is not in the save layout; rewrite it with \
         UPDATE_SAMPLE=1 cargo test -p cuesheet --test saving\n-{}\n+{}",
        removed.join("\n-"),
        added.join("\n+")
    );
    assert_eq!(canonical, text);
    // Readable as it is: no escaped non-ASCII, one cue per line.
    assert!(!text.contains("\\u"), "{text}");
    assert!(text.contains("\"title\": \"星空ライブ 2026 — Hoshizora Live\""));
    let cue_lines = text
        .lines()
        .filter(|l| l.starts_with("    {\"time\": "))
        .count();
    assert_eq!(cue_lines, show.cues.len() + show.markers.len());
}

/// The sample as the editor holds it after opening, and its saved text.
fn opened() -> (Show, String) {
    let show = parse_show(sample_text().as_bytes()).unwrap();
    let text = saved(&show);
    (show, text)
}

fn cue_at(show: &mut Show, time: i64, action: &str) -> usize {
    show.cues
        .iter()
        .position(|c| c.time == time && c.action == action)
        .unwrap()
}

#[test]
fn editing_one_cue_changes_only_its_line() {
    let (mut show, before) = opened();
    // A param, the note and the tolerance of the particles at 00:40.
    let i = cue_at(&mut show, 40_000, "showParticles");
    let cue = &mut show.cues[i];
    cue.params
        .as_mut()
        .unwrap()
        .insert("color".into(), "#ff0000".into());
    cue.note = Some("赤い星".into());
    cue.tolerance = Some(2500);
    let after = saved(&show);
    let (removed, added) = line_diff(&before, &after);
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert!(removed[0].contains("\"#e1f5fe\""), "{removed:?}");
    assert_eq!(
        added,
        [
            r##"    {"time": 40000, "action": "showParticles", "tolerance": 2500, "duration": 8000, "params": {"color": "#ff0000", "seed": 21}, "lane": "Particles", "note": "赤い星"},"##
        ]
    );
    // Same line count, and every other line in place.
    assert_eq!(before.lines().count(), after.lines().count());
    let differing = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(differing, 1);
}

#[test]
fn a_new_cue_adds_one_line_in_time_order() {
    let (mut show, before) = opened();
    // The editor appends new cues to its own list; the file puts them in time order,
    // after the cues of the same time.
    show.cues.push(Cue {
        time: 56_000,
        action: "showParticles".into(),
        lane: Some("Particles".into()),
        ..Cue::default()
    });
    let after = saved(&show);
    let (removed, added) = line_diff(&before, &after);
    assert!(removed.is_empty(), "{removed:?}");
    let new_line = r#"    {"time": 56000, "action": "showParticles", "lane": "Particles"},"#;
    assert_eq!(added, [new_line]);
    let lines: Vec<&str> = after.lines().collect();
    let at = lines.iter().position(|l| *l == new_line).unwrap();
    assert!(lines[at - 1].contains("\"time\": 56000, \"action\": \"flash\""));
    assert!(lines[at + 1].contains("\"time\": 62000"));
    // And it reads back where it was written.
    assert_eq!(
        parse_show(after.as_bytes()).unwrap().cues,
        show.sorted_cues()
    );
}

#[test]
fn moving_a_cue_moves_its_line() {
    let (mut show, before) = opened();
    // Nudging in place: one line changes.
    let i = cue_at(&mut show, 12_000, "textFade");
    show.cues[i].time = 12_500;
    let after = saved(&show);
    let (removed, added) = line_diff(&before, &after);
    assert_eq!(
        (removed.len(), added.len()),
        (1, 1),
        "{removed:?} {added:?}"
    );
    // Moving it past others: the line leaves one place and arrives at another.
    show.cues[i].time = 70_000;
    let after = saved(&show);
    let (removed, added) = line_diff(&before, &after);
    assert_eq!(
        (removed.len(), added.len()),
        (1, 1),
        "{removed:?} {added:?}"
    );
    assert!(added[0].starts_with("    {\"time\": 70000, \"action\": \"textFade\""));
    // A new marker is one line too.
    let (mut show, before) = opened();
    show.markers.push(Marker {
        time: 100_000,
        label: "サビ".into(),
    });
    let after = saved(&show);
    let (removed, added) = line_diff(&before, &after);
    assert!(removed.is_empty());
    assert_eq!(added, [r#"    {"time": 100000, "label": "サビ"},"#]);
}

#[test]
fn a_cue_after_the_last_one_also_gives_the_old_last_line_its_comma() {
    // JSON has no trailing commas, so appending at the very end touches the line before.
    let (mut show, before) = opened();
    show.cues.push(Cue {
        time: 149_000,
        action: "flash".into(),
        ..Cue::default()
    });
    let after = saved(&show);
    let (removed, added) = line_diff(&before, &after);
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!(added.len(), 2, "{added:?}");
    assert_eq!(format!("{},", removed[0]), added[0]);
    assert_eq!(added[1], r#"    {"time": 149000, "action": "flash"}"#);
}
