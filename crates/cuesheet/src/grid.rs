//! The tempo grid's maths, pure: the lines of a show's [`TempoSection`]s (bars, beats and
//! their subdivisions, with bar and beat numbers), snapping a time to them, refitting a
//! section to a dragged beat, sections that fit a beat analysis ([`sections_from_beats`]),
//! and tap tempo.
//!
//! A metronome clicks on [`TempoMap::beats`] (accenting [`GridLine::is_downbeat`]); a beat
//! analysis becomes a grid through [`sections_from_beats`] and the editor's
//! `Edit::SetTempo`.
//!
//! **The grid.** Section `i` governs the times from its `time` up to the next section's
//! time; the first section also reaches back before its own time, so there are lines before
//! it too (bars 0, -1, … count back from its bar 1). A line `m` of a division `p/q` beats
//! (a bar is `beats_per_bar/1`, a beat `1/1`, a triplet eighth `1/3`) lies at
//! `time + round(m·p/q · 60000/bpm)` ms, the fraction reduced first, so a beat is at the
//! same millisecond whatever the division: `section.time + round(k·60000/bpm)`.
//!
//! **Bars.** The first section's first downbeat is bar 1. A later section starts a new bar
//! at its own time: its first bar is one after the last bar the section before it began
//! (a bar cut short by the next section still counts).
//!
//! **Refit** (correct one beat): dragging beat `k ≠ 0` of a section (counted from its first
//! downbeat) to a time keeps the section's start and sets its tempo so that beat `k` lands
//! there; dragging beat 0 moves the section's start, tempo kept. Either way the later
//! sections keep their own times: they start where they did, whatever the refit section's
//! last bar now looks like.

use crate::model::TempoSection;

/// The grid's lines a drag snaps to, and how fine the drawn grid goes.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Division {
    /// No grid: [`TempoMap::snap`] leaves a time alone.
    Off,
    Bar,
    #[default]
    Beat,
    /// Half a beat.
    Half,
    /// A third of a beat (triplets).
    Third,
    Quarter,
    /// A sixth of a beat (triplets).
    Sixth,
    Eighth,
    /// A twelfth of a beat (triplets).
    Twelfth,
    Sixteenth,
}

impl Division {
    /// Every division, coarse to fine, as a menu lists them.
    pub const ALL: [Division; 10] = [
        Division::Off,
        Division::Bar,
        Division::Beat,
        Division::Half,
        Division::Third,
        Division::Quarter,
        Division::Sixth,
        Division::Eighth,
        Division::Twelfth,
        Division::Sixteenth,
    ];

    /// Lines per beat; `None` for [`Division::Off`] and [`Division::Bar`].
    pub fn per_beat(self) -> Option<u32> {
        match self {
            Division::Off | Division::Bar => None,
            Division::Beat => Some(1),
            Division::Half => Some(2),
            Division::Third => Some(3),
            Division::Quarter => Some(4),
            Division::Sixth => Some(6),
            Division::Eighth => Some(8),
            Division::Twelfth => Some(12),
            Division::Sixteenth => Some(16),
        }
    }

    /// Splits a beat in three (or six, or twelve).
    pub fn is_triplet(self) -> bool {
        self.per_beat().is_some_and(|n| n % 3 == 0)
    }

    /// What a menu says: "Bar", "Beat", "1/2 beat", "1/3 beat (triplets)"…
    pub fn label(self) -> &'static str {
        match self {
            Division::Off => "Off",
            Division::Bar => "Bar",
            Division::Beat => "Beat",
            Division::Half => "1/2 beat",
            Division::Third => "1/3 beat (triplets)",
            Division::Quarter => "1/4 beat",
            Division::Sixth => "1/6 beat (triplets)",
            Division::Eighth => "1/8 beat",
            Division::Twelfth => "1/12 beat (triplets)",
            Division::Sixteenth => "1/16 beat",
        }
    }

    /// The division's length in `section`'s beats, as the fraction `(p, q)`.
    fn unit(self, section: &TempoSection) -> Option<(i64, i64)> {
        match self {
            Division::Off => None,
            Division::Bar => Some((i64::from(section.beats_per_bar), 1)),
            d => d.per_beat().map(|n| (1, i64::from(n))),
        }
    }
}

/// One line of the grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GridLine {
    /// Show time, ms.
    pub time: i64,
    /// The section it belongs to (index in [`TempoMap::sections`]).
    pub section: usize,
    /// The beat it is on or after, counted from the section's first downbeat (negative
    /// before the first section's time). [`TempoMap::refit`] takes it.
    pub beat: i64,
    /// Which part of that beat, in `1/subdivisions`: 0 on the beat itself.
    pub sub: u32,
    /// How many parts the division splits a beat into (1 for beats and bars).
    pub subdivisions: u32,
    /// The bar: 1 is the first section's first bar (0, -1… before it).
    pub bar: i64,
    /// The beat within the bar, from 1.
    pub beat_in_bar: u32,
}

