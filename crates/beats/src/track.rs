//! Beat tracking by dynamic programming (Ellis 2007), with the period allowed to vary
//! along the tempo curve.
//!
//! `score[t] = local[t] + max over p of (score[p] − TIGHTNESS · ln((t − p) / period[t])²)`,
//! `p` from `t − 2·period` to `t − period/2`; the beats are the backtrace from the best
//! last beat.

/// How strongly beat intervals are held to the period (librosa's `tightness`).
const TIGHTNESS: f64 = 100.0;

/// The onset envelope as the tracker scores it: smoothed by a Gaussian of a 32nd of the
/// period and divided by its standard deviation.
pub(crate) fn local_score(env: &[f32], period: f64) -> Vec<f64> {
    let n = env.len();
    let sigma = (period / 32.0).max(0.5);
    let radius = (3.0 * sigma).ceil() as usize;
    let kernel: Vec<f64> = (0..=2 * radius)
        .map(|i| {
            let d = i as f64 - radius as f64;
            (-0.5 * (d / sigma).powi(2)).exp()
        })
        .collect();
    let mean = env.iter().map(|&v| f64::from(v)).sum::<f64>() / n.max(1) as f64;
    let var = env
        .iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / n.max(1) as f64;
    let std = var.sqrt().max(1e-9);
    (0..n)
        .map(|t| {
            let mut s = 0.0;
            for (k, w) in kernel.iter().enumerate() {
                if let Some(&v) = (t + k).checked_sub(radius).and_then(|i| env.get(i)) {
                    s += w * f64::from(v);
                }
            }
            s / std
        })
        .collect()
}

/// The beat frames for `local` (see [`local_score`]) with `period[t]` frames per beat
/// around frame `t`. Empty when there is nothing to track.
pub(crate) fn track(local: &[f64], period: &[f64]) -> Vec<usize> {
    let n = local.len().min(period.len());
    if n == 0 {
        return Vec::new();
    }
    let mut score = vec![0f64; n];
    let mut back: Vec<Option<usize>> = vec![None; n];
    for t in 0..n {
        let p = period[t].max(2.0);
        let lo = t.saturating_sub((2.0 * p).round() as usize);
        let hi = t.saturating_sub((p / 2.0).round() as usize);
        let mut best = f64::NEG_INFINITY;
        let mut from = None;
        if hi > lo || (hi == lo && t > hi) {
            let end = hi.min(t.saturating_sub(1));
            for (q, &prev) in score.iter().enumerate().take(end + 1).skip(lo) {
                let ratio = (t - q) as f64 / p;
                let v = prev - TIGHTNESS * ratio.ln().powi(2);
                if v > best {
                    best = v;
                    from = Some(q);
                }
            }
        }
        // A beat may also start a new chain (the first beat of the song).
        if best > 0.0 {
            score[t] = local[t] + best;
            back[t] = from;
        } else {
            score[t] = local[t];
        }
    }
    // The last beat: the latest local maximum of the cumulative score that reaches half the
    // median of those maxima (Ellis; librosa's `__last_beat`), so the tail's silence does not
    // decide.
    let maxima: Vec<usize> = (1..n.saturating_sub(1))
        .filter(|&t| score[t] > score[t - 1] && score[t] >= score[t + 1])
        .collect();
    let mut sorted: Vec<f64> = maxima.iter().map(|&t| score[t]).collect();
    sorted.sort_by(f64::total_cmp);
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    let Some(&last) = maxima.iter().rev().find(|&&t| score[t] >= 0.5 * median) else {
        return Vec::new();
    };
    let mut beats = vec![last];
    let mut at = last;
    while let Some(prev) = back[at] {
        beats.push(prev);
        at = prev;
    }
    beats.reverse();
    beats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_a_pulse_train_through_a_missing_pulse() {
        let mut env: Vec<f32> = (0..2000)
            .map(|i| if i % 50 == 7 { 1.0 } else { 0.0 })
            .collect();
        env[507] = 0.0;
        let local = local_score(&env, 50.0);
        let beats = track(&local, &vec![50.0; env.len()]);
        let expect: Vec<usize> = (0..40).map(|k| 7 + 50 * k).collect();
        assert_eq!(beats, expect);
    }

    #[test]
    fn nothing_to_track() {
        assert!(track(&[], &[]).is_empty());
    }
}
