//! Scoring beats against a reference, as mir_eval's `beat.f_measure` does.
//!
//! mir_eval matches estimated to reference beats within ±70 ms by maximum bipartite
//! matching; on a line with one window width, matching each reference (in time order) to
//! the earliest unmatched estimate inside its window is a maximum matching, which is what
//! [`f_measure`] does. Precision is matches / estimates, recall matches / references, and
//! F = 2PR / (P + R) (0 when nothing matches; mir_eval also gives 0 when either list is
//! empty). [`trim`] drops beats before 5 s, as `mir_eval.beat.evaluate` does before scoring
//! (`trim_beats`); the tests and `bench/beats/` trim both lists first.

/// mir_eval's default window, in ms.
pub const WINDOW_MS: i64 = 70;
/// mir_eval's `trim_beats` default: beats before this are not scored.
pub const TRIM_MS: i64 = 5_000;

/// The beats at or after [`TRIM_MS`].
pub fn trim(beats: &[i64]) -> Vec<i64> {
    beats.iter().copied().filter(|&b| b >= TRIM_MS).collect()
}

/// F-measure of `estimated` against `reference` (both sorted, in ms) within ±`window` ms.
pub fn f_measure(reference: &[i64], estimated: &[i64], window: i64) -> f64 {
    if reference.is_empty() || estimated.is_empty() {
        return 0.0;
    }
    let mut matched = 0usize;
    let mut next = 0usize;
    for &r in reference {
        while estimated.get(next).is_some_and(|&e| e < r - window) {
            next += 1;
        }
        if estimated.get(next).is_some_and(|&e| e <= r + window) {
            matched += 1;
            next += 1;
        }
    }
    if matched == 0 {
        return 0.0;
    }
    let p = matched as f64 / estimated.len() as f64;
    let r = matched as f64 / reference.len() as f64;
    2.0 * p * r / (p + r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_half_and_shifted() {
        let reference: Vec<i64> = (0..20).map(|i| 500 * i).collect();
        assert!((f_measure(&reference, &reference, WINDOW_MS) - 1.0).abs() < 1e-12);
        let half: Vec<i64> = reference.iter().copied().step_by(2).collect();
        assert!((f_measure(&reference, &half, WINDOW_MS) - 2.0 / 3.0).abs() < 1e-12);
        let late: Vec<i64> = reference.iter().map(|b| b + 71).collect();
        assert_eq!(f_measure(&reference, &late, WINDOW_MS), 0.0);
        let near: Vec<i64> = reference.iter().map(|b| b + 70).collect();
        assert!((f_measure(&reference, &near, WINDOW_MS) - 1.0).abs() < 1e-12);
        assert_eq!(f_measure(&[], &reference, WINDOW_MS), 0.0);
        assert_eq!(trim(&[0, 4_999, 5_000, 6_000]), vec![5_000, 6_000]);
    }
}
