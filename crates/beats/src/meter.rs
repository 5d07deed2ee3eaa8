//! Bars and the tempo map: which beats are downbeats, and where the tempo changes.
//!
//! Downbeats come from the bar phase: for 3 and 4 beats to the bar and each phase, the
//! contrast between the beats at that phase and the others in accent (low-band onset: the
//! kick and the bass) and in harmonic change (the mel spectrum before against after the
//! beat: chords change at bar lines). The best meter and phase win; 4 is preferred unless 3
//! is clearly better.

use crate::onset::Features;

/// Relative change of the beat interval that starts a new tempo section.
const SECTION_CHANGE: f64 = 0.04;
/// Beat intervals in a row that must all differ from the section's period to start a new
/// section.
const SECTION_CONFIRM: usize = 4;

/// Frames around a beat searched for its accent.
fn window(frames: usize, at: usize, radius: usize) -> std::ops::Range<usize> {
    at.saturating_sub(radius)..(at + radius + 1).min(frames)
}

/// z-scores of `v` (zeros when it does not vary).
fn standardise(v: &[f64]) -> Vec<f64> {
    let n = v.len().max(1) as f64;
    let mean = v.iter().sum::<f64>() / n;
    let std = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
    if std < 1e-12 {
        return vec![0.0; v.len()];
    }
    v.iter().map(|x| (x - mean) / std).collect()
}

/// For each beat, how much it sounds like the start of a bar.
fn bar_evidence(beats: &[usize], feats: &Features) -> Vec<f64> {
    let frames = feats.low.len();
    let radius = (0.05 * feats.frame_rate).round() as usize;
    let accent: Vec<f64> = beats
        .iter()
        .map(|&b| {
            feats.low[window(frames, b, radius)]
                .iter()
                .fold(0f32, |m, &v| m.max(v))
                .into()
        })
        .collect();
    let bands = feats.n_mels;
    let mean_spectrum = |from: usize, to: usize| -> Vec<f64> {
        let mut acc = vec![0f64; bands];
        let to = to.min(frames);
        if to <= from {
            return acc;
        }
        for f in from..to {
            for (a, &v) in acc.iter_mut().zip(&feats.mel[f * bands..(f + 1) * bands]) {
                *a += f64::from(v);
            }
        }
        acc.iter_mut().for_each(|a| *a /= (to - from) as f64);
        acc
    };
    let change: Vec<f64> = (0..beats.len())
        .map(|k| {
            // Two beats either side, so a kick beat and a snare beat are on each side and
            // the drums cancel out: what is left is the harmony.
            let (Some(&b), Some(&prev), Some(&next)) = (
                beats.get(k),
                k.checked_sub(2).and_then(|i| beats.get(i)),
                beats.get(k + 2),
            ) else {
                return 0.0;
            };
            let before = mean_spectrum(prev, b);
            let after = mean_spectrum(b, next);
            before
                .iter()
                .zip(&after)
                .map(|(x, y)| (y - x).abs())
                .sum::<f64>()
        })
        .collect();
    standardise(&accent)
        .iter()
        .zip(standardise(&change))
        .map(|(a, c)| a + c)
        .collect()
}

/// Beats per bar and the index of the first downbeat among `beats`.
pub(crate) fn bar_phase(beats: &[usize], feats: &Features) -> (u32, usize) {
    if beats.len() < 8 {
        return (4, 0);
    }
    let evidence = bar_evidence(beats, feats);
    let mut best = (4u32, 0usize, f64::NEG_INFINITY);
    for meter in [4usize, 3] {
        for phase in 0..meter {
            let (mut on, mut n_on, mut off, mut n_off) = (0.0, 0usize, 0.0, 0usize);
            for (k, e) in evidence.iter().enumerate() {
                if k % meter == phase {
                    on += e;
                    n_on += 1;
                } else {
                    off += e;
                    n_off += 1;
                }
            }
            let contrast = on / n_on.max(1) as f64 - off / n_off.max(1) as f64;
            // Three must beat four clearly: a 4/4 bar with accents on 1 and 3 also has a
            // fair 3-phase contrast by chance.
            let contrast = if meter == 3 { contrast - 0.3 } else { contrast };
            if contrast > best.2 {
                best = (meter as u32, phase, contrast);
            }
        }
    }
    (best.0, best.1)
}

