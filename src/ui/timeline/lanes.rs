//! The lane headers in the gutter: each lane's name, its hide, mute and solo buttons, the
//! in-place field that renames it (double-click), and where a dragged header lands. Every
//! change is an [`Edit`], one undo step.

use cuesheet::Lane;
use egui::{Align2, Color32, FontId, Pos2, Rect, Vec2};

use super::layout::Layout;
use super::rename::{Renamed, rename_field};
use crate::doc::{Edit, LaneFlag};
use crate::ui::{Action, EditorState};

/// The hide, mute and solo buttons' size.
const BUTTON: Vec2 = Vec2::new(16.0, 16.0);

/// What the lanes list shows for the lane of cues without one.
pub(super) fn display_name(name: &str) -> &str {
    if name.is_empty() { "(no lane)" } else { name }
}

/// A lane being renamed: the text typed so far.
pub(super) struct LaneRename {
    pub name: String,
    pub text: String,
    /// Whether the field has had the keyboard (it asks for it until then).
    pub focused: bool,
}

/// Each lane's header: the collapse toggle (hide), the name, and the mute and solo buttons
/// for the stage preview. Disabled while the document is read-only.
pub(super) fn headers_ui(
    ui: &mut egui::Ui,
    lay: &Layout,
    lanes: &[Lane],
    editable: bool,
    actions: &mut Vec<Action>,
) {
    let text = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();
    for (i, lane) in lanes.iter().enumerate() {
        let Some(header) = lay.header(i) else {
            continue;
        };
        let y = header.center().y;
        let at = |x: f32| Rect::from_center_size(Pos2::new(x, y), BUTTON);
        let name = display_name(&lane.name);
        let flag = |flag, on| {
            Action::Edit(Edit::SetLaneFlag {
                name: lane.name.clone(),
                flag,
                on,
            })
        };
        let verb = if lane.hidden { "Show" } else { "Hide" };
        let hide = collapse_toggle_ui(ui, at(header.left() + 11.0), lane, editable)
            .accessible_name(format!("{verb} lane {name}"))
            .on_hover_text(format!("{verb} this lane's cues in the timeline"));
        if hide.clicked() && editable {
            actions.push(flag(LaneFlag::Hidden, !lane.hidden));
        }
        let toggles = [
            (
                LaneFlag::Solo,
                "S",
                lane.solo,
                "Solo",
                "play only the soloed lanes",
            ),
            (
                LaneFlag::Muted,
                "M",
                lane.muted,
                "Mute",
                "leave this lane out",
            ),
        ];
        for (k, (kind, letter, on, verb, what)) in toggles.into_iter().enumerate() {
            let x = header.right() - 11.0 - k as f32 * (BUTTON.x + 2.0);
            let button = egui::Button::new(letter).small().selected(on);
            let resp = ui
                .add_enabled_ui(editable, |ui| ui.put(at(x), button))
                .inner
                .accessible_name(format!("{verb} lane {name}"))
                .on_hover_text(format!("Stage preview: {what}"));
            if resp.clicked() {
                actions.push(flag(kind, !on));
            }
        }
        // The name, cut to the room between the buttons.
        let left = header.left() + 22.0;
        let room = (header.right() - 2.0 * (BUTTON.x + 2.0) - 6.0 - left).max(8.0);
        let mut job = egui::text::LayoutJob::single_section(
            name.to_owned(),
            egui::TextFormat::simple(
                FontId::proportional(12.0),
                if lane.hidden { weak } else { text },
            ),
        );
        job.wrap = egui::text::TextWrapping::truncate_at_width(room);
        let galley = ui.painter().layout_job(job);
        let rect = Align2::LEFT_CENTER.anchor_size(Pos2::new(left, y), galley.size());
        ui.painter()
            .with_clip_rect(header)
            .galley(rect.min, galley, Color32::PLACEHOLDER);
    }
}

