//! Tempo: autocorrelation of the onset envelope, weighted by a log-Gaussian tempo prior,
//! globally and over sliding windows; a Viterbi pass over the windows gives a tempo curve
//! that changes only where the music does.

/// Multiples of a lag the comb adds up (weighted 1/k).
const TEETH: usize = 4;
/// Slowest and fastest tempo considered, in BPM.
pub(crate) const MIN_BPM: f64 = 50.0;
pub(crate) const MAX_BPM: f64 = 220.0;
/// Centre and width (in octaves) of the log-Gaussian tempo prior (as Ellis 2007 and
/// librosa's `start_bpm` and `std_bpm`).
const PRIOR_BPM: f64 = 120.0;
const PRIOR_OCTAVES: f64 = 1.0;
/// Sliding windows for the local tempo.
const WINDOW_S: f64 = 8.0;
const WINDOW_HOP_S: f64 = 1.0;
/// Viterbi cost per octave of tempo change between windows, in units of log salience.
const CHANGE_COST: f64 = 12.0;

/// Lags (in frames) of the tempo range at `frame_rate`.
pub(crate) fn lag_range(frame_rate: f64) -> (usize, usize) {
    let min = (60.0 * frame_rate / MAX_BPM).floor().max(1.0) as usize;
    let max = (60.0 * frame_rate / MIN_BPM).ceil() as usize;
    (min, max.max(min + 1))
}

fn prior(lag: usize, frame_rate: f64) -> f64 {
    let bpm = 60.0 * frame_rate / lag as f64;
    let octaves = (bpm / PRIOR_BPM).log2() / PRIOR_OCTAVES;
    (-0.5 * octaves * octaves).exp()
}

/// Autocorrelation of `env` (mean removed) at lags `0..=max_lag`, each lag divided by the
/// number of terms.
fn autocorrelation(env: &[f32], max_lag: usize) -> Vec<f64> {
    let n = env.len();
    let mean = env.iter().map(|&v| f64::from(v)).sum::<f64>() / n.max(1) as f64;
    let e: Vec<f64> = env.iter().map(|&v| f64::from(v) - mean).collect();
    (0..=max_lag)
        .map(|lag| {
            if lag >= n {
                return 0.0;
            }
            let s: f64 = e[..n - lag].iter().zip(&e[lag..]).map(|(a, b)| a * b).sum();
            s / (n - lag) as f64
        })
        .collect()
}

/// Tempo salience at each lag of the range: the autocorrelation plus half that of the
/// doubled lag (a comb over the first two multiples, Ellis's TPS2), times the prior. Index
/// `i` is lag `min + i`.
fn salience(ac: &[f64], frame_rate: f64) -> Vec<f64> {
    let (min, max) = lag_range(frame_rate);
    let at = |l: usize| ac.get(l).copied().unwrap_or(0.0);
    (min..=max)
        .map(|lag| {
            let s: f64 = (1..=TEETH)
                .map(|k| {
                    let l = k * lag;
                    let near = (k - 1).max(1);
                    let peak = (l.saturating_sub(near)..=l + near)
                        .map(at)
                        .fold(f64::MIN, f64::max);
                    peak / k as f64
                })
                .sum();
            s.max(0.0) * prior(lag, frame_rate)
        })
        .collect()
}

/// The best beat period in frames for the whole envelope, or `None` when it has no
/// periodicity at all.
pub(crate) fn global_period(env: &[f32], frame_rate: f64) -> Option<f64> {
    let (min, max) = lag_range(frame_rate);
    let ac = autocorrelation(env, TEETH * max + TEETH);
    let sal = salience(&ac, frame_rate);
    best_lag(&sal, min)
}

/// The lag of the largest salience, refined by a parabola through its neighbours.
fn best_lag(sal: &[f64], min: usize) -> Option<f64> {
    let (i, &best) = sal.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
    if best <= 0.0 || !best.is_finite() {
        return None;
    }
    let y = |j: usize| sal.get(j).copied().unwrap_or(best);
    let (l, r) = (if i > 0 { y(i - 1) } else { best }, y(i + 1));
    let denom = l - 2.0 * best + r;
    let shift = if denom < 0.0 {
        (0.5 * (l - r) / denom).clamp(-0.5, 0.5)
    } else {
        0.0
    };
    Some((min + i) as f64 + shift)
}