/// Bands centred below this hold the kick (and the bass), not the snare's body.
const KICK_HZ: f64 = 150.0;
/// Bands centred in this range hold the snare's noise.
const SNARE_HZ: (f64, f64) = (1_500.0, 4_500.0);

/// How much more clearly another level must show a backbeat than the tracked one to be
/// chosen instead, and the least backbeat score that counts at all.
const LEVEL_MARGIN: f64 = 0.15;
const LEVEL_MIN: f64 = 0.15;
/// Midpoints rising this many times more than the beats (low bands and all) mean the beats
/// sit on the off-beats.
const OFFBEAT_RATIO: f64 = 1.1;
/// Midpoints rising at least this share of the beats' rise (low bands and all) are beats.
const MIDPOINT_RATIO: f64 = 0.75;
/// A dotted (¾ or 4/3) period wins only if its grid explains the onsets
/// ([`crate::confidence`]) at least as well as the tracked one, less this.
const TERNARY_EXPLAINS: f64 = 0.1;

/// How much the linear energy of `bands` rises at frame `at`: the mean over the 50 ms after
/// against the 50 ms before.
fn rise(feats: &Features, bands: &[usize], at: usize) -> f64 {
    let span = (0.05 * feats.frame_rate).round().max(1.0) as usize;
    let frames = feats.mel.len() / feats.n_mels.max(1);
    let energy = |from: usize, to: usize| -> f64 {
        let to = to.min(frames);
        if to <= from || bands.is_empty() {
            return 0.0;
        }
        let mut sum = 0.0;
        for f in from..to {
            let row = &feats.mel[f * feats.n_mels..(f + 1) * feats.n_mels];
            sum += bands
                .iter()
                .map(|&b| crate::onset::linear(row[b]))
                .sum::<f64>();
        }
        sum / ((to - from) * bands.len()) as f64
    };
    (energy(at, at + span) - energy(at.saturating_sub(span), at)).max(0.0)
}

/// How clearly `grid` alternates kick and snare, as a backbeat does (kick on 1 and 3, snare
/// on 2 and 4): the relative contrast between even and odd grid points in the low bands
/// times that in the mid bands, positive when the two alternate in opposite phase. Goto's
/// drum-pattern rule for choosing the beat level (Goto, JNMR 2001).
pub(crate) fn backbeat(grid: &[usize], feats: &Features) -> f64 {
    if grid.len() < 8 {
        return 0.0;
    }
    let low: Vec<usize> = (0..feats.n_mels)
        .filter(|&b| feats.centres[b] < KICK_HZ)
        .collect();
    let mid: Vec<usize> = (0..feats.n_mels)
        .filter(|&b| (SNARE_HZ.0..SNARE_HZ.1).contains(&feats.centres[b]))
        .collect();
    let contrast = |bands: &[usize]| {
        let (mut even, mut odd) = (0.0, 0.0);
        for (k, &f) in grid.iter().enumerate() {
            let a = rise(feats, bands, f);
            if k % 2 == 0 {
                even += a;
            } else {
                odd += a;
            }
        }
        let (even, odd) = (
            even / grid.len().div_ceil(2) as f64,
            odd / (grid.len() / 2) as f64,
        );
        if even + odd > 0.0 {
            (even - odd) / (even + odd)
        } else {
            0.0
        }
    };
    -contrast(&low) * contrast(&mid)
}

/// Mean linear rise of `bands` at the beats and at the midpoints between them: (beats,
/// midpoints).
fn rise_at_beats_and_between(beats: &[usize], feats: &Features, bands: &[usize]) -> (f64, f64) {
    let n = beats.len().max(1) as f64;
    let on = beats.iter().map(|&b| rise(feats, bands, b)).sum::<f64>() / n;
    let between = beats
        .windows(2)
        .map(|w| rise(feats, bands, (w[0] + w[1]) / 2))
        .sum::<f64>()
        / (n - 1.0).max(1.0);
    (on, between)
}

