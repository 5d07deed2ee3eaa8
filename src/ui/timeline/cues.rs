//! The timeline's view of the cues: a time-sorted index per lane (rebuilt when the document
//! changes), the clusters drawn as one bar at a zoom, how each cue looks, and hit testing.

use cuesheet::catalog::Catalog;
use egui::{Color32, Rect};

use super::TimelineState;
use super::layout::Layout;
use crate::doc::{CueId, Document};
use crate::ui::{TimeMapping, color_from_hex};

/// The closest two drawn cues on one lane may be, in points.
const MIN_CUE_GAP_PX: f32 = 4.0;

/// [`MIN_CUE_GAP_PX`] in ms at a zoom.
pub(super) fn min_gap_ms(ms_per_px: f64) -> i64 {
    ((f64::from(MIN_CUE_GAP_PX) * ms_per_px).ceil() as i64).max(1)
}

/// Cues on one lane drawn as one bar because they are too close to tell apart at this zoom.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cluster {
    pub first_ms: i64,
    pub last_ms: i64,
    /// Position of the first cue in the lane's time order.
    pub first: usize,
    pub count: usize,
}

/// How a cue is drawn, derived from the catalog once per document revision.
#[derive(Clone, Copy)]
pub(super) struct CueLook {
    pub color: Color32,
    pub tolerance: i64,
}

/// Where a drawn cue is, for hit testing (in draw order; later wins).
pub(super) struct Hit {
    pub id: CueId,
    pub rect: Rect,
}

/// The topmost drawn cue at `p`.
pub(super) fn cue_at(hits: &[Hit], p: egui::Pos2) -> Option<CueId> {
    hits.iter().rev().find(|h| h.rect.contains(p)).map(|h| h.id)
}

impl TimelineState {
    pub(super) fn refresh_index(&mut self, doc: &Document, catalog: &Catalog) {
        if self.order_revision == Some(doc.revision()) {
            return;
        }
        self.cue_looks = doc
            .show()
            .cues
            .iter()
            .map(|c| CueLook {
                color: catalog
                    .get(&c.action)
                    .map_or(Color32::GRAY, |e| color_from_hex(&e.color)),
                tolerance: catalog.effective_tolerance(c),
            })
            .collect();
        let cues = &doc.show().cues;
        let lanes = doc.lane_list();
        let mut orders: Vec<Vec<usize>> = vec![Vec::new(); lanes.len()];
        for (i, cue) in cues.iter().enumerate() {
            let lane = cue.lane.as_deref().unwrap_or("");
            if let Some(li) = lanes.iter().position(|l| l.name == lane) {
                orders[li].push(i);
            }
        }
        for order in &mut orders {
            order.sort_by_key(|&i| (cues[i].time, i));
        }
        self.lane_orders = orders;
        self.lanes = lanes;
        self.content_end_ms = doc.content_end_ms();
        self.max_extent_ms = cues
            .iter()
            .map(|c| c.duration.unwrap_or(0).max(c.tolerance.unwrap_or(0)))
            .max()
            .unwrap_or(0);
        self.order_revision = Some(doc.revision());
    }

    /// Groups each lane's cues into runs whose neighbours are less than `min_gap_ms` apart.
    /// Recomputed only when the document or the zoom changes, so panning costs nothing
    /// and a frame draws clusters, bounded by pixels, however many cues the show has.
    pub(super) fn refresh_clusters(&mut self, doc: &Document, min_gap_ms: i64) {
        let key = (doc.revision(), min_gap_ms);
        if self.cluster_key == Some(key) {
            return;
        }
        let cues = &doc.show().cues;
        let time = |i: usize| cues.get(i).map_or(0, |c| c.time);
        self.clusters = self
            .lane_orders
            .iter()
            .map(|order| {
                let mut out: Vec<Cluster> = Vec::new();
                for (k, &i) in order.iter().enumerate() {
                    let t = time(i);
                    match out.last_mut() {
                        Some(c) if t - c.last_ms < min_gap_ms => {
                            c.last_ms = t;
                            c.count += 1;
                        }
                        _ => out.push(Cluster {
                            first_ms: t,
                            last_ms: t,
                            first: k,
                            count: 1,
                        }),
                    }
                }
                out
            })
            .collect();
        self.cluster_key = Some(key);
    }
}