/// A triangle that points down while the lane is shown and right while it is collapsed
/// (painted: the bundled fonts have no arrow glyphs).
fn collapse_toggle_ui(ui: &mut egui::Ui, rect: Rect, lane: &Lane, enabled: bool) -> egui::Response {
    let collapsed = lane.hidden;
    let id = ui.scope_id().with(("lane-collapse", &lane.name));
    let resp = ui.interact(rect, id, egui::Sense::click());
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, ""));
    let visuals = ui.style().interact(&resp);
    let color = if enabled {
        visuals.fg_stroke.color
    } else {
        ui.visuals().weak_text_color()
    };
    let c = rect.center();
    let points = if collapsed {
        vec![
            c + egui::vec2(-3.0, -5.0),
            c + egui::vec2(4.0, 0.0),
            c + egui::vec2(-3.0, 5.0),
        ]
    } else {
        vec![
            c + egui::vec2(-5.0, -3.0),
            c + egui::vec2(5.0, -3.0),
            c + egui::vec2(0.0, 4.0),
        ]
    };
    ui.painter().add(egui::Shape::convex_polygon(
        points,
        color,
        egui::Stroke::NONE,
    ));
    resp
}

/// Where a header dragged from lane `from` and dropped at height `y` goes: the position of
/// the lane under the pointer (first or last above or below them all).
pub(super) fn drop_index(lay: &Layout, y: f32) -> usize {
    let last = lay.lanes.len().saturating_sub(1);
    match lay.lane_index_at(y) {
        Some(i) => i,
        None if lay.lanes.first().is_some_and(|(_, r)| y < r.top()) => 0,
        None => last,
    }
}

/// Opens the rename field on lane `name`.
pub(super) fn start_rename(state: &mut EditorState, name: &str) {
    state.timeline.lane_rename = Some(LaneRename {
        name: name.to_owned(),
        text: name.to_owned(),
        focused: false,
    });
}

/// The rename field over the lane's header. Enter or leaving the field renames (one undo
/// step; a blank or unchanged name changes nothing); Escape cancels.
pub(super) fn rename_ui(
    ui: &egui::Ui,
    state: &mut EditorState,
    lay: &Layout,
    editable: bool,
    actions: &mut Vec<Action>,
) {
    let Some(rename) = state.timeline.lane_rename.as_mut() else {
        return;
    };
    let header = lay
        .lanes
        .iter()
        .position(|(n, _)| *n == rename.name)
        .and_then(|i| lay.header(i));
    let Some(header) = header.filter(|_| editable) else {
        state.timeline.lane_rename = None;
        return;
    };
    let at = Pos2::new(header.left() + 2.0, header.center().y - 12.0);
    let (text, focused) = (&mut rename.text, &mut rename.focused);
    let width = header.width() + 60.0;
    match rename_field(
        ui,
        "lane-rename",
        at,
        width,
        "Lane name",
        (text, focused),
        &rename.name,
    ) {
        Renamed::Editing => {}
        Renamed::Unchanged => state.timeline.lane_rename = None,
        Renamed::To(to) => {
            // The selected lane follows its new name.
            if state.timeline.selected_lane.as_deref() == Some(rename.name.as_str()) {
                state.timeline.selected_lane = Some(to.clone());
            }
            actions.push(Action::Edit(Edit::RenameLane {
                from: rename.name.clone(),
                to,
            }));
            state.timeline.lane_rename = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_header_lands_on_the_lane_under_the_pointer() {
        let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(600.0, 400.0));
        let lanes: Vec<Lane> = ["A", "B", "C"]
            .iter()
            .map(|n| Lane {
                name: (*n).to_owned(),
                ..Lane::default()
            })
            .collect();
        let lay = Layout::new(rect, &lanes, false);
        let mid = |i: usize| lay.lanes[i].1.center().y;
        assert_eq!(drop_index(&lay, mid(2)), 2);
        assert_eq!(drop_index(&lay, mid(0)), 0);
        assert_eq!(drop_index(&lay, 0.0), 0, "above the lanes: first");
        assert_eq!(drop_index(&lay, 10_000.0), 2, "below them: last");
        assert_eq!(display_name(""), "(no lane)");
    }
}