/// The beats moved half a beat later (the last one too, if it stays before `frames`).
fn to_midpoints(beats: &[usize], frames: usize) -> Vec<usize> {
    let mut moved: Vec<usize> = beats.windows(2).map(|w| (w[0] + w[1]) / 2).collect();
    if let (Some(&last), Some(w)) = (beats.last(), beats.windows(2).last()) {
        let next = last + (w[1] - w[0]) / 2;
        if next < frames {
            moved.push(next);
        }
    }
    moved
}

/// The metrical level and phase of tracked `beats` (at `bpm`), corrected when the music
/// says otherwise. `retrack(f)` tracks again with every period times `f`. In order:
///
/// 1. **Backbeat** (Goto 2001): of double and half the tracked tempo (the off-beats added,
///    every other beat dropped), the one whose beats alternate kick and snare more clearly
///    ([`backbeat`]) wins if it beats the tracked level by [`LEVEL_MARGIN`]; a tracked level
///    with a backbeat of its own then stays.
/// 2. **Off-beat phase**: beats whose midpoints rise more than the beats themselves, in the
///    low bands and in all ([`OFFBEAT_RATIO`]), sit on the off-beats (open hats and bass
///    between four-on-the-floor kicks): they move to the midpoints.
/// 3. **Too slow**: midpoints that rise nearly as much as the beats ([`MIDPOINT_RATIO`], low
///    bands and all) are beats too: the tempo doubles.
/// 4. **Dotted period**: a tresillo kick (3+3+2 sixteenths) makes the dotted eighth a strong
///    period; ¾ and 4/3 of the tempo are re-tracked and win if they show a backbeat and
///    their grid explains the onsets about as well ([`TERNARY_EXPLAINS`]).
///
/// No level outside `range` (BPM) is chosen. Returns the beats; the last call of `retrack`
/// is at the chosen factor.
pub(crate) fn correct_level(
    beats: Vec<usize>,
    feats: &Features,
    bpm: f64,
    range: (f64, f64),
    retrack: &mut dyn FnMut(f64) -> Vec<usize>,
) -> Vec<usize> {
    let in_range = |b: f64| (range.0..=range.1).contains(&b);
    let here = backbeat(&beats, feats);
    let mut fine = Vec::with_capacity(2 * beats.len());
    for w in beats.windows(2) {
        fine.push(w[0]);
        fine.push((w[0] + w[1]) / 2);
    }
    let bar = here.max(LEVEL_MIN - LEVEL_MARGIN) + LEVEL_MARGIN;
    let mut best: Option<(f64, f64)> = None;
    if in_range(2.0 * bpm) {
        best = Some((backbeat(&fine, feats), 0.5));
    }
    if in_range(bpm / 2.0) {
        let coarse =
            |phase: usize| -> Vec<usize> { beats.iter().copied().skip(phase).step_by(2).collect() };
        let slower = backbeat(&coarse(0), feats).max(backbeat(&coarse(1), feats));
        if best.is_none_or(|b| slower > b.0) {
            best = Some((slower, 2.0));
        }
    }
    if let Some((score, factor)) = best
        && score > bar
    {
        return retrack(factor);
    }
    if here >= LEVEL_MIN {
        return beats;
    }
    let low: Vec<usize> = (0..feats.n_mels)
        .filter(|&b| feats.centres[b] < KICK_HZ)
        .collect();
    let all: Vec<usize> = (0..feats.n_mels).collect();
    let (low_on, low_between) = rise_at_beats_and_between(&beats, feats, &low);
    let (all_on, all_between) = rise_at_beats_and_between(&beats, feats, &all);
    if all_between > OFFBEAT_RATIO * all_on && low_between > OFFBEAT_RATIO * low_on {
        return to_midpoints(&beats, feats.low.len());
    }
    if all_between >= MIDPOINT_RATIO * all_on
        && low_between >= MIDPOINT_RATIO * low_on
        && in_range(2.0 * bpm)
    {
        // The doubled beats may sit on the off-beats in turn.
        let doubled = retrack(0.5);
        let (low_on, low_between) = rise_at_beats_and_between(&doubled, feats, &low);
        let (all_on, all_between) = rise_at_beats_and_between(&doubled, feats, &all);
        if all_between > OFFBEAT_RATIO * all_on && low_between > OFFBEAT_RATIO * low_on {
            return to_midpoints(&doubled, feats.low.len());
        }
        return doubled;
    }
    let mut ternary: Option<(f64, Vec<usize>)> = None;
    let period = 60.0 * feats.frame_rate / bpm;
    let explained = crate::confidence(&beats, &feats.onset, period);
    for factor in [0.75, 4.0 / 3.0] {
        if in_range(bpm / factor) {
            let other = retrack(factor);
            let score = backbeat(&other, feats);
            // A grid that crosses the onsets instead of following them (4/3 of the period
            // over a kick on every beat alternates kick and off-beat tick) is no backbeat.
            let follows = crate::confidence(&other, &feats.onset, period * factor)
                >= explained - TERNARY_EXPLAINS;
            if score > bar && follows && ternary.as_ref().is_none_or(|t| score > t.0) {
                ternary = Some((score, other));
            }
        }
    }
    // `retrack` remembers the last factor it was given: track again at the winner's.
    match ternary {
        Some((_, other)) => other,
        None => {
            retrack(1.0);
            beats
        }
    }
}