impl GridLine {
    /// On a beat (not between beats).
    pub fn is_beat(&self) -> bool {
        self.sub == 0
    }

    /// On a bar's first beat.
    pub fn is_downbeat(&self) -> bool {
        self.sub == 0 && self.beat_in_bar == 1
    }
}

/// Times the grid reaches, about ±35,000 years: every sum below stays far from overflow.
const FAR_MS: i64 = 1 << 50;

/// A show's tempo grid, built from its sections once and asked many times.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TempoMap {
    sections: Vec<TempoSection>,
    /// The bar number of each section's first downbeat.
    first_bars: Vec<i64>,
}

impl TempoMap {
    /// The grid of `sections`: the valid ones ([`TempoSection::is_valid`]), each after the
    /// one before it (one at or before the previous kept section's time is left out; a show
    /// that parsed has none of either).
    pub fn new(sections: &[TempoSection]) -> Self {
        let mut kept: Vec<TempoSection> = Vec::with_capacity(sections.len());
        for s in sections.iter().filter(|s| s.is_valid() && s.time < FAR_MS) {
            if kept.last().is_none_or(|last| s.time > last.time) {
                kept.push(*s);
            }
        }
        let mut first_bars = Vec::with_capacity(kept.len());
        let mut bar = 1;
        for (i, s) in kept.iter().enumerate() {
            first_bars.push(bar);
            if let Some(next) = kept.get(i + 1) {
                // The bars this section begins before the next one starts.
                bar += last_index_before(s, (i64::from(s.beats_per_bar), 1), next.time) + 1;
            }
        }
        Self {
            sections: kept,
            first_bars,
        }
    }

    /// The sections the grid is made of, in time order.
    pub fn sections(&self) -> &[TempoSection] {
        &self.sections
    }

    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// The section that governs `t`: the last one starting at or before it, else the first.
    pub fn section_at(&self, t: i64) -> Option<usize> {
        if self.sections.is_empty() {
            return None;
        }
        Some(
            self.sections
                .partition_point(|s| s.time <= t)
                .saturating_sub(1),
        )
    }

    /// The lines of `division` from `from` to `to` (both included), in time order; none for
    /// [`Division::Off`] or an empty grid. Lazy: ask for any range.
    pub fn lines(&self, from: i64, to: i64, division: Division) -> Lines<'_> {
        let from = from.clamp(-FAR_MS, FAR_MS);
        let to = to.clamp(-FAR_MS, FAR_MS);
        let mut lines = Lines {
            map: self,
            division,
            to,
            section: 0,
            next: 0,
            last: -1,
            done: true,
        };
        if division == Division::Off || from > to {
            return lines;
        }
        if let Some(first) = self.section_at(from) {
            lines.done = false;
            lines.enter(first, from);
        }
        lines
    }

    /// The beats from `from` to `to` (both included): [`TempoMap::lines`] of
    /// [`Division::Beat`] (for a metronome's clicks, accented where
    /// [`GridLine::is_downbeat`]).
    pub fn beats(&self, from: i64, to: i64) -> Lines<'_> {
        self.lines(from, to, Division::Beat)
    }

    /// The line of `division` nearest `t` (the earlier of two as near); `t` itself for
    /// [`Division::Off`] or an empty grid.
    pub fn snap(&self, t: i64, division: Division) -> i64 {
        self.nearest(t, division).map_or(t, |line| line.time)
    }

    /// The line of `division` nearest `t` (the earlier of two as near).
    pub fn nearest(&self, t: i64, division: Division) -> Option<GridLine> {
        let i = self.section_at(t)?;
        let (p, q) = division.unit(&self.sections[i])?;
        // One division of the section that governs `t` either side holds the lines that
        // bracket it: the one at or before it is in that section (or, before the first
        // section, its backward reach), the one after is too or is the next section's start.
        let reach = (unit_ms(&self.sections[i], (p, q)).ceil() as i64).saturating_add(2);
        self.lines(t.saturating_sub(reach), t.saturating_add(reach), division)
            .min_by_key(|line| ((line.time - t).abs(), line.time))
    }

    /// Where beat `beat` of section `section` is.
    pub fn beat_time(&self, section: usize, beat: i64) -> Option<i64> {
        self.sections
            .get(section)
            .map(|s| line_time(s, beat.clamp(-FAR_MS, FAR_MS), 1))
    }

    /// The bar and beat (from 1, with the fraction of the beat) at `t`, as a ruler's
    /// readout says it: `(12, 3.5)` is half way through bar 12's third beat.
    pub fn bar_beat_at(&self, t: i64) -> Option<(i64, f64)> {
        let i = self.section_at(t)?;
        let s = &self.sections[i];
        let beats = (t.clamp(-FAR_MS, FAR_MS) - s.time) as f64 / s.beat_ms();
        let whole = beats.floor();
        let per_bar = f64::from(s.beats_per_bar);
        let bar = self.first_bars[i] + (whole / per_bar).floor() as i64;
        let in_bar = whole.rem_euclid(per_bar) + 1.0 + (beats - whole);
        Some((bar, in_bar))
    }

    /// Correct one beat: section `section` refitted so that its beat `beat` (counted from
    /// its first downbeat, as [`GridLine::beat`]) lands at `to`.
    ///
    /// - `beat ≠ 0`: the section's start stays; its tempo becomes what puts that beat at
    ///   `to` (to a millionth of a BPM, [`TempoSection::round_bpm`]). `None` when no tempo
    ///   in [`TempoSection::BPM_RANGE`] does (or `to` is on the other side of the start).
    /// - `beat = 0`: the section's start moves to `to`, tempo kept. `None` unless `to` is
    ///   at least 0 and between the sections before and after it.
    ///
    /// The other sections keep their own times (see the module's doc).
    pub fn refit(&self, section: usize, beat: i64, to: i64) -> Option<TempoSection> {
        let s = *self.sections.get(section)?;
        if beat == 0 {
            let after_prev = section
                .checked_sub(1)
                .and_then(|p| self.sections.get(p))
                .is_none_or(|p| to > p.time);
            let before_next = self.sections.get(section + 1).is_none_or(|n| to < n.time);
            return ((0..FAR_MS).contains(&to) && after_prev && before_next)
                .then_some(TempoSection { time: to, ..s });
        }
        let span = to.clamp(-FAR_MS, FAR_MS) - s.time;
        if span == 0 || (span > 0) != (beat > 0) {
            return None;
        }
        let bpm = TempoSection::round_bpm(beat as f64 * 60_000.0 / span as f64);
        TempoSection::bpm_ok(bpm).then_some(TempoSection { bpm, ..s })
    }
}

