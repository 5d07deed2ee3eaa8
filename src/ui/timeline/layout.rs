//! The timeline's rows and lanes for one frame: ruler, waveform, markers, then one lane per
//! cue `lane`, right of the gutter that names them.

use egui::{Pos2, Rect};

pub const RULER_H: f32 = 24.0;
pub const WAVE_H: f32 = 96.0;
pub const MARKERS_H: f32 = 22.0;
pub const LANE_H: f32 = 38.0;
pub const GUTTER_W: f32 = 96.0;

/// Lane geometry for one frame.
pub(super) struct Layout {
    pub ruler: Rect,
    pub wave: Rect,
    pub markers: Rect,
    pub lanes: Vec<(String, Rect)>,
    pub body: Rect,
}

impl Layout {
    /// Splits `rect` into the rows, sharing what is left below the markers among `lanes`.
    pub fn new(rect: Rect, lanes: Vec<String>) -> Self {
        let x0 = rect.left() + GUTTER_W;
        let row =
            |y: f32, h: f32| Rect::from_min_max(Pos2::new(x0, y), Pos2::new(rect.right(), y + h));
        let ruler = row(rect.top(), RULER_H);
        let wave = row(ruler.bottom(), WAVE_H);
        let markers = row(wave.bottom(), MARKERS_H);
        let avail = (rect.bottom() - markers.bottom()).max(0.0);
        let lane_h = if lanes.is_empty() {
            LANE_H
        } else {
            (avail / lanes.len() as f32).clamp(22.0, LANE_H)
        };
        let lanes = lanes
            .into_iter()
            .enumerate()
            .map(|(i, name)| (name, row(markers.bottom() + i as f32 * lane_h, lane_h)))
            .collect();
        let body = Rect::from_min_max(Pos2::new(x0, markers.bottom()), rect.right_bottom());
        Self {
            ruler,
            wave,
            markers,
            lanes,
            body,
        }
    }

    /// The name of the lane at height `y`, if any.
    pub fn lane_at(&self, y: f32) -> Option<&str> {
        self.lanes
            .iter()
            .find(|(_, r)| r.y_range().contains(y))
            .map(|(n, _)| n.as_str())
    }

    /// The ruler, waveform and markers rows: a click there seeks.
    pub fn in_header(&self, p: Pos2) -> bool {
        self.ruler.contains(p) || self.wave.contains(p) || self.markers.contains(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_stack_under_the_ruler_and_lanes_share_what_is_left() {
        let rect = Rect::from_min_size(Pos2::new(10.0, 20.0), egui::vec2(600.0, 300.0));
        let lay = Layout::new(rect, vec!["A".into(), "B".into()]);
        assert_eq!(lay.ruler.left(), 10.0 + GUTTER_W);
        assert_eq!(lay.markers.bottom(), 20.0 + RULER_H + WAVE_H + MARKERS_H);
        // 158 points left for two lanes: each at most LANE_H.
        let heights: Vec<f32> = lay.lanes.iter().map(|(_, r)| r.height()).collect();
        assert_eq!(heights, [LANE_H, LANE_H]);
        let b_mid = lay.lanes[1].1.center().y;
        assert_eq!(lay.lane_at(b_mid), Some("B"));
        assert_eq!(lay.lane_at(lay.markers.center().y), None);
        assert!(lay.in_header(lay.markers.center()));
        assert!(!lay.in_header(Pos2::new(lay.ruler.left() + 1.0, b_mid)));
        // Many lanes in little room: squeezed, but not below 22 points.
        let many = Layout::new(rect, (0..20).map(|i| i.to_string()).collect());
        assert!(many.lanes.iter().all(|(_, r)| r.height() == 22.0));
    }
}
