//! The timeline's view (what time range is visible) and its per-frame mapping between
//! show time and screen x. Both are plain values: zoom and pan return a new view. And the
//! grid drags snap to: the fixed one or the show's tempo grid.

use cuesheet::grid::{Division, TempoMap};

/// What part of the show the timeline shows. Persisted with the window layout.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TimeView {
    /// Show time at the left edge.
    pub start_ms: i64,
    /// Zoom: milliseconds per point.
    pub ms_per_px: f64,
}

/// Zoom limits: 0.1 ms per point (sample-level) to 60 s per point (a 10-hour show in 600 px).
pub const MIN_MS_PER_PX: f64 = 0.1;
pub const MAX_MS_PER_PX: f64 = 60_000.0;

impl Default for TimeView {
    fn default() -> Self {
        Self {
            start_ms: 0,
            ms_per_px: 50.0,
        }
    }
}

impl TimeView {
    /// A view that shows `[0, end_ms]` (plus a small margin) in `width` points.
    pub fn fit(end_ms: i64, width: f32) -> Self {
        let span = (end_ms.max(1000) as f64) * 1.03;
        Self {
            start_ms: 0,
            ms_per_px: (span / f64::from(width.max(1.0))).clamp(MIN_MS_PER_PX, MAX_MS_PER_PX),
        }
    }

    /// A view that shows `[start_ms, end_ms]` with a margin of a twentieth of the span (at
    /// least half a second) on each side, in `width` points.
    pub fn showing(start_ms: i64, end_ms: i64, width: f32) -> Self {
        let span = end_ms.saturating_sub(start_ms).max(0);
        let margin = (span / 20).max(500);
        let start = start_ms.saturating_sub(margin).max(0);
        let end = end_ms.saturating_add(margin);
        Self {
            start_ms: start,
            ms_per_px: ((end - start) as f64 / f64::from(width.max(1.0)))
                .clamp(MIN_MS_PER_PX, MAX_MS_PER_PX),
        }
    }

    /// Zoom by `factor` (> 1 zooms in) keeping the time under `anchor_ms` in place.
    pub fn zoomed(self, factor: f64, anchor_ms: i64) -> Self {
        let ms_per_px = (self.ms_per_px / factor).clamp(MIN_MS_PER_PX, MAX_MS_PER_PX);
        let offset_px = (anchor_ms - self.start_ms) as f64 / self.ms_per_px;
        let start_ms = anchor_ms - (offset_px * ms_per_px).round() as i64;
        Self {
            start_ms: start_ms.max(0),
            ms_per_px,
        }
    }

    /// Pan by `dx` points (positive moves later).
    pub fn panned(self, dx: f32) -> Self {
        let start_ms = self.start_ms + (f64::from(dx) * self.ms_per_px).round() as i64;
        Self {
            start_ms: start_ms.max(0),
            ..self
        }
    }

    /// The visible span in ms for a given width.
    pub fn span_ms(self, width: f32) -> i64 {
        (f64::from(width) * self.ms_per_px).round() as i64
    }

    /// While playing: when `t` leaves the visible range (or its last 10 %), page so that `t`
    /// sits at 10 % from the left.
    pub fn following(self, t: i64, width: f32) -> Self {
        let span = self.span_ms(width);
        let end = self.start_ms + span - span / 10;
        if t < self.start_ms || t > end {
            Self {
                start_ms: (t - span / 10).max(0),
                ..self
            }
        } else {
            self
        }
    }

    pub fn mapping(self, left_x: f32, width: f32) -> TimeMapping {
        TimeMapping {
            start_ms: self.start_ms,
            ms_per_px: self.ms_per_px,
            left_x,
            width,
        }
    }
}

/// Built every frame from the view and the widget's rect.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeMapping {
    pub start_ms: i64,
    pub ms_per_px: f64,
    pub left_x: f32,
    pub width: f32,
}

