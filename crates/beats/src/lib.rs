//! Beat, downbeat and tempo analysis of audio samples, in pure Rust and with no model
//! weights: the classical pipeline of onset strength, tempo by autocorrelation and beat
//! tracking by dynamic programming.
//!
//! [`analyse`] takes mono samples (the caller decodes) and returns an [`Analysis`]: the
//! beats and downbeats in ms, the tempo, the beats per bar, a confidence, and the tempo map
//! as [`Section`]s (one for a steady song, a new one where the tempo changes).
//!
//! # Method
//! 1. **Onset strength** (`onset`): the signal is box-filtered and decimated by an integer
//!    factor to about 11 kHz, then a 512-point Hann STFT with a 10 ms hop is reduced to 40
//!    mel bands (30 Hz – 5 kHz) and log-compressed, `ln(1 + γ·|X|)`. The onset strength is
//!    the half-wave rectified difference of each band from the maximum of its neighbours two
//!    frames earlier, averaged over the bands (log-magnitude spectral flux with SuperFlux's
//!    maximum filter: Böck & Widmer, "Maximum filter vibrato suppression for onset
//!    detection", DAFx 2013). The same flux over the bands below 220 Hz is the low-band
//!    accent used for downbeats.
//! 2. **Tempo** (`tempo`): the autocorrelation of the onset envelope summed over a comb of
//!    the first four multiples of each lag (weighted 1/k, Ellis's TPS2 taken further, so a
//!    period that divides the bar beats one that does not), weighted by a log-Gaussian prior
//!    centred on 120 BPM with a width of one octave (Ellis, "Beat tracking by dynamic
//!    programming", JNMR 36(1), 2007; librosa's `start_bpm`/`std_bpm`). The whole song gives
//!    the global period; 8 s windows every second give local saliences, and a Viterbi path
//!    through them that pays for every octave of change gives the tempo curve, which changes
//!    only where the music does (a tempogram path, as in Grosche & Müller's predominant
//!    local pulse, reduced to a single path).
//! 3. **Beats** (`track`): Ellis's dynamic programme over the Gaussian-smoothed onset
//!    envelope, `score[t] = onset[t] + max_p(score[p] − 100·ln((t−p)/τ(t))²)`, with the
//!    period `τ(t)` read from the tempo curve, and the backtrace from the last strong
//!    maximum of the cumulative score. Beats whose grid explains little of the onsets (a
//!    swung or dotted figure fooled the tempo) are tracked again at ⅔, 3/2, ½ and 2 times the
//!    period, and the grid that explains the most goes on. The metrical level and phase are then checked
//!    against the drums (`meter::correct_level`): the level whose beats alternate kick
//!    and snare (the backbeat, Goto's drum-pattern rule: Goto, "An audio-based real-time beat
//!    tracking system for music with or without drum-sounds", JNMR 30(2), 2001) among double,
//!    half, ¾ and 4/3 the tempo; beats that sit on the off-beats (less kick than between
//!    them) move half a beat; midpoints as strong as the beats double the tempo. Beats at
//!    either end that do not stand out of silence, noise or a decaying chord are dropped.
//! 4. **Tempo map** (`meter`): the beats split into runs where four beat intervals in a row
//!    differ by more than 4 % from the run's median interval; each run's tempo is the
//!    least-squares slope of its beat times.
//! 5. **Downbeats** (`meter`): in each run (or the whole song when a run is short), for 3
//!    and 4 beats to the bar and each phase, the contrast in accent (the low-band onset:
//!    kick, bass) and harmonic change (the mean mel spectrum of the two beats after against
//!    the two before, so the drums cancel out: chords change at bar lines, as Goto's system
//!    also uses) between the beats at that phase and the rest. The best meter and phase
//!    win, four unless three is clearly better.
//!
//! The constants of steps 3 and 5 (margins and ratios) were set on the synthetic songs of
//! `tests/support/synth.rs` (drums, bass and chords in six styles); see BENCHMARKS.md for
//! how the method does there and against librosa.
//!
//! The confidence is the share of the onset envelope's energy on the beat grid (within a
//! sixteenth of a beat of a beat or of the off-beat halfway to the next) above the share
//! chance would give, scaled to 0..1: 1 for clicks, near 0 for noise.
//!
//! [`eval`] scores beats as mir_eval does (F-measure within ±70 ms), for tests and benches.

