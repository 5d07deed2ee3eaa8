//! The tempo grid in the timeline: the beat ruler (bar numbers, beat ticks, each section's
//! tempo), the grid's lines across the lanes, and the beat a drag in the ruler grabs.
//!
//! Cheap at any zoom: only the lines in view are walked, and a division whose lines would
//! be closer than [`MIN_LINE_PX`] gives way to a coarser one (parts of a beat, then beats,
//! then bars); when even bars are that close, only the sections' starts are drawn.

use cuesheet::TempoSection;
use cuesheet::grid::{Division, GridLine, TempoMap};
use egui::{Color32, FontId, Pos2, Rect, Stroke};

use super::interaction::Drag;
use super::paint::PaintCtx;
use crate::ui::time_map::bpm_text;
use crate::ui::{SnapGrid, TimeMapping};

/// Lines closer than this (points) are not drawn.
const MIN_LINE_PX: f32 = 4.0;
/// How near (points) the pointer must be to a beat's tick in the ruler to grab it.
pub(super) const GRAB_PX: f32 = 5.0;
/// Ticks closer than this cannot be told apart by the pointer: the coarser ones are grabbed.
const MIN_GRAB_GAP_PX: f32 = 8.0;
/// Bar numbers at least this far apart.
const MIN_LABEL_PX: f32 = 28.0;

/// The length (ms) of `division` in `section`.
fn unit_ms(section: &TempoSection, division: Division) -> f64 {
    match division.per_beat() {
        Some(n) => section.beat_ms() / f64::from(n),
        None => section.beat_ms() * f64::from(section.beats_per_bar),
    }
}

/// The closest `division`'s lines come in the sections in view, in points.
fn min_gap_px(tempo: &TempoMap, map: &TimeMapping, division: Division) -> Option<f32> {
    let (a, b) = (
        tempo.section_at(map.start_ms)?,
        tempo.section_at(map.end_ms())?,
    );
    let ms = tempo.sections()[a..=b]
        .iter()
        .map(|s| unit_ms(s, division))
        .min_by(f64::total_cmp)?;
    Some((ms / map.ms_per_px) as f32)
}

/// The finest division worth drawing: the snap grid's when it splits beats, else beats,
/// else bars, the first whose lines are at least [`MIN_LINE_PX`] apart; `None` when even
/// bars are closer.
fn drawn_division(tempo: &TempoMap, map: &TimeMapping, snap: Option<Division>) -> Option<Division> {
    let fine = snap.filter(|d| d.per_beat().is_some_and(|n| n > 1));
    fine.into_iter()
        .chain([Division::Beat, Division::Bar])
        .find(|&d| min_gap_px(tempo, map, d).is_some_and(|gap| gap >= MIN_LINE_PX))
}

/// The snap grid's division, when it is one of the tempo grid and snapping is on.
fn snap_division(cx: &PaintCtx<'_>) -> Option<Division> {
    let t = &cx.state.timeline;
    match t.snap_grid {
        SnapGrid::Tempo(d) if t.snapping => Some(d),
        _ => None,
    }
}

/// How strong the lines of each kind are drawn (downbeats, beats, parts of a beat): fainter
/// the closer together they come, so a zoomed-out grid does not curtain the cues.
fn line_strengths(tempo: &TempoMap, map: &TimeMapping, division: Division) -> [f32; 3] {
    let fade = |d: Division, full: f32| {
        let gap = min_gap_px(tempo, map, d).unwrap_or(f32::INFINITY);
        full * ((gap - MIN_LINE_PX) / 24.0).clamp(0.25, 1.0)
    };
    [
        fade(Division::Bar, 0.32),
        fade(Division::Beat, 0.14),
        fade(division, 0.08),
    ]
}

fn line_color(cx: &PaintCtx<'_>, line: &GridLine, strengths: [f32; 3]) -> Color32 {
    let kind = if line.is_downbeat() {
        0
    } else if line.is_beat() {
        1
    } else {
        2
    };
    cx.visuals.text_color().gamma_multiply(strengths[kind])
}

