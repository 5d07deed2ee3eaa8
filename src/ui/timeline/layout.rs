//! The timeline's rows and lanes for one frame: ruler, beats (when the show has a tempo
//! grid), waveform, markers, then one lane per cue `lane`, right of the gutter that names
//! them.

use cuesheet::Lane;
use egui::{Pos2, Rect};

pub const RULER_H: f32 = 24.0;
/// The beat ruler's row, under the time ruler, when the show has a tempo grid.
pub const BEATS_H: f32 = 18.0;
pub const WAVE_H: f32 = 96.0;
pub const MARKERS_H: f32 = 22.0;
pub const LANE_H: f32 = 38.0;
pub const GUTTER_W: f32 = 128.0;
/// A hidden lane's row: its header, collapsed.
pub const HIDDEN_LANE_H: f32 = 18.0;

/// Lane geometry for one frame.
pub(super) struct Layout {
    pub ruler: Rect,
    /// The beat ruler (bar numbers, beat ticks to drag); no height without a tempo grid.
    pub beats: Rect,
    pub wave: Rect,
    pub markers: Rect,
    /// Each lane's name and row (right of the gutter).
    pub lanes: Vec<(String, Rect)>,
    /// Whether each lane is hidden (collapsed to its header; its cues not drawn).
    pub hidden: Vec<bool>,
    pub body: Rect,
    /// The gutter, left of the rows, where the headers are.
    pub gutter: Rect,
}

impl Layout {
    /// Splits `rect` into the rows, sharing what is left below the markers among the shown
    /// `lanes` (hidden ones get a thin row); the beat ruler has a row when `beats`.
    pub fn new(rect: Rect, lanes: &[Lane], beats: bool) -> Self {
        let x0 = rect.left() + GUTTER_W;
        let row =
            |y: f32, h: f32| Rect::from_min_max(Pos2::new(x0, y), Pos2::new(rect.right(), y + h));
        let ruler = row(rect.top(), RULER_H);
        let beats = row(ruler.bottom(), if beats { BEATS_H } else { 0.0 });
        let wave = row(beats.bottom(), WAVE_H);
        let markers = row(wave.bottom(), MARKERS_H);
        let hidden_count = lanes.iter().filter(|l| l.hidden).count();
        let shown = lanes.len() - hidden_count;
        let avail =
            (rect.bottom() - markers.bottom() - hidden_count as f32 * HIDDEN_LANE_H).max(0.0);
        let lane_h = if shown == 0 {
            LANE_H
        } else {
            (avail / shown as f32).clamp(22.0, LANE_H)
        };
        let mut y = markers.bottom();
        let rows = lanes
            .iter()
            .map(|l| {
                let h = if l.hidden { HIDDEN_LANE_H } else { lane_h };
                y += h;
                (l.name.clone(), row(y - h, h))
            })
            .collect();
        let body = Rect::from_min_max(Pos2::new(x0, markers.bottom()), rect.right_bottom());
        Self {
            ruler,
            beats,
            wave,
            markers,
            lanes: rows,
            hidden: lanes.iter().map(|l| l.hidden).collect(),
            body,
            gutter: Rect::from_min_max(rect.left_top(), Pos2::new(x0, rect.bottom())),
        }
    }

    /// Where lane `i`'s header is, in the gutter.
    pub fn header(&self, i: usize) -> Option<Rect> {
        let (_, r) = self.lanes.get(i)?;
        Some(Rect::from_x_y_ranges(self.gutter.x_range(), r.y_range()))
    }

    /// The position of the lane at height `y`, if any.
    pub fn lane_index_at(&self, y: f32) -> Option<usize> {
        self.lanes.iter().position(|(_, r)| r.y_range().contains(y))
    }

    /// The name of the lane at height `y`, if any.
    pub fn lane_at(&self, y: f32) -> Option<&str> {
        self.lanes
            .iter()
            .find(|(_, r)| r.y_range().contains(y))
            .map(|(n, _)| n.as_str())
    }

    /// The ruler, beats, waveform and markers rows: a click there seeks.
    pub fn in_header(&self, p: Pos2) -> bool {
        self.ruler.contains(p)
            || self.beats.contains(p)
            || self.wave.contains(p)
            || self.markers.contains(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lanes(names: &[&str]) -> Vec<Lane> {
        names
            .iter()
            .map(|n| Lane {
                name: (*n).to_owned(),
                ..Lane::default()
            })
            .collect()
    }

    #[test]
    fn rows_stack_under_the_ruler_and_lanes_share_what_is_left() {
        let rect = Rect::from_min_size(Pos2::new(10.0, 20.0), egui::vec2(600.0, 300.0));
        let lay = Layout::new(rect, &lanes(&["A", "B"]), false);
        assert_eq!(lay.ruler.left(), 10.0 + GUTTER_W);
        assert_eq!(lay.markers.bottom(), 20.0 + RULER_H + WAVE_H + MARKERS_H);
        // 158 points left for two lanes: each at most LANE_H.
        let heights: Vec<f32> = lay.lanes.iter().map(|(_, r)| r.height()).collect();
        assert_eq!(heights, [LANE_H, LANE_H]);
        let b_mid = lay.lanes[1].1.center().y;
        assert_eq!(lay.lane_at(b_mid), Some("B"));
        assert_eq!(lay.lane_index_at(b_mid), Some(1));
        assert_eq!(lay.lane_at(lay.markers.center().y), None);
        assert!(lay.in_header(lay.markers.center()));
        assert!(!lay.in_header(Pos2::new(lay.ruler.left() + 1.0, b_mid)));
        assert_eq!(lay.header(1).map(|h| h.left()), Some(10.0));
        // Many lanes in little room: squeezed, but not below 22 points.
        let names: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let many = Layout::new(rect, &lanes(&names), false);
        assert!(many.lanes.iter().all(|(_, r)| r.height() == 22.0));
    }

    #[test]
    fn hidden_lanes_collapse_to_their_header_and_the_others_share_the_room() {
        let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(600.0, 230.0));
        let mut list = lanes(&["A", "B", "C"]);
        list[1].hidden = true;
        let lay = Layout::new(rect, &list, false);
        let heights: Vec<f32> = lay.lanes.iter().map(|(_, r)| r.height()).collect();
        let left = 230.0 - (RULER_H + WAVE_H + MARKERS_H) - HIDDEN_LANE_H;
        assert_eq!(heights, [left / 2.0, HIDDEN_LANE_H, left / 2.0]);
        assert_eq!(lay.hidden, [false, true, false]);
        assert_eq!(lay.lanes[2].1.top(), lay.lanes[1].1.bottom(), "rows stack");
    }

    #[test]
    fn a_tempo_grid_adds_the_beat_ruler_under_the_time_ruler() {
        let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(600.0, 400.0));
        let plain = Layout::new(rect, &lanes(&["A"]), false);
        assert_eq!(plain.beats.height(), 0.0);
        assert_eq!(plain.wave.top(), RULER_H);
        let grid = Layout::new(rect, &lanes(&["A"]), true);
        assert_eq!((grid.beats.top(), grid.beats.height()), (RULER_H, BEATS_H));
        assert_eq!(grid.wave.top(), RULER_H + BEATS_H);
        assert_eq!(grid.lanes[0].1.top(), plain.lanes[0].1.top() + BEATS_H);
        assert!(grid.in_header(grid.beats.center()));
    }
}