/// The beat period in frames at every frame: the Viterbi path through the salience of
/// sliding windows, anchored to stay near `global` (an octave jump costs [`CHANGE_COST`]).
pub(crate) fn period_curve(env: &[f32], frame_rate: f64, global: f64) -> Vec<f64> {
    let n = env.len();
    let (min, max) = lag_range(frame_rate);
    let win = (WINDOW_S * frame_rate) as usize;
    let hop = ((WINDOW_HOP_S * frame_rate) as usize).max(1);
    if n < win + hop {
        return vec![global; n];
    }
    let starts: Vec<usize> = (0..=(n - win) / hop).map(|w| w * hop).collect();
    let states = max - min + 1;
    // Log of each window's salience, normalised to its own maximum.
    let obs: Vec<Vec<f64>> = starts
        .iter()
        .map(|&s| {
            let ac = autocorrelation(&env[s..s + win], TEETH * max + TEETH);
            let sal = salience(&ac, frame_rate);
            let top = sal.iter().copied().fold(0.0, f64::max);
            sal.iter()
                .map(|&v| {
                    if top > 0.0 {
                        (v / top + 1e-3).ln()
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    let log_lag: Vec<f64> = (min..=max).map(|l| (l as f64).log2()).collect();
    let mut score: Vec<f64> = obs[0].clone();
    let mut back: Vec<Vec<u16>> = Vec::with_capacity(obs.len());
    for o in obs.iter().skip(1) {
        let mut next = vec![f64::NEG_INFINITY; states];
        let mut from = vec![0u16; states];
        for (j, slot) in next.iter_mut().enumerate() {
            for (i, &prev) in score.iter().enumerate() {
                let v = prev - CHANGE_COST * (log_lag[j] - log_lag[i]).abs();
                if v > *slot {
                    *slot = v;
                    from[j] = i as u16;
                }
            }
            *slot += o[j];
        }
        score = next;
        back.push(from);
    }
    let mut state = score
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i);
    let mut path = vec![0usize; obs.len()];
    for w in (0..obs.len()).rev() {
        path[w] = state;
        if w > 0 {
            state = usize::from(back[w - 1][state]);
        }
    }
    // Window w's period holds at its centre; frames between centres take the nearer one.
    let mut curve = vec![global; n];
    for (f, slot) in curve.iter_mut().enumerate() {
        let w = (f.saturating_sub(win / 2) + hop / 2) / hop;
        let w = w.min(path.len() - 1);
        *slot = (min + path[w]) as f64;
    }
    // Where the windows agree with the global period (within its lag's rounding), use it.
    for p in &mut curve {
        if (*p - global).abs() <= 1.0 {
            *p = global;
        }
    }
    curve
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pulses(n: usize, period: usize) -> Vec<f32> {
        (0..n)
            .map(|i| if i % period == 0 { 1.0 } else { 0.0 })
            .collect()
    }

    #[test]
    fn global_period_of_a_pulse_train() {
        let p = global_period(&pulses(3000, 50), 100.0).unwrap_or(0.0);
        assert!((p - 50.0).abs() < 0.6, "{p}");
    }

    #[test]
    fn flat_envelope_has_no_period() {
        assert_eq!(global_period(&[0.0; 2000], 100.0), None);
        assert_eq!(global_period(&[], 100.0), None);
    }

    #[test]
    fn period_curve_follows_a_tempo_change() {
        let mut env = pulses(3000, 60);
        env.extend(pulses(3000, 45));
        let curve = period_curve(&env, 100.0, 60.0);
        assert!((curve[1000] - 60.0).abs() <= 1.0, "{}", curve[1000]);
        assert!((curve[5000] - 45.0).abs() <= 1.0, "{}", curve[5000]);
    }
}