/// The grid's lines across the lanes, behind the cues.
pub(super) fn draw_grid(cx: &PaintCtx<'_>) {
    let (tempo, map, lay) = (cx.tempo, &cx.map, cx.lay);
    if tempo.is_empty() {
        return;
    }
    let body = cx.painter.with_clip_rect(lay.body);
    let (top, bottom) = (lay.body.top(), lay.body.bottom());
    let Some(division) = drawn_division(tempo, map, snap_division(cx)) else {
        // Bars too close together: only where each section starts.
        for s in tempo.sections() {
            let x = map.x_from_time(s.time);
            body.vline(
                x,
                top..=bottom,
                Stroke::new(1.0, cx.visuals.text_color().gamma_multiply(0.32)),
            );
        }
        return;
    };
    let strengths = line_strengths(tempo, map, division);
    for line in tempo.lines(map.start_ms, map.end_ms(), division) {
        let x = map.x_from_time(line.time);
        let color = line_color(cx, &line, strengths);
        body.vline(x, top..=bottom, Stroke::new(1.0, color));
    }
}

/// The beat ruler: ticks (taller on downbeats), bar numbers, and each section's tempo and
/// meter at its start; the beat being dragged, highlighted.
pub(super) fn draw_beat_ruler(cx: &PaintCtx<'_>) {
    let (tempo, map, r) = (cx.tempo, &cx.map, cx.lay.beats);
    if tempo.is_empty() || r.height() <= 0.0 {
        return;
    }
    let painter = cx.painter.with_clip_rect(r);
    // Opaque, so a label's patch hides the ticks under it.
    let fill = cx.visuals.window_fill;
    painter.rect_filled(r, 0.0, fill);
    painter.hline(
        r.x_range(),
        r.top(),
        Stroke::new(1.0, cx.visuals.faint_bg_color),
    );
    let font = FontId::proportional(11.0);
    let text_color = cx.visuals.text_color();
    let weak = cx.visuals.weak_text_color();
    let division = drawn_division(tempo, map, snap_division(cx));
    // Label every n-th bar, n a power of two, so the numbers keep apart.
    let bar_px = min_gap_px(tempo, map, Division::Bar).unwrap_or(f32::INFINITY);
    let every = (0..8)
        .map(|k| 1i64 << k)
        .find(|&n| n as f32 * bar_px >= MIN_LABEL_PX);
    // Drawn after the ticks, each on a patch of the row's colour, left out where it would
    // run into the one before it.
    let mut labels: Vec<(f32, String, bool)> = Vec::new();
    let mut label = |x: f32, text: String, strong: bool| labels.push((x, text, strong));
    let section_text = |line: &GridLine| {
        let s = &tempo.sections()[line.section];
        format!("{}  {} BPM {}", line.bar, bpm_text(s.bpm), s.meter())
    };
    match division {
        Some(division) => {
            for line in tempo.lines(map.start_ms, map.end_ms(), division) {
                let x = map.x_from_time(line.time);
                let labelled = line.is_downbeat()
                    && (line.beat == 0 || every.is_some_and(|n| (line.bar - 1).rem_euclid(n) == 0));
                let h = if labelled {
                    r.height()
                } else if line.is_downbeat() {
                    r.height() * 0.45
                } else if line.is_beat() {
                    r.height() * 0.3
                } else {
                    r.height() * 0.15
                };
                let color = if line.is_downbeat() { text_color } else { weak };
                painter.vline(x, (r.bottom() - h)..=r.bottom(), Stroke::new(1.0, color));
                if line.is_downbeat() && line.beat == 0 {
                    label(x, section_text(&line), true);
                } else if line.is_downbeat()
                    && every.is_some_and(|n| (line.bar - 1).rem_euclid(n) == 0)
                {
                    label(x, line.bar.to_string(), false);
                }
            }
        }
        None => {
            // Bars too close together: only where each section starts.
            for (i, s) in tempo.sections().iter().enumerate() {
                let x = map.x_from_time(s.time);
                painter.vline(x, r.y_range(), Stroke::new(1.0, text_color));
                if let Some(line) = tempo.lines(s.time, s.time, Division::Bar).next() {
                    debug_assert_eq!(line.section, i);
                    label(x, section_text(&line), true);
                }
            }
        }
    }
    let mut label_end = f32::NEG_INFINITY;
    for (x, text, strong) in labels {
        if x < label_end + 4.0 {
            continue;
        }
        let color = if strong { text_color } else { weak };
        let galley = painter.layout_no_wrap(text, font.clone(), color);
        let at = Pos2::new(x + 3.0, r.top() + 1.0);
        let patch = Rect::from_min_size(
            at - egui::vec2(1.0, 0.0),
            galley.size() + egui::vec2(3.0, 0.0),
        );
        painter.rect_filled(patch, 2.0, fill);
        painter.galley(at, galley, color);
        label_end = patch.right();
    }
    let accent = cx.visuals.selection.stroke.color;
    if let Some(Drag::Beat { section, beat, .. }) = &cx.state.timeline.drag
        && let Some(t) = tempo.beat_time(*section, *beat)
    {
        // The beat being dragged, across the lanes.
        let x = map.x_from_time(t);
        cx.painter
            .vline(x, r.top()..=cx.lay.body.bottom(), Stroke::new(2.0, accent));
    } else if let Some(p) = cx.painter.ctx().pointer_hover_pos()
        && !cx.input.read_only
        && r.contains(p)
        && let Some(line) = beat_at(tempo, map, p.x)
    {
        // The tick a drag would grab.
        let x = map.x_from_time(line.time);
        painter.vline(x, r.y_range(), Stroke::new(2.0, accent));
    }
}