pub mod eval;
mod meter;
mod onset;
mod tempo;
mod track;

/// Shortest input analysed; anything shorter gives an empty [`Analysis`].
pub const MIN_DURATION_MS: i64 = 3_000;
/// The onset envelope peaks this many ms before the sound it marks reaches full strength
/// (the STFT window sees an attack before its centre does); added to every beat. Measured
/// once on synthetic drums (`tests/accuracy.rs` checks it), not per song.
const BEAT_OFFSET_MS: f64 = 0.0;

/// A beat at either end of the song whose onset peak is under this share of the median
/// beat's, or under this many times the onsets around it, was counted through silence or
/// noise (see `trim_silent_ends`).
const END_SILENCE: f32 = 0.01;
const END_PEAK_RATIO: f32 = 3.0;
/// A faint beat there (under this share of the median beat's peak: a quiet intro, or a
/// decaying cymbal) counts only if it rises clean out of silence, this many times the
/// onsets around it.
const END_FAINT: f32 = 0.1;
const END_FAINT_RATIO: f32 = 30.0;

/// Beats whose grid explains less of the onsets than this ([`confidence`]) are tracked
/// again at two thirds, three halves and half the period; another grid wins if its
/// confidence is higher by [`RETRY_MARGIN`].
const RETRY_CONFIDENCE: f64 = 0.45;
const RETRY_MARGIN: f64 = 0.15;

/// The result of [`analyse`]. Times are ms from the start of the samples.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Analysis {
    /// The tempo of the longest section (0 when no beat was found).
    pub bpm: f64,
    /// Every beat, in order.
    pub beats: Vec<i64>,
    /// The beats that start a bar, in order (a subset of `beats`).
    pub downbeats: Vec<i64>,
    /// Beats in a bar in the longest section (3 or 4).
    pub beats_per_bar: u32,
    /// How clearly the beats stand out in the onsets, 0 (none) to 1.
    pub confidence: f64,
    /// The tempo map: one section per run of steady tempo, in order.
    pub sections: Vec<Section>,
}

/// A run of steady tempo.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The section's first downbeat (its first beat if it has no downbeat), in ms.
    pub time: i64,
    pub bpm: f64,
    pub beats_per_bar: u32,
}

/// The factor [`analyse`] first reduces a signal at `sample_rate` Hz by (the mean of each
/// run of that many samples from the first, non-finite ones as 0). A caller that holds long
/// audio can do it while decoding and pass the result at `sample_rate / factor` Hz when the
/// factor divides the rate: the analysis is the same, in a fraction of the memory.
pub fn decimation(sample_rate: u32) -> usize {
    onset::decimation(f64::from(sample_rate))
}

/// Analyses mono `samples` at `sample_rate` Hz. `progress` is called with the fraction done
/// (0 to 1, non-decreasing). Input shorter than [`MIN_DURATION_MS`], silent, or at a sample
/// rate of 0 gives an empty analysis (no beats, bpm 0); non-finite samples count as silence.
pub fn analyse(samples: &[f32], sample_rate: u32, progress: &mut dyn FnMut(f32)) -> Analysis {
    let mut last = 0f32;
    let mut report = |p: f32| {
        let p = p.clamp(0.0, 1.0);
        if p >= last {
            last = p;
            progress(p);
        }
    };
    report(0.0);
    let analysis = analyse_inner(samples, sample_rate, &mut report);
    report(1.0);
    analysis
}