/// One division's length in ms in `section`.
fn unit_ms(section: &TempoSection, (p, q): (i64, i64)) -> f64 {
    p as f64 * section.beat_ms() / q as f64
}

/// Line `m` of a division of `q` parts per beat (or of `p` beats when `q` is 1): at
/// `m·p/q` beats from the section's start, the fraction reduced so a beat is at the same
/// millisecond in every division.
fn line_time(section: &TempoSection, num: i64, den: i64) -> i64 {
    let g = gcd(num.unsigned_abs(), den.unsigned_abs()).max(1) as i64;
    let (num, den) = (num / g, den / g);
    let offset = (num as f64 * 60_000.0) / (section.bpm * den as f64);
    section.time + offset.round() as i64
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The time of line `m` of the division `(p, q)` in `section`.
fn time_of(section: &TempoSection, (p, q): (i64, i64), m: i64) -> i64 {
    line_time(section, m.saturating_mul(p), q)
}

/// The first line `m` of `(p, q)` in `section` at or after `t`.
fn first_index_from(section: &TempoSection, unit: (i64, i64), t: i64) -> i64 {
    let mut m = ((t - section.time) as f64 / unit_ms(section, unit)).ceil() as i64;
    while time_of(section, unit, m - 1) >= t {
        m -= 1;
    }
    while time_of(section, unit, m) < t {
        m += 1;
    }
    m
}

/// The last line `m` of `(p, q)` in `section` before `t`.
fn last_index_before(section: &TempoSection, unit: (i64, i64), t: i64) -> i64 {
    first_index_from(section, unit, t) - 1
}

/// The lines of a range, section after section (see [`TempoMap::lines`]).
#[derive(Clone, Debug)]
pub struct Lines<'a> {
    map: &'a TempoMap,
    division: Division,
    to: i64,
    /// The section being walked, the next line index in it and its last one in range.
    section: usize,
    next: i64,
    last: i64,
    done: bool,
}

impl Lines<'_> {
    /// Starts section `i` at its first line at or after `from`.
    fn enter(&mut self, i: usize, from: i64) {
        let s = &self.map.sections[i];
        let Some(unit) = self.division.unit(s) else {
            self.done = true;
            return;
        };
        self.section = i;
        self.next = first_index_from(s, unit, from.max(if i == 0 { -FAR_MS } else { s.time }));
        // Up to the next section's start (not included), or the range's end.
        self.last = match self.map.sections.get(i + 1) {
            Some(n) if n.time <= self.to => last_index_before(s, unit, n.time),
            _ => last_index_before(s, unit, self.to.saturating_add(1)),
        };
    }
}

