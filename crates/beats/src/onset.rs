//! The onset-strength envelope: log-magnitude spectral flux on a mel-band STFT of the
//! downsampled signal, one value per ~10 ms frame, plus the same flux over the low bands
//! only (kick and bass, the accents that mark a bar) and the mel spectrogram itself (for
//! harmonic change at bar lines).

use realfft::RealFftPlanner;

/// The rate the signal is brought down to before the STFT (an integer factor of the input
/// rate comes closest to it).
const TARGET_RATE: f64 = 11_025.0;
/// STFT window length in samples of the downsampled signal (~46 ms at 11 kHz).
const N_FFT: usize = 512;
/// Mel bands between [`F_MIN`] and [`F_MAX`].
const N_MELS: usize = 40;
const F_MIN: f64 = 30.0;
const F_MAX: f64 = 5_000.0;
/// Bands whose centre lies below this are the low bands (kick, bass).
const LOW_HZ: f64 = 220.0;
/// Frames between the two spectra whose difference is the flux (SuperFlux's μ).
const FLUX_LAG: usize = 2;
/// Log compression: `ln(1 + GAMMA * magnitude)` of the peak-normalised signal.
const GAMMA: f32 = 1_000.0;

/// The features the rest of the analysis reads, one value per frame.
#[derive(Debug, Clone, Default)]
pub(crate) struct Features {
    /// Frames per second.
    pub frame_rate: f64,
    /// Onset strength of all bands (spectral flux), frame `i` centred at `i / frame_rate`.
    pub onset: Vec<f32>,
    /// Onset strength of the low bands only.
    pub low: Vec<f32>,
    /// Log-mel spectrogram, `N_MELS` values per frame, row after row.
    pub mel: Vec<f32>,
    /// Bands per frame in `mel`.
    pub n_mels: usize,
    /// Centre frequency of each band, in Hz.
    pub centres: Vec<f64>,
}

/// Undoes the log compression of a `mel` value.
pub(crate) fn linear(v: f32) -> f64 {
    (f64::from(v).exp() - 1.0) / f64::from(GAMMA)
}

/// Mean of each run of `factor` samples: a box low-pass and decimation in one step. Non-finite
/// samples count as silence.
/// The integer factor that brings `rate` closest to [`TARGET_RATE`].
pub(crate) fn decimation(rate: f64) -> usize {
    ((rate / TARGET_RATE).round() as usize).max(1)
}

fn downsample(samples: &[f32], factor: usize) -> Vec<f32> {
    let factor = factor.max(1);
    samples
        .chunks(factor)
        .map(|c| {
            let sum: f32 = c.iter().map(|&s| if s.is_finite() { s } else { 0.0 }).sum();
            sum / c.len() as f32
        })
        .collect()
}

fn hz_to_mel(hz: f64) -> f64 {
    2595.0 * (1.0 + hz / 700.0).log10()
}

fn mel_to_hz(mel: f64) -> f64 {
    700.0 * (10f64.powf(mel / 2595.0) - 1.0)
}

/// One mel band: its first FFT bin and the weights of the bins from there.
type Filter = (usize, Vec<f32>);

/// Triangular mel filters over the `N_FFT / 2 + 1` bins. Also the number of low bands and
/// the centre of each band.
fn mel_filters(rate: f64) -> (Vec<Filter>, usize, Vec<f64>) {
    let bins = N_FFT / 2 + 1;
    let f_max = F_MAX.min(rate / 2.0 * 0.95);
    let (m_lo, m_hi) = (hz_to_mel(F_MIN), hz_to_mel(f_max));
    let edges: Vec<f64> = (0..N_MELS + 2)
        .map(|i| mel_to_hz(m_lo + (m_hi - m_lo) * i as f64 / (N_MELS + 1) as f64))
        .collect();
    let bin_hz = rate / N_FFT as f64;
    let mut filters = Vec::with_capacity(N_MELS);
    let mut low = 0;
    let centres: Vec<f64> = (0..N_MELS).map(|b| edges[b + 1]).collect();
    for b in 0..N_MELS {
        let (lo, mid, hi) = (edges[b], edges[b + 1], edges[b + 2]);
        if mid < LOW_HZ {
            low += 1;
        }
        // Low bands are narrower than a bin: widen each to a bin either side so none is empty.
        let (lo, hi) = (lo.min(mid - bin_hz), hi.max(mid + bin_hz));
        let first = ((lo / bin_hz).ceil().max(0.0) as usize).min(bins - 1);
        let last = ((hi / bin_hz).floor() as usize).min(bins - 1);
        let weights: Vec<f32> = (first..=last)
            .map(|k| {
                let f = k as f64 * bin_hz;
                let w = if f <= mid {
                    (f - lo) / (mid - lo).max(1e-9)
                } else {
                    (hi - f) / (hi - mid).max(1e-9)
                };
                w.clamp(0.0, 1.0) as f32
            })
            .collect();
        filters.push((first, weights));
    }
    (filters, low.max(1), centres)
}

