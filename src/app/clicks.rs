//! What clicks during playback: the metronome's beats and the cues' times, rebuilt when the
//! document changes and handed to the player, which mixes them into the audio
//! ([`crate::audio::clicks`]).

use std::sync::Arc;

use cuesheet::Show;

use super::CuestudioApp;
use crate::audio::clicks::{ClickLevels, ClickSchedule};
use crate::doc::Document;

/// The metronome's beats from 0 to `end_ms`, `(ms, downbeat)`, from the show's tempo grid
/// (none when the show has no grid).
pub fn metronome_beats(show: &Show, end_ms: i64) -> Vec<(i64, bool)> {
    let map = cuesheet::grid::TempoMap::new(&show.tempo);
    if map.is_empty() {
        return Vec::new();
    }
    map.beats(0, end_ms)
        .map(|line| (line.time, line.is_downbeat()))
        .collect()
}

/// The times of the cues that click: those the stage preview plays (muted lanes left out,
/// only the soloed lanes when any is soloed), at their start.
pub fn cue_click_times(doc: &Document) -> Vec<i64> {
    doc.preview_cues().iter().map(|c| c.time).collect()
}

impl CuestudioApp {
    /// Hands the player the beats (over the audio, or the cues if they run longer) and cue
    /// times of the document as it is now.
    pub(super) fn refresh_clicks(&mut self) {
        let end = self
            .audio_duration_ms()
            .unwrap_or(0)
            .max(self.doc.content_end_ms());
        let beats = metronome_beats(self.doc.show(), end);
        let cues = cue_click_times(&self.doc);
        self.player.set_click_times(beats, cues);
    }

    /// Sets and remembers the clicks' settings.
    pub(super) fn set_clicks(&mut self, levels: ClickLevels) {
        self.settings.clicks = levels.clamped();
        self.player.set_click_levels(self.settings.clicks);
    }

    /// What the player clicks now: beats, cue times and levels.
    pub fn click_schedule(&self) -> Arc<ClickSchedule> {
        self.player.click_schedule()
    }
}