fn analyse_inner(samples: &[f32], sample_rate: u32, report: &mut dyn FnMut(f32)) -> Analysis {
    if sample_rate == 0
        || (samples.len() as u64) * 1000 < u64::from(sample_rate) * MIN_DURATION_MS as u64
    {
        return Analysis::default();
    }
    let feats = onset::features(samples, sample_rate, &mut |p| report(0.6 * p));
    let env = &feats.onset;
    let peak = env.iter().fold(0f32, |m, &v| m.max(v));
    if peak <= 1e-4 {
        return Analysis::default();
    }
    let fr = feats.frame_rate;
    let Some(global) = tempo::global_period(env, fr) else {
        return Analysis::default();
    };
    report(0.65);
    let mut curve = tempo::period_curve(env, fr, global);
    report(0.8);
    let mut beats = track::track(&track::local_score(env, global), &curve);
    // A grid that explains little of the onsets may run at two thirds or three halves of the
    // pulse (a swung or dotted figure fooled the tempo): track again at those periods and at
    // double and half, and go on with the grid that explains the most, by a margin. The
    // level and phase are checked after this.
    let mut global = global;
    let here = confidence(&beats, env, global);
    if here < RETRY_CONFIDENCE {
        let mut best = (here + RETRY_MARGIN, None);
        for factor in [2.0 / 3.0, 1.5, 0.5, 2.0] {
            let period = global * factor;
            if !(tempo::MIN_BPM..=tempo::MAX_BPM).contains(&(60.0 * fr / period)) {
                continue;
            }
            let other = track_scaled(env, global, &curve, factor);
            let c = confidence(&other, env, period);
            if c > best.0 {
                best = (c, Some((other, factor)));
            }
        }
        if let (_, Some((other, factor))) = best {
            beats = other;
            global *= factor;
            curve.iter_mut().for_each(|p| *p *= factor);
        }
    }
    // The metrical level and phase: re-tracked at another period when the music says so.
    let mut chosen = 1.0;
    let mut retrack = |factor: f64| {
        chosen = factor;
        if factor == 1.0 {
            return Vec::new();
        }
        track_scaled(env, global, &curve, factor)
    };
    let mut beats = meter::correct_level(
        beats,
        &feats,
        60.0 * fr / global,
        (tempo::MIN_BPM, tempo::MAX_BPM),
        &mut retrack,
    );
    let global = global * chosen;
    trim_silent_ends(&mut beats, env, global, fr);
    report(0.9);
    if beats.len() < 2 {
        return Analysis::default();
    }
    let ms = |f: usize| f as f64 * 1000.0 / fr + BEAT_OFFSET_MS;
    let beats_ms: Vec<f64> = beats.iter().map(|&b| ms(b)).collect();
    let runs = meter::tempo_runs(&beats_ms);
    let global_meter = meter::bar_phase(&beats, &feats);

    let mut downbeats = Vec::new();
    let mut sections = Vec::new();
    let mut longest = (0f64, 0f64, 4u32);
    for (r, &start) in runs.iter().enumerate() {
        let end = runs.get(r + 1).copied().unwrap_or(beats.len());
        let run = &beats[start..end];
        let (meter, phase) = if run.len() >= 32 {
            meter::bar_phase(run, &feats)
        } else {
            // The global phase, counted from the song's first beat.
            let (m, p) = global_meter;
            let m_us = m as usize;
            (m, (p + m_us - start % m_us) % m_us)
        };
        let run_ms = &beats_ms[start..end];
        let first_down = downbeats.len();
        downbeats.extend(
            run_ms
                .iter()
                .enumerate()
                .filter(|(k, _)| k % meter as usize == phase)
                .map(|(_, &t)| t.round() as i64),
        );
        let time = downbeats
            .get(first_down)
            .copied()
            .unwrap_or(run_ms[0].round() as i64);
        // A section's tempo includes the interval into the next section's first beat.
        let with_next = &beats_ms[start..(end + 1).min(beats_ms.len())];
        let bpm = meter::fitted_bpm(with_next);
        let length = with_next[with_next.len() - 1] - with_next[0];
        if length > longest.0 {
            longest = (length, bpm, meter);
        }
        sections.push(Section {
            time,
            bpm,
            beats_per_bar: meter,
        });
    }
    let confidence = confidence(&beats, env, global);
    Analysis {
        bpm: longest.1,
        beats: beats_ms.iter().map(|t| t.round() as i64).collect(),
        downbeats,
        beats_per_bar: longest.2,
        confidence,
        sections,
    }
}