impl Iterator for Lines<'_> {
    type Item = GridLine;

    fn next(&mut self) -> Option<GridLine> {
        while !self.done {
            if self.next <= self.last {
                let m = self.next;
                self.next += 1;
                let s = &self.map.sections[self.section];
                let (p, q) = self.division.unit(s)?;
                let beats_num = m * p;
                let beat = beats_num.div_euclid(q);
                let per_bar = i64::from(s.beats_per_bar);
                return Some(GridLine {
                    time: time_of(s, (p, q), m),
                    section: self.section,
                    beat,
                    sub: beats_num.rem_euclid(q) as u32,
                    subdivisions: q as u32,
                    bar: self.map.first_bars[self.section] + beat.div_euclid(per_bar),
                    beat_in_bar: beat.rem_euclid(per_bar) as u32 + 1,
                });
            }
            match self.map.sections.get(self.section + 1) {
                Some(n) if n.time <= self.to => {
                    let (i, from) = (self.section + 1, n.time);
                    self.enter(i, from);
                }
                _ => self.done = true,
            }
        }
        None
    }
}

/// How far (as a share) the beat interval must move from a section's to start a new one
/// in [`sections_from_beats`].
pub const TEMPO_CHANGE: f64 = 0.04;

/// The fewest beats a tempo section found by [`sections_from_beats`] has (two bars of 4/4).
pub const MIN_SECTION_BEATS: usize = 8;

/// Tempo sections that fit beat times (a beat analysis's `beats`, ms), for
/// [`crate::Show::tempo`]: a new section where the beat interval (smoothed over five beats,
/// so one missed or extra beat does not count) moves more than [`TEMPO_CHANGE`] from the
/// section's; each section's tempo is the least-squares fit of its beats, and it starts at
/// its first downbeat (from `downbeats`; its first beat when none falls in it), in `meter`
/// (beats per bar, beat unit). Sections that would come out of [`TempoSection::BPM_RANGE`]
/// or not after the one before are left out, so the result is always a valid grid.
pub fn sections_from_beats(
    beats: &[i64],
    downbeats: &[i64],
    (beats_per_bar, beat_unit): (u32, u32),
) -> Vec<TempoSection> {
    let mut beats = beats.to_vec();
    beats.sort_unstable();
    beats.dedup();
    if beats.len() < 2 {
        return Vec::new();
    }
    let intervals: Vec<f64> = beats.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
    let smoothed: Vec<f64> = (0..intervals.len())
        .map(|i| {
            let window = &intervals[i.saturating_sub(2)..(i + 3).min(intervals.len())];
            let mut w = window.to_vec();
            w.sort_by(f64::total_cmp);
            w[w.len() / 2]
        })
        .collect();
    // Segments of beat indices, each from its first beat to its last.
    let mut segments: Vec<(usize, usize)> = Vec::new();
    let (mut start, mut reference) = (0, smoothed[0]);
    for (i, &interval) in smoothed.iter().enumerate().skip(1) {
        if (interval / reference - 1.0).abs() > TEMPO_CHANGE {
            segments.push((start, i));
            (start, reference) = (i, interval);
        }
    }
    segments.push((start, beats.len() - 1));
    // A tempo holds for a while: a run of fewer than MIN_SECTION_BEATS beats (a ritardando's
    // last few, a stumble at the end of an analysis) makes no section, and its beats do not
    // bend the fit of the one before; the longest run stands when none is long enough.
    let longest = segments.iter().copied().max_by_key(|(f, l)| l - f);
    segments.retain(|(first, last)| last - first + 1 >= MIN_SECTION_BEATS);
    if segments.is_empty() {
        segments.extend(longest);
    }
    let mut sections: Vec<TempoSection> = Vec::with_capacity(segments.len());
    for (first, last) in segments {
        let seg = &beats[first..=last];
        // Each beat's number from the segment's first, by the typical interval, so a missed
        // beat leaves a gap in the numbers rather than bending the fit.
        let mut typical: Vec<f64> =
            smoothed[first..last.max(first + 1).min(smoothed.len())].to_vec();
        typical.sort_by(f64::total_cmp);
        let Some(&typical) = typical.get(typical.len() / 2) else {
            continue;
        };
        // Counted interval by interval: numbering by the distance from the first beat
        // would slip by one wherever the typical interval (of beats found on a frame
        // grid, say 499 ms for 500) has drifted half a beat from the true one.
        let mut numbers: Vec<i64> = Vec::with_capacity(seg.len());
        let mut number = 0_i64;
        numbers.push(0);
        for pair in seg.windows(2) {
            number += (((pair[1] - pair[0]) as f64 / typical).round() as i64).max(1);
            numbers.push(number);
        }
        let Some((intercept, slope)) = fit_line(&numbers, seg) else {
            continue;
        };
        let bpm = TempoSection::round_bpm(60_000.0 / slope);
        // The first downbeat near one of the segment's beats, as a beat of the segment.
        let tolerance = slope / 4.0;
        let anchor = downbeats
            .iter()
            .filter_map(|&d| {
                let j = seg.partition_point(|&b| b < d);
                [j.checked_sub(1), Some(j)]
                    .into_iter()
                    .flatten()
                    .filter(|&k| k < seg.len())
                    .min_by_key(|&k| (seg[k] - d).abs())
                    .filter(|&k| ((seg[k] - d).abs() as f64) <= tolerance)
            })
            .min()
            .unwrap_or(0);
        let section = TempoSection {
            time: (intercept + slope * numbers[anchor] as f64).round() as i64,
            bpm,
            beats_per_bar,
            beat_unit,
        };
        if section.is_valid() && sections.last().is_none_or(|s| section.time > s.time) {
            sections.push(section);
        }
    }
    sections
}