/// The cues a rubber band `band` covers: by time and lane, so cues merged by the level of
/// detail are included (hidden lanes' are not).
pub(super) fn cues_in_band<'d>(
    doc: &'d Document,
    lay: &Layout,
    map: &TimeMapping,
    band: Rect,
) -> impl Iterator<Item = CueId> + 'd {
    let (t0, t1) = (map.time_from_x(band.left()), map.time_from_x(band.right()));
    let lanes: Vec<String> = lay
        .lanes
        .iter()
        .zip(&lay.hidden)
        .filter(|((_, lr), hidden)| !**hidden && lr.intersects(band))
        .map(|((n, _), _)| n.clone())
        .collect();
    doc.cues()
        .filter(move |(_, c)| {
            (t0..=t1).contains(&c.time)
                && lanes.iter().any(|l| l == c.lane.as_deref().unwrap_or(""))
        })
        .map(|(id, _)| id)
}

/// The tolerance tier's colour (`Tier::from_tolerance`: Good green, Fair amber, Poor red);
/// a tolerance below the show's expected drift is never shown as green.
pub fn tier_color(tolerance_ms: i64, expected_drift_ms: i64) -> Color32 {
    use cuesheet::catalog::Tier;
    match Tier::from_tolerance(tolerance_ms) {
        Tier::Good if tolerance_ms >= expected_drift_ms => Color32::from_rgb(90, 200, 120),
        Tier::Good | Tier::Fair => Color32::from_rgb(240, 180, 60),
        Tier::Poor => Color32::from_rgb(235, 80, 80),
    }
}

#[cfg(test)]
mod tests {
    use cuesheet::{Cue, Show};

    use super::*;

    #[test]
    fn tier_colours_follow_the_catalog_tiers_and_the_drift() {
        let (green, amber, red) = (
            Color32::from_rgb(90, 200, 120),
            Color32::from_rgb(240, 180, 60),
            Color32::from_rgb(235, 80, 80),
        );
        use cuesheet::catalog::Tier;
        assert_eq!(tier_color(Tier::GOOD_MIN_MS, 500), green);
        assert_eq!(
            tier_color(Tier::GOOD_MIN_MS, 1500),
            amber,
            "below the drift"
        );
        assert_eq!(tier_color(Tier::GOOD_MIN_MS - 1, 0), amber);
        assert_eq!(tier_color(Tier::FAIR_MIN_MS, 0), amber);
        assert_eq!(tier_color(Tier::FAIR_MIN_MS - 1, 0), red);
    }

    fn cue(time: i64, lane: &str) -> Cue {
        Cue {
            time,
            action: "flash".into(),
            lane: Some(lane.into()),
            ..Cue::default()
        }
    }

    #[test]
    fn close_cues_cluster_per_lane_and_the_clusters_follow_the_zoom() {
        // Lane A: 0, 10, 20 (a run), 500 (alone); lane B: 15 alone.
        let doc = Document::new(
            Show {
                cues: vec![
                    cue(20, "A"),
                    cue(0, "A"),
                    cue(15, "B"),
                    cue(500, "A"),
                    cue(10, "A"),
                ],
                ..Show::default()
            },
            None,
        );
        let mut st = TimelineState::default();
        st.refresh_index(&doc, &Catalog::builtin());
        st.refresh_clusters(&doc, 11);
        let summary = |st: &TimelineState| -> Vec<Vec<(i64, i64, usize)>> {
            st.clusters
                .iter()
                .map(|l| l.iter().map(|c| (c.first_ms, c.last_ms, c.count)).collect())
                .collect()
        };
        let names: Vec<&str> = st.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
        assert_eq!(
            summary(&st),
            [vec![(0, 20, 3), (500, 500, 1)], vec![(15, 15, 1)]]
        );
        // Zoomed in: every cue stands alone.
        st.refresh_clusters(&doc, 5);
        assert_eq!(
            summary(&st)[0],
            [(0, 0, 1), (10, 10, 1), (20, 20, 1), (500, 500, 1)]
        );
        // Zoomed far out: one run per lane.
        st.refresh_clusters(&doc, min_gap_ms(1_000.0));
        assert_eq!(summary(&st), [vec![(0, 500, 4)], vec![(15, 15, 1)]]);
    }
}