/// Beats tracked with the global period and every period of the tempo `curve` times
/// `factor`.
fn track_scaled(env: &[f32], global: f64, curve: &[f64], factor: f64) -> Vec<usize> {
    let scaled: Vec<f64> = curve.iter().map(|p| p * factor).collect();
    track::track(&track::local_score(env, global * factor), &scaled)
}

/// Drops beats at either end that do not stand out of their surroundings: the tracker keeps
/// counting through a song's silent (or noisy) start and end, and through the decay of its
/// last chord. A beat stands out when its onset peak (within 60 ms) is at least
/// [`END_SILENCE`] of the median beat's peak and at least [`END_PEAK_RATIO`] times the
/// median onset over the beat around it ([`END_FAINT_RATIO`] times if the beat is faint);
/// beats at either end that do not are dropped, up to the first that does.
fn trim_silent_ends(beats: &mut Vec<usize>, env: &[f32], period: f64, frame_rate: f64) {
    let near = (0.06 * frame_rate).round() as usize;
    let around = (period / 2.0).round() as usize;
    let span = |b: usize, r: usize| &env[b.saturating_sub(r)..(b + r + 1).min(env.len())];
    // (peak, local median) of each beat.
    let levels: Vec<(f32, f32)> = beats
        .iter()
        .map(|&b| {
            let peak = span(b, near).iter().fold(0f32, |m, &v| m.max(v));
            let mut local = span(b, around).to_vec();
            local.sort_by(f32::total_cmp);
            (peak, local.get(local.len() / 2).copied().unwrap_or(0.0))
        })
        .collect();
    let mut peaks: Vec<f32> = levels.iter().map(|l| l.0).collect();
    peaks.sort_by(f32::total_cmp);
    let Some(&typical) = peaks.get(peaks.len() / 2) else {
        return;
    };
    let stands_out = |&(peak, median): &(f32, f32)| {
        let faint = peak < END_FAINT * typical;
        peak >= END_SILENCE * typical
            && peak >= END_PEAK_RATIO * median
            && (!faint || peak >= END_FAINT_RATIO * median)
    };
    let first = levels.iter().position(stands_out);
    let last = levels.iter().rposition(stands_out);
    match (first, last) {
        (Some(a), Some(z)) => {
            beats.truncate(z + 1);
            beats.drain(..a);
        }
        _ => beats.clear(),
    }
}

/// The share of the onset energy within a sixteenth of a beat of the beat grid (the beats
/// and the off-beats halfway between them), above the share that evenly spread energy would
/// give there, scaled to 0..1.
pub(crate) fn confidence(beats: &[usize], env: &[f32], period: f64) -> f64 {
    let (Some(&first), Some(&last)) = (beats.first(), beats.last()) else {
        return 0.0;
    };
    let radius = (period / 16.0).round() as usize;
    let span = &env[first.saturating_sub(radius)..(last + radius + 1).min(env.len())];
    let total: f64 = span.iter().map(|&v| f64::from(v).powi(2)).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let mut near = vec![false; env.len()];
    let grid = beats
        .iter()
        .copied()
        .chain(beats.windows(2).map(|w| (w[0] + w[1]) / 2));
    for b in grid {
        for slot in &mut near[b.saturating_sub(radius)..(b + radius + 1).min(env.len())] {
            *slot = true;
        }
    }
    let on: f64 = env
        .iter()
        .zip(&near)
        .filter(|(_, n)| **n)
        .map(|(&v, _)| f64::from(v).powi(2))
        .sum();
    let chance = (2.0 * (2 * radius + 1) as f64 / period).min(0.99);
    let share = (on / total).min(1.0);
    ((share - chance) / (1.0 - chance)).clamp(0.0, 1.0)
}