/// The least-squares line through `(numbers[i], times[i])`: `(intercept, slope)` in ms and
/// ms per beat; `None` for fewer than two times or a slope that is no interval.
fn fit_line(numbers: &[i64], times: &[i64]) -> Option<(f64, f64)> {
    let n = times.len() as f64;
    if times.len() < 2 || numbers.len() != times.len() {
        return None;
    }
    let t0 = times[0];
    let mean_x = numbers.iter().map(|&k| k as f64).sum::<f64>() / n;
    let mean_y = times.iter().map(|&t| (t - t0) as f64).sum::<f64>() / n;
    let (mut cov, mut var) = (0.0, 0.0);
    for (&k, &t) in numbers.iter().zip(times) {
        let dx = k as f64 - mean_x;
        cov += dx * ((t - t0) as f64 - mean_y);
        var += dx * dx;
    }
    let slope = cov / var;
    (slope.is_finite() && slope > 0.0).then_some((t0 as f64 + mean_y - slope * mean_x, slope))
}

/// Tap tempo: taps in time with the music give a tempo, the mean of the recent intervals.
///
/// Each tap gives two times: `clock_ms`, what the intervals are measured on (the show's
/// position while playing, so a slowed playback still gives the music's tempo; else a
/// wall clock), and `show_ms`, the playhead when tapped. A pause longer than
/// [`TapTempo::RESET_MS`] (or a clock that goes back: a seek) starts over.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TapTempo {
    /// The clock times of the recent taps, at most [`TapTempo::KEEP`].
    clocks: Vec<i64>,
    /// The playhead at the first tap of the run.
    first_show_ms: Option<i64>,
    taps: usize,
}

impl TapTempo {
    /// A pause this long starts a new run.
    pub const RESET_MS: i64 = 2_000;
    /// How many of the latest taps the tempo is the mean of.
    pub const KEEP: usize = 9;

    /// Records a tap.
    pub fn tap(&mut self, clock_ms: i64, show_ms: i64) {
        let starts_over = self
            .clocks
            .last()
            .is_some_and(|&last| clock_ms - last > Self::RESET_MS || clock_ms <= last);
        if starts_over {
            *self = Self::default();
        }
        if self.clocks.is_empty() {
            self.first_show_ms = Some(show_ms);
        }
        if self.clocks.len() == Self::KEEP {
            self.clocks.remove(0);
        }
        self.clocks.push(clock_ms);
        self.taps += 1;
    }

    /// The mean of the recent intervals in BPM (to a millionth); `None` before the
    /// second tap.
    pub fn bpm(&self) -> Option<f64> {
        let (first, last) = (self.clocks.first()?, self.clocks.last()?);
        let intervals = self.clocks.len().checked_sub(1).filter(|&n| n > 0)?;
        let mean_ms = (last - first) as f64 / intervals as f64;
        (mean_ms > 0.0).then(|| TempoSection::round_bpm(60_000.0 / mean_ms))
    }

    /// How many taps this run has had.
    pub fn taps(&self) -> usize {
        self.taps
    }

    /// The playhead at the run's first tap: where the tapped tempo's first downbeat goes.
    pub fn first_show_ms(&self) -> Option<i64> {
        self.first_show_ms
    }

    /// Whether a pause since the last tap means the next one starts over.
    pub fn is_stale(&self, clock_ms: i64) -> bool {
        self.clocks
            .last()
            .is_some_and(|&last| clock_ms - last > Self::RESET_MS)
    }