/// Splits the beats into runs of steady tempo: the start index (into `beats`) of each run.
/// A run ends where [`SECTION_CONFIRM`] intervals in a row all differ from the run's period
/// (the median of its last eight intervals) by more than [`SECTION_CHANGE`].
pub(crate) fn tempo_runs(beats_ms: &[f64]) -> Vec<usize> {
    let ibis: Vec<f64> = beats_ms.windows(2).map(|w| w[1] - w[0]).collect();
    let mut starts = vec![0usize];
    let mut k = 0;
    while k < ibis.len() {
        let start = *starts.last().unwrap_or(&0);
        let recent = &ibis[start.max(k.saturating_sub(8))..k];
        if recent.len() < 4 {
            k += 1;
            continue;
        }
        let mut sorted = recent.to_vec();
        sorted.sort_by(f64::total_cmp);
        let period = sorted[sorted.len() / 2];
        let differs = |i: usize| {
            ibis.get(i)
                .is_some_and(|&d| ((d - period) / period).abs() > SECTION_CHANGE)
        };
        if (k..k + SECTION_CONFIRM).all(differs) {
            starts.push(k);
            k += SECTION_CONFIRM;
        } else {
            k += 1;
        }
    }
    starts
}

/// Tempo in BPM of evenly spaced beats: the slope of a least-squares line through
/// (index, time).
pub(crate) fn fitted_bpm(beats_ms: &[f64]) -> f64 {
    let n = beats_ms.len();
    if n < 2 {
        return 0.0;
    }
    let nf = n as f64;
    let mean_i = (nf - 1.0) / 2.0;
    let mean_t = beats_ms.iter().sum::<f64>() / nf;
    let (mut num, mut den) = (0.0, 0.0);
    for (i, &t) in beats_ms.iter().enumerate() {
        let di = i as f64 - mean_i;
        num += di * (t - mean_t);
        den += di * di;
    }
    let ms_per_beat = num / den;
    if ms_per_beat > 0.0 {
        60_000.0 / ms_per_beat
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_beats_are_one_run_and_a_change_starts_another() {
        let steady: Vec<f64> = (0..64).map(|i| 500.0 * f64::from(i)).collect();
        assert_eq!(tempo_runs(&steady), vec![0]);
        let mut changed = steady.clone();
        let last = 500.0 * 63.0;
        changed.extend((1..40).map(|i| last + 400.0 * f64::from(i)));
        assert_eq!(tempo_runs(&changed), vec![0, 63]);
        assert!((fitted_bpm(&steady) - 120.0).abs() < 1e-9);
    }

    #[test]
    fn a_few_uneven_beats_do_not_split() {
        let mut beats: Vec<f64> = (0..64).map(|i| 500.0 * f64::from(i)).collect();
        beats[20] += 60.0;
        beats[40] -= 60.0;
        assert_eq!(tempo_runs(&beats), vec![0]);
    }
}