impl TimeMapping {
    pub fn x_from_time(&self, t_ms: i64) -> f32 {
        self.left_x + ((t_ms - self.start_ms) as f64 / self.ms_per_px) as f32
    }

    pub fn time_from_x(&self, x: f32) -> i64 {
        self.start_ms + (f64::from(x - self.left_x) * self.ms_per_px).round() as i64
    }

    /// A duration in ms as a width in points.
    pub fn px_from_ms(&self, ms: i64) -> f32 {
        (ms as f64 / self.ms_per_px) as f32
    }

    pub fn end_ms(&self) -> i64 {
        self.time_from_x(self.left_x + self.width)
    }

    /// Ruler tick spacing: the smallest "nice" step at least `min_px` apart, and its label
    /// step (every 5th or 2nd minor tick).
    pub fn tick_steps(&self, min_px: f32) -> (i64, i64) {
        const STEPS: &[i64] = &[
            1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000,
            60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
        ];
        let min_ms = f64::from(min_px) * self.ms_per_px;
        let minor = STEPS
            .iter()
            .copied()
            .find(|&s| s as f64 >= min_ms)
            .unwrap_or(3_600_000);
        let major = STEPS
            .iter()
            .copied()
            .find(|&s| s >= minor * 5 && s % minor == 0)
            .unwrap_or(minor * 5);
        (minor, major)
    }
}

/// The grid drags snap to and Quantise moves cues to, chosen in the transport bar (while
/// snapping is on). Persisted with the settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SnapGrid {
    /// The fixed grid (`grid_ms`, 250 ms).
    Fixed,
    /// A division of the show's tempo grid; the fixed grid in a show without tempo.
    Tempo(Division),
}

impl Default for SnapGrid {
    /// Beats: the fixed grid until the show has a tempo.
    fn default() -> Self {
        SnapGrid::Tempo(Division::Beat)
    }
}

impl SnapGrid {
    /// What the transport bar offers, in order (besides Off).
    pub const CHOICES: [SnapGrid; 10] = [
        SnapGrid::Fixed,
        SnapGrid::Tempo(Division::Bar),
        SnapGrid::Tempo(Division::Beat),
        SnapGrid::Tempo(Division::Half),
        SnapGrid::Tempo(Division::Third),
        SnapGrid::Tempo(Division::Quarter),
        SnapGrid::Tempo(Division::Sixth),
        SnapGrid::Tempo(Division::Eighth),
        SnapGrid::Tempo(Division::Twelfth),
        SnapGrid::Tempo(Division::Sixteenth),
    ];

    /// The menu's words: "250 ms", "Beat", "1/3 beat (triplets)"…
    pub fn label(self, grid_ms: i64) -> String {
        match self {
            SnapGrid::Fixed => format!("{grid_ms} ms"),
            SnapGrid::Tempo(d) => d.label().to_owned(),
        }
    }
}