/// The beat whose tick in the ruler is within [`GRAB_PX`] of `x`: a beat when beats are far
/// enough apart to tell from one another, else a bar's first beat; `None` when bars are
/// too close too.
pub(super) fn beat_at(tempo: &TempoMap, map: &TimeMapping, x: f32) -> Option<GridLine> {
    let division = [Division::Beat, Division::Bar]
        .into_iter()
        .find(|&d| min_gap_px(tempo, map, d).is_some_and(|gap| gap >= MIN_GRAB_GAP_PX))?;
    let line = tempo.nearest(map.time_from_x(x), division)?;
    ((map.x_from_time(line.time) - x).abs() <= GRAB_PX).then_some(line)
}

/// Whether `p` is in the beat ruler, on a tick that a drag would grab.
pub(super) fn over_beat(tempo: &TempoMap, map: &TimeMapping, ruler: Rect, p: Pos2) -> bool {
    ruler.contains(p) && beat_at(tempo, map, p.x).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::TimeView;

    fn map_at(ms_per_px: f64) -> TimeMapping {
        TimeView {
            start_ms: 0,
            ms_per_px,
        }
        .mapping(0.0, 1000.0)
    }

    #[test]
    fn finer_lines_give_way_when_they_would_crowd() {
        // 120 BPM in 4/4: a beat is 500 ms, a bar 2 s.
        let tempo = TempoMap::new(&[TempoSection::default()]);
        let eighths = Some(Division::Eighth);
        // 10 ms a point: eighths of a beat are 6.25 points apart.
        assert_eq!(
            drawn_division(&tempo, &map_at(10.0), eighths),
            Some(Division::Eighth)
        );
        assert_eq!(
            drawn_division(&tempo, &map_at(10.0), Some(Division::Bar)),
            Some(Division::Beat)
        );
        // 50 ms a point: beats 10 points apart, eighths too close.
        assert_eq!(
            drawn_division(&tempo, &map_at(50.0), eighths),
            Some(Division::Beat)
        );
        // 200 ms: bars 10 points apart; 1 s: bars 2 points apart, none.
        assert_eq!(
            drawn_division(&tempo, &map_at(200.0), None),
            Some(Division::Bar)
        );
        assert_eq!(drawn_division(&tempo, &map_at(1_000.0), None), None);
        assert_eq!(
            drawn_division(&TempoMap::default(), &map_at(10.0), None),
            None
        );
    }

    #[test]
    fn a_beat_is_grabbed_near_its_tick_and_bars_when_beats_crowd() {
        let tempo = TempoMap::new(&[TempoSection {
            time: 1_000,
            ..TempoSection::default()
        }]);
        let near = map_at(10.0);
        // Beat 3 at 2 500 ms is at x 250.
        let line = beat_at(&tempo, &near, 253.0).unwrap();
        assert_eq!((line.section, line.beat, line.time), (0, 3, 2_500));
        assert_eq!(beat_at(&tempo, &near, 256.0), None, "too far from the tick");
        // 100 ms a point: beats 5 points apart, bars 20: a bar's tick is grabbed.
        let far = map_at(100.0);
        assert_eq!(beat_at(&tempo, &far, 52.0).map(|l| l.beat), Some(8));
        assert_eq!(beat_at(&tempo, &far, 20.0), None, "a beat between bars");
    }
}