    /// The section the taps make, in `meter` (beats per bar, beat unit): from the first
    /// tap at the tapped tempo; `None` before two taps or outside the tempi a section
    /// may have.
    pub fn section(&self, (beats_per_bar, beat_unit): (u32, u32)) -> Option<TempoSection> {
        let section = TempoSection {
            time: self.first_show_ms?.max(0),
            bpm: self.bpm()?,
            beats_per_bar,
            beat_unit,
        };
        section.is_valid().then_some(section)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(time: i64, bpm: f64, beats_per_bar: u32) -> TempoSection {
        TempoSection {
            time,
            bpm,
            beats_per_bar,
            beat_unit: 4,
        }
    }

    fn times(map: &TempoMap, from: i64, to: i64, d: Division) -> Vec<i64> {
        map.lines(from, to, d).map(|l| l.time).collect()
    }

    #[test]
    fn beats_are_the_section_start_plus_whole_beats_rounded_to_the_millisecond() {
        // 130 BPM: a beat is 461.538… ms.
        let map = TempoMap::new(&[section(1_000, 130.0, 4)]);
        assert_eq!(
            times(&map, 1_000, 3_000, Division::Beat),
            [1_000, 1_462, 1_923, 2_385, 2_846]
        );
        // The same beats in every division that has them; the triplets between.
        let eighths = times(&map, 1_000, 3_000, Division::Half);
        assert_eq!(eighths[..4], [1_000, 1_231, 1_462, 1_692]);
        let triplets = times(&map, 1_000, 1_462, Division::Third);
        assert_eq!(triplets, [1_000, 1_154, 1_308, 1_462]);
        for d in Division::ALL.into_iter().skip(2) {
            let lines: Vec<GridLine> = map.lines(0, 20_000, d).collect();
            let beats: Vec<i64> = lines
                .iter()
                .filter(|l| l.is_beat())
                .map(|l| l.time)
                .collect();
            assert_eq!(beats, times(&map, 0, 20_000, Division::Beat), "{d:?}");
        }
        // Bars every four beats.
        assert_eq!(
            times(&map, -1_000, 6_000, Division::Bar),
            [-846, 1_000, 2_846, 4_692]
        );
        assert_eq!(times(&map, 0, 6_000, Division::Off), Vec::<i64>::new());
        assert_eq!(map.beat_time(0, 4), Some(2_846));
    }

    #[test]
    fn lines_carry_bars_and_beats_and_the_first_section_reaches_back() {
        let map = TempoMap::new(&[section(2_000, 120.0, 3)]);
        let lines: Vec<GridLine> = map.lines(0, 3_500, Division::Beat).collect();
        let seen: Vec<(i64, i64, u32, bool)> = lines
            .iter()
            .map(|l| (l.time, l.bar, l.beat_in_bar, l.is_downbeat()))
            .collect();
        assert_eq!(
            seen,
            [
                (0, -1, 3, false),
                (500, 0, 1, true),
                (1_000, 0, 2, false),
                (1_500, 0, 3, false),
                (2_000, 1, 1, true),
                (2_500, 1, 2, false),
                (3_000, 1, 3, false),
                (3_500, 2, 1, true),
            ]
        );
        assert_eq!(
            lines[0].beat, -4,
            "beats count back from the section's start"
        );
        assert_eq!(lines[4].beat, 0);
    }

    #[test]
    fn a_later_section_starts_its_own_bar_at_its_time_and_keeps_counting() {
        // 4/4 at 120 from 0 (a bar is 2 s); 3/4 at 60 from 5 s, in the middle of bar 3.
        let map = TempoMap::new(&[section(0, 120.0, 4), section(5_000, 60.0, 3)]);
        let bars: Vec<(i64, i64)> = map
            .lines(0, 12_000, Division::Bar)
            .map(|l| (l.time, l.bar))
            .collect();
        assert_eq!(
            bars,
            [
                (0, 1),
                (2_000, 2),
                (4_000, 3),
                (5_000, 4),
                (8_000, 5),
                (11_000, 6)
            ]
        );
        // The first section's lines stop before the second's start.
        assert_eq!(
            times(&map, 4_000, 6_000, Division::Beat),
            [4_000, 4_500, 5_000, 6_000]
        );
        let l = map.nearest(6_100, Division::Beat).unwrap();
        assert_eq!((l.section, l.beat, l.bar, l.beat_in_bar), (1, 1, 4, 2));
        assert_eq!(map.section_at(-5), Some(0));
        assert_eq!(map.section_at(4_999), Some(0));
        assert_eq!(map.section_at(5_000), Some(1));
        assert_eq!(map.bar_beat_at(5_500), Some((4, 1.5)));
        assert_eq!(map.bar_beat_at(-500), Some((0, 4.0)));
    }

    #[test]
    fn snap_goes_to_the_nearest_line_of_the_division() {
        let map = TempoMap::new(&[section(1_000, 120.0, 4)]);
        assert_eq!(map.snap(1_240, Division::Beat), 1_000);
        assert_eq!(map.snap(1_260, Division::Beat), 1_500);
        assert_eq!(map.snap(1_250, Division::Beat), 1_000, "a tie goes earlier");
        assert_eq!(map.snap(1_260, Division::Half), 1_250);
        assert_eq!(map.snap(1_100, Division::Third), 1_167);
        assert_eq!(map.snap(1_900, Division::Bar), 1_000);
        assert_eq!(map.snap(2_100, Division::Bar), 3_000);
        assert_eq!(
            map.snap(200, Division::Beat),
            0,
            "before the first section too"
        );
        assert_eq!(map.snap(1_234, Division::Off), 1_234);
        assert_eq!(TempoMap::default().snap(1_234, Division::Beat), 1_234);
        // Across a section change: the next section's start is a line.
        let two = TempoMap::new(&[section(0, 120.0, 4), section(1_300, 60.0, 4)]);
        assert_eq!(two.snap(1_200, Division::Beat), 1_300);
        assert_eq!(two.snap(1_100, Division::Beat), 1_000);
        assert_eq!(two.snap(1_800, Division::Beat), 1_300);
        assert_eq!(two.snap(1_810, Division::Beat), 2_300);
    }

    #[test]
    fn refit_puts_the_dragged_beat_where_it_was_dropped() {
        let map = TempoMap::new(&[section(1_000, 120.0, 4), section(20_000, 90.0, 4)]);
        // Beat 8 (5 000 ms) dragged to 5 400: 8 beats in 4 400 ms.
        let fitted = map.refit(0, 8, 5_400).unwrap();
        assert_eq!((fitted.time, fitted.bpm), (1_000, 109.090909));
        let refit = TempoMap::new(&[fitted, map.sections()[1]]);
        assert_eq!(refit.beat_time(0, 8), Some(5_400));
        assert_eq!(
            refit.sections()[1].time,
            20_000,
            "later sections keep their times"
        );
        // A beat before the first section's start, dragged earlier: slower.
        let back = map.refit(0, -2, 0).unwrap();
        assert_eq!(back.bpm, 120.0);
        assert_eq!(map.refit(0, -2, -200).unwrap().bpm, 100.0);
        // The first downbeat moves the section, tempo kept, but not past its neighbours.
        assert_eq!(map.refit(0, 0, 1_250), Some(section(1_250, 120.0, 4)));
        assert_eq!(map.refit(1, 0, 19_000).map(|s| s.time), Some(19_000));
        assert_eq!(map.refit(1, 0, 1_000), None);
        assert_eq!(map.refit(0, 0, 20_000), None);
        assert_eq!(map.refit(0, 0, -1), None);
        // No tempo in range, or the beat dropped on the other side of the start.
        assert_eq!(map.refit(0, 1, 1_100), None, "600 BPM");
        assert_eq!(map.refit(0, 1, 900), None);
        assert_eq!(map.refit(0, 1, 1_000), None);
        assert_eq!(map.refit(5, 1, 2_000), None, "no such section");
    }

    #[test]
    fn bad_sections_are_left_out_of_the_grid() {
        let map = TempoMap::new(&[
            section(0, 120.0, 4),
            section(0, 100.0, 4),
            section(500, 0.0, 4),
            section(1_000, 90.0, 0),
            section(2_000, 90.0, 4),
        ]);
        assert_eq!(
            map.sections(),
            [section(0, 120.0, 4), section(2_000, 90.0, 4)]
        );
        assert!(TempoMap::new(&[]).is_empty());
        assert_eq!(
            TempoMap::new(&[]).lines(0, 10_000, Division::Beat).count(),
            0
        );
    }

    #[test]
    fn lines_stay_cheap_and_sane_at_the_ends_of_time() {
        let map = TempoMap::new(&[section(0, 400.0, 32)]);
        assert_eq!(
            map.lines(i64::MIN, i64::MIN + 10, Division::Beat).count(),
            0
        );
        assert_eq!(
            map.lines(i64::MAX - 1_000, i64::MAX, Division::Beat)
                .count(),
            0
        );
        // A time beyond the grid's reach (35,000 years) is left alone, without a panic.
        assert_eq!(map.snap(i64::MAX, Division::Sixteenth), i64::MAX);
        assert_eq!(map.snap(i64::MIN, Division::Bar), i64::MIN);
        // Lazily: the first few lines of an endless range.
        assert_eq!(
            map.lines(0, i64::MAX, Division::Sixteenth).take(3).count(),
            3
        );
    }

    #[test]
    fn sections_fit_an_analysis_beats_and_start_on_its_downbeats() {
        // 32 beats at 120 BPM from 1 000 ms (downbeats every 4), then 24 at 90 BPM.
        let mut beats: Vec<i64> = (0..32).map(|k| 1_000 + k * 500).collect();
        let change = 1_000 + 32 * 500;
        beats.extend((0..24).map(|k| change + k * 667));
        let downbeats: Vec<i64> = beats.iter().copied().step_by(4).collect();
        let sections = sections_from_beats(&beats, &downbeats, (4, 4));
        let got: Vec<(i64, f64)> = sections.iter().map(|s| (s.time, s.bpm)).collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0], (1_000, 120.0));
        assert_eq!(got[1].0, change);
        assert!((got[1].1 - 89.955).abs() < 0.01, "{got:?}");
        // Its grid puts the beats where they were.
        let map = TempoMap::new(&sections);
        for &b in &beats {
            assert!((map.snap(b, Division::Beat) - b).abs() <= 1, "{b}");
        }
        // Downbeats that fall later than a segment's first beat: the section starts there.
        let late: Vec<i64> = downbeats.iter().map(|d| d + 1_000).collect();
        let sections = sections_from_beats(&beats, &late, (3, 4));
        assert_eq!(sections[0].time, 2_000);
        assert_eq!(sections[0].beats_per_bar, 3);
    }

    #[test]
    fn a_jittered_or_missed_beat_does_not_split_a_section() {
        // 128 BPM (468.75 ms), each beat up to 8 ms off, one beat missing.
        let mut beats: Vec<i64> = (0..64)
            .map(|k| 2_000 + (k as f64 * 468.75).round() as i64 + [0, 8, -5, 3, -8, 6, -2][k % 7])
            .collect();
        beats.remove(20);
        let sections = sections_from_beats(&beats, &[], (4, 4));
        assert_eq!(sections.len(), 1, "{sections:?}");
        assert!((sections[0].bpm - 128.0).abs() < 0.05, "{sections:?}");
        assert!((sections[0].time - 2_000).abs() <= 8);
        assert_eq!(sections_from_beats(&[5_000], &[], (4, 4)), []);
        assert_eq!(sections_from_beats(&[], &[], (4, 4)), []);
        // Too fast for a section: left out.
        let fast: Vec<i64> = (0..20).map(|k| k * 100).collect();
        assert_eq!(sections_from_beats(&fast, &[], (4, 4)), []);
    }

    #[test]
    fn beats_found_on_a_frame_grid_fit_the_true_tempo_over_a_whole_song() {
        // 300 beats at 120 BPM from 20 ms, each found on an analysis frame of 11.61 ms
        // (512 samples at 44.1 kHz): intervals of 499 or 511 ms, never 500.
        let hop = 512.0 / 44.1;
        let beats: Vec<i64> = (0..300)
            .map(|k| ((20.0 + k as f64 * 500.0) / hop).round() * hop)
            .map(|t: f64| t.round() as i64)
            .collect();
        let sections = sections_from_beats(&beats, &[], (4, 4));
        assert_eq!(sections.len(), 1, "{sections:?}");
        assert!((sections[0].bpm - 120.0).abs() < 0.02, "{sections:?}");
        let map = TempoMap::new(&sections);
        for &b in &beats {
            let off = (map.snap(b, Division::Beat) - b).abs();
            assert!(off <= 8, "beat {b}: the grid is {off} ms off");
        }
    }

    #[test]
    fn a_few_faster_beats_at_the_end_make_no_section_of_their_own() {
        // 64 beats at 120 BPM, then three at 128 (an analysis stumbling on a held chord).
        let mut beats: Vec<i64> = (0..64).map(|k| k * 500).collect();
        let end = 63 * 500;
        beats.extend([end + 469, end + 938, end + 1_407]);
        let sections = sections_from_beats(&beats, &[], (4, 4));
        assert_eq!(sections.len(), 1, "{sections:?}");
        assert_eq!(sections[0].time, 0);
        // A change that holds for two bars or more is a section.
        let mut beats: Vec<i64> = (0..64).map(|k| k * 500).collect();
        beats.extend((1..=8).map(|k| end + k * 469));
        assert_eq!(sections_from_beats(&beats, &[], (4, 4)).len(), 2);
    }

    #[test]
    fn tap_tempo_is_the_mean_of_recent_intervals_and_starts_over_after_a_pause() {
        let mut tap = TapTempo::default();
        assert_eq!(tap.bpm(), None);
        tap.tap(10_000, 4_200);
        assert_eq!((tap.bpm(), tap.taps()), (None, 1));
        for (i, gap) in [500, 510, 490, 500].into_iter().enumerate() {
            let last = 10_000 + [0, 500, 1_010, 1_500][i];
            tap.tap(last + gap, 4_200);
        }
        // 2 000 ms over 4 intervals.
        assert_eq!(tap.bpm(), Some(120.0));
        assert_eq!(tap.first_show_ms(), Some(4_200));
        assert_eq!(
            tap.section((3, 4)),
            Some(TempoSection {
                time: 4_200,
                bpm: 120.0,
                beats_per_bar: 3,
                beat_unit: 4
            })
        );
        assert!(!tap.is_stale(14_000) && tap.is_stale(14_001));
        // A pause: the next tap is the first of a new run.
        tap.tap(14_100, 9_000);
        assert_eq!(
            (tap.bpm(), tap.taps(), tap.first_show_ms()),
            (None, 1, Some(9_000))
        );
        // Only the latest taps count: a tempo change shows after KEEP taps.
        let mut t = 20_000;
        let mut tap = TapTempo::default();
        for _ in 0..20 {
            tap.tap(t, 0);
            t += 1_000;
        }
        for _ in 0..TapTempo::KEEP {
            tap.tap(t, 0);
            t += 500;
        }
        assert_eq!(tap.bpm(), Some(120.0));
        assert_eq!(tap.taps(), 20 + TapTempo::KEEP);
        // Too slow or too fast for a section.
        let mut fast = TapTempo::default();
        fast.tap(0, 0);
        fast.tap(100, 0);
        assert_eq!(fast.bpm(), Some(600.0));
        assert_eq!(fast.section((4, 4)), None);
    }
}