/// Computes the features of `samples` at `sample_rate`, reporting progress from 0 to 1.
pub(crate) fn features(
    samples: &[f32],
    sample_rate: u32,
    progress: &mut dyn FnMut(f32),
) -> Features {
    let rate_in = f64::from(sample_rate);
    let factor = decimation(rate_in);
    let rate = rate_in / factor as f64;
    let mut x = downsample(samples, factor);
    let peak = x.iter().fold(0f32, |m, &s| m.max(s.abs()));
    if peak > 0.0 {
        x.iter_mut().for_each(|s| *s /= peak);
    }
    let hop = ((rate / 100.0).round() as usize).max(1);
    let frame_rate = rate / hop as f64;
    let n_frames = x.len() / hop + 1;

    let window: Vec<f32> = (0..N_FFT)
        .map(|i| {
            let p = std::f32::consts::TAU * i as f32 / N_FFT as f32;
            0.5 - 0.5 * p.cos()
        })
        .collect();
    let (filters, n_low, centres) = mel_filters(rate);
    let mut planner = RealFftPlanner::<f32>::new();
    let fft = planner.plan_fft_forward(N_FFT);
    let mut input = fft.make_input_vec();
    let mut spectrum = fft.make_output_vec();
    let mut scratch = fft.make_scratch_vec();
    let mut mags = vec![0f32; spectrum.len()];
    let mut mel = vec![0f32; n_frames * N_MELS];
    let half = N_FFT / 2;
    let report_every = (n_frames / 20).max(1);
    for (f, row) in mel.chunks_mut(N_MELS).enumerate() {
        // Frame f is centred on sample f * hop (zero padding outside the signal).
        let centre = f * hop;
        for (i, (slot, w)) in input.iter_mut().zip(&window).enumerate() {
            let at = (centre + i).checked_sub(half);
            *slot = at.and_then(|a| x.get(a)).map_or(0.0, |s| s * w);
        }
        if fft
            .process_with_scratch(&mut input, &mut spectrum, &mut scratch)
            .is_err()
        {
            continue;
        }
        for (m, c) in mags.iter_mut().zip(&spectrum) {
            *m = c.norm();
        }
        for (value, (first, weights)) in row.iter_mut().zip(&filters) {
            let sum: f32 = mags
                .get(*first..)
                .unwrap_or(&[])
                .iter()
                .zip(weights)
                .map(|(m, w)| m * w)
                .sum();
            *value = (1.0 + GAMMA * sum / N_FFT as f32).ln();
        }
        if f % report_every == 0 {
            progress(f as f32 / n_frames as f32);
        }
    }

    let mut onset = vec![0f32; n_frames];
    let mut low = vec![0f32; n_frames];
    for f in FLUX_LAG..n_frames {
        let (prev, cur) = (
            &mel[(f - FLUX_LAG) * N_MELS..(f - FLUX_LAG + 1) * N_MELS],
            &mel[f * N_MELS..(f + 1) * N_MELS],
        );
        let mut all = 0.0;
        let mut lows = 0.0;
        for b in 0..N_MELS {
            // SuperFlux: the previous frame's maximum over neighbouring bands, so vibrato and
            // slides do not count as onsets.
            let reference = prev[b.saturating_sub(1)..(b + 2).min(N_MELS)]
                .iter()
                .fold(f32::MIN, |m, &v| m.max(v));
            let d = (cur[b] - reference).max(0.0);
            all += d;
            if b < n_low {
                lows += d;
            }
        }
        onset[f] = all / N_MELS as f32;
        low[f] = lows / n_low as f32;
    }
    progress(1.0);
    Features {
        frame_rate,
        onset,
        low,
        mel,
        n_mels: N_MELS,
        centres,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mel_band_has_weight() {
        for rate in [8_000.0, 11_025.0, 12_000.0, 16_000.0] {
            let (filters, low, centres) = mel_filters(rate);
            assert_eq!(filters.len(), N_MELS);
            assert!((1..N_MELS).contains(&low));
            assert!(centres.windows(2).all(|w| w[0] < w[1]));
            for (b, (_, w)) in filters.iter().enumerate() {
                assert!(
                    w.iter().sum::<f32>() > 0.0,
                    "band {b} at {rate} Hz is empty"
                );
            }
        }
    }

    #[test]
    fn a_click_gives_an_onset_peak_at_its_time() {
        let rate = 44_100;
        let mut x = vec![0f32; rate as usize * 2];
        let at = rate as usize; // 1 s
        for (i, s) in x[at..at + 400].iter_mut().enumerate() {
            *s = (i as f32 * 0.3).sin() * (-(i as f32) / 80.0).exp();
        }
        let feats = features(&x, rate, &mut |_| {});
        let (peak, _) = feats
            .onset
            .iter()
            .enumerate()
            .fold((0, 0f32), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
        let t = peak as f64 / feats.frame_rate;
        assert!((t - 1.0).abs() < 0.03, "peak at {t} s");
    }
}