/// A tempo as the ruler and the Tempo panel show it: `128`, `127.93`, `87.5`.
pub fn bpm_text(bpm: f64) -> String {
    let text = format!("{bpm:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A position on the tempo grid as designers count it: `bar 12.3` (bar 12, beat 3), from
/// [`TempoMap::bar_beat_at`].
pub fn bar_beat_text((bar, beat): (i64, f64)) -> String {
    format!("bar {bar}.{}", beat.floor() as i64)
}

/// The grid in effect, for one frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Grid<'a> {
    /// Snapping is off.
    Off,
    /// Every `ms` from 0.
    Fixed(i64),
    Tempo(&'a TempoMap, Division),
}

impl<'a> Grid<'a> {
    /// The grid that `snapping` with `choice` gives in a show whose tempo grid is `tempo`:
    /// a tempo division needs a tempo, else it is the fixed grid of `grid_ms`.
    pub fn new(snapping: bool, choice: SnapGrid, grid_ms: i64, tempo: &'a TempoMap) -> Self {
        match choice {
            _ if !snapping => Grid::Off,
            SnapGrid::Tempo(d) if !tempo.is_empty() && d != Division::Off => Grid::Tempo(tempo, d),
            _ if grid_ms > 0 => Grid::Fixed(grid_ms),
            _ => Grid::Off,
        }
    }

    /// The grid's point nearest `t` (Quantise); `t` itself without a grid.
    pub fn nearest(self, t: i64) -> i64 {
        match self {
            Grid::Off => t,
            Grid::Fixed(g) => ((t as f64 / g as f64).round() as i64).saturating_mul(g),
            Grid::Tempo(map, d) => map.snap(t, d),
        }
    }

    /// Where a drag at `t` snaps: onto a candidate (a marker, the playhead, another cue)
    /// within `threshold_ms`, else onto the grid: a tempo grid's nearest line always (a
    /// candidate only wins when it is nearer), the fixed grid's within the threshold.
    pub fn snap_drag(self, t: i64, candidates: &[i64], threshold_ms: i64) -> i64 {
        match self {
            Grid::Off => t,
            Grid::Fixed(g) => snap(t, candidates, g, threshold_ms),
            Grid::Tempo(..) => {
                let line = self.nearest(t);
                let near = snap(t, candidates, 0, threshold_ms);
                if near != t && (near - t).abs() < (line - t).abs() {
                    near
                } else {
                    line
                }
            }
        }
    }
}

/// Snap `t` to the nearest candidate within `threshold_ms`; else to the grid, when there
/// is one (`grid_ms` above zero) and its nearest point is within the threshold; else leave
/// it. `candidates` need not be sorted.
pub fn snap(t: i64, candidates: &[i64], grid_ms: i64, threshold_ms: i64) -> i64 {
    let best = candidates
        .iter()
        .copied()
        .min_by_key(|&c| (c - t).abs())
        .filter(|&c| (c - t).abs() <= threshold_ms);
    if let Some(c) = best {
        return c;
    }
    if grid_ms > 0 {
        let g = ((t as f64 / grid_ms as f64).round() as i64) * grid_ms;
        if (g - t).abs() <= threshold_ms {
            return g;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_and_time_round_trip() {
        let m = TimeView {
            start_ms: 10_000,
            ms_per_px: 20.0,
        }
        .mapping(100.0, 800.0);
        assert_eq!(m.x_from_time(10_000), 100.0);
        assert_eq!(m.x_from_time(12_000), 200.0);
        assert_eq!(m.time_from_x(200.0), 12_000);
        for t in [10_000, 10_020, 15_555, 25_980] {
            let back = m.time_from_x(m.x_from_time(t));
            assert!((back - t).abs() <= 10, "{t} -> {back}");
        }
        assert_eq!(m.end_ms(), 26_000);
    }

    #[test]
    fn zoom_keeps_the_anchor_under_the_pointer() {
        let v = TimeView {
            start_ms: 0,
            ms_per_px: 100.0,
        };
        let m = v.mapping(0.0, 1000.0);
        let x = m.x_from_time(30_000);
        let z = v.zoomed(2.0, 30_000);
        assert_eq!(z.ms_per_px, 50.0);
        assert!((z.mapping(0.0, 1000.0).x_from_time(30_000) - x).abs() < 0.5);
        // Never scrolls before 0 and stays within the zoom limits.
        let out = v.zoomed(1e-9, 0);
        assert_eq!(out.ms_per_px, MAX_MS_PER_PX);
        assert_eq!(out.start_ms, 0);
    }

    #[test]
    fn showing_a_span_keeps_a_margin_and_never_starts_before_zero() {
        let v = TimeView::showing(60_000, 80_000, 1000.0);
        assert_eq!(v.start_ms, 59_000);
        assert!((v.ms_per_px - 22.0).abs() < 1e-9);
        let m = v.mapping(0.0, 1000.0);
        assert!(m.x_from_time(60_000) > 0.0 && m.x_from_time(80_000) < 1000.0);
        let early = TimeView::showing(100, 100, 500.0);
        assert_eq!(early.start_ms, 0);
        assert!((early.ms_per_px - 1.2).abs() < 1e-9);
    }

    #[test]
    fn fit_shows_the_whole_show() {
        let v = TimeView::fit(3 * 3_600_000, 1000.0);
        assert!(v.mapping(0.0, 1000.0).end_ms() >= 3 * 3_600_000);
        assert_eq!(v.start_ms, 0);
    }

    #[test]
    fn following_pages_when_the_playhead_leaves() {
        let v = TimeView {
            start_ms: 0,
            ms_per_px: 10.0,
        }; // 10 s visible in 1000 px
        assert_eq!(v.following(5_000, 1000.0), v);
        let paged = v.following(9_500, 1000.0);
        assert_eq!(paged.start_ms, 8_500);
    }

    #[test]
    fn ticks_are_nice_and_far_enough_apart() {
        let m = TimeView {
            start_ms: 0,
            ms_per_px: 10.0,
        }
        .mapping(0.0, 1000.0);
        let (minor, major) = m.tick_steps(60.0);
        assert_eq!(minor, 1_000);
        assert_eq!(major, 5_000);
        assert!(m.px_from_ms(minor) >= 60.0);
    }

    #[test]
    fn a_tempo_grid_snaps_every_drag_and_the_fixed_one_only_near_its_lines() {
        // 120 BPM from 100 ms: beats at 100, 600, 1 100…
        let map = TempoMap::new(&[cuesheet::TempoSection {
            time: 100,
            ..cuesheet::TempoSection::default()
        }]);
        let beat = Grid::new(true, SnapGrid::Tempo(Division::Beat), 250, &map);
        assert_eq!(beat, Grid::Tempo(&map, Division::Beat));
        assert_eq!(beat.snap_drag(420, &[], 20), 600, "always onto the grid");
        assert_eq!(
            beat.snap_drag(420, &[430], 20),
            430,
            "a nearer candidate wins"
        );
        assert_eq!(
            beat.snap_drag(590, &[570], 20),
            600,
            "but not a farther one"
        );
        assert_eq!(beat.nearest(849), 600);
        let half = Grid::new(true, SnapGrid::Tempo(Division::Half), 250, &map);
        assert_eq!(half.nearest(849), 850);
        // Without a tempo, or with the fixed grid chosen: 250 ms, within the threshold.
        let none = TempoMap::default();
        let fixed = Grid::new(true, SnapGrid::Tempo(Division::Beat), 250, &none);
        assert_eq!(fixed, Grid::Fixed(250));
        assert_eq!(fixed.snap_drag(420, &[], 20), 420);
        assert_eq!(fixed.snap_drag(490, &[], 20), 500);
        assert_eq!(fixed.nearest(420), 500);
        assert_eq!(
            Grid::new(true, SnapGrid::Fixed, 250, &map),
            Grid::Fixed(250)
        );
        let off = Grid::new(false, SnapGrid::Tempo(Division::Beat), 250, &map);
        assert_eq!(
            (off, off.snap_drag(421, &[420], 20), off.nearest(421)),
            (Grid::Off, 421, 421)
        );
        assert_eq!(SnapGrid::Fixed.label(250), "250 ms");
        assert_eq!(bar_beat_text((12, 3.99)), "bar 12.3");
        assert_eq!(bar_beat_text((0, 4.0)), "bar 0.4");
        assert_eq!(
            [128.0, 127.93177, 87.5, 120.004].map(bpm_text),
            ["128", "127.93", "87.5", "120"]
        );
        assert_eq!(SnapGrid::default().label(250), "Beat");
    }

    #[test]
    fn snapping_prefers_candidates_then_grid() {
        assert_eq!(snap(1_030, &[1_000, 5_000], 250, 50), 1_000);
        assert_eq!(snap(1_260, &[1_000], 250, 20), 1_250);
        assert_eq!(snap(1_120, &[1_000], 250, 20), 1_120);
        assert_eq!(snap(1_120, &[], 0, 20), 1_120);
    }
}
