//! Synthetic songs with known beats: drums (kick, snare, hats, ride), bass and chords on a
//! tempo map, with swing, syncopation, humanised timing, a quiet intro and noise. Shared by
//! the accuracy tests, the test-set generator (`examples/testset.rs`, for `bench/beats/`)
//! and the criterion bench.
#![allow(dead_code)]

use std::f64::consts::TAU;

/// The groove of a song.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Kick on 1 and 3 (and the "and" of 3), snare on 2 and 4, 8th-note hats.
    Pop,
    /// Kick on every beat, clap on 2 and 4, open hats and bass on the off-beats.
    FourOnFloor,
    /// Kick and bass pushed onto 16ths ahead of the beat, ghost snares, chord stabs on the
    /// off-beats.
    Syncopated,
    /// Ride "ding ding-a", hi-hat foot on 2 and 4, walking bass, comping snare.
    Jazz,
    /// Kick and snare alternating on every beat, 8th-note hats, crash every 4 bars.
    Rock,
    /// 3/4: bass on 1, chords on 2 and 3.
    Waltz,
}

/// What to render.
#[derive(Debug, Clone)]
pub struct Song {
    pub name: String,
    pub style: Style,
    /// `(first bar, bpm)`: the tempo from that bar on.
    pub tempo: Vec<(u32, f64)>,
    pub bars: u32,
    /// Position of the off-beat 8th within the beat: 0.5 straight, 2/3 triplet swing.
    pub swing8: f64,
    /// Position of the off 16th within its 8th: 0.5 straight, ~0.6 for a hip-hop lilt.
    pub swing16: f64,
    /// Bars of quiet intro (chords and a soft arpeggio only, at `intro_gain`).
    pub intro_bars: u32,
    pub intro_gain: f64,
    /// Noise RMS relative to the music's RMS.
    pub noise: f64,
    /// Standard deviation of the timing of each hit, in ms.
    pub jitter_ms: f64,
    pub seed: u64,
    pub sample_rate: u32,
}

impl Song {
    pub fn new(name: &str, style: Style, bpm: f64, bars: u32) -> Song {
        Song {
            name: name.to_string(),
            style,
            tempo: vec![(0, bpm)],
            bars,
            swing8: 0.5,
            swing16: 0.5,
            intro_bars: 0,
            intro_gain: 0.1,
            noise: 0.0,
            jitter_ms: 4.0,
            seed: 1,
            sample_rate: 22_050,
        }
    }

    pub fn beats_per_bar(&self) -> u32 {
        if self.style == Style::Waltz { 3 } else { 4 }
    }
}

/// A rendered song: mono samples and the reference beats.
pub struct Rendered {
    pub samples: Vec<f32>,
    pub sample_rate: u32,
    /// Beat times in seconds with their position in the bar (1 = downbeat).
    pub beats: Vec<(f64, u32)>,
}

impl Rendered {
    pub fn beats_ms(&self) -> Vec<i64> {
        self.beats
            .iter()
            .map(|(t, _)| (t * 1000.0).round() as i64)
            .collect()
    }
    pub fn downbeats_ms(&self) -> Vec<i64> {
        self.beats
            .iter()
            .filter(|(_, p)| *p == 1)
            .map(|(t, _)| (t * 1000.0).round() as i64)
            .collect()
    }
}

/// xorshift64*: deterministic noise without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [-1, 1).
    pub fn noise(&mut self) -> f64 {
        2.0 * self.uniform() - 1.0
    }
    /// Approximately normal (sum of four uniforms).
    pub fn normal(&mut self) -> f64 {
        (0..4).map(|_| self.noise()).sum::<f64>() * 0.866
    }
}

struct Mix {
    out: Vec<f64>,
    rate: f64,
    rng: Rng,
}

impl Mix {
    fn add(&mut self, t: f64, len_s: f64, mut f: impl FnMut(f64, &mut Rng) -> f64) {
        let start = (t * self.rate).round();
        if start < 0.0 {
            return;
        }
        let start = start as usize;
        let n = (len_s * self.rate) as usize;
        for i in 0..n {
            let Some(slot) = self.out.get_mut(start + i) else {
                break;
            };
            *slot += f(i as f64 / self.rate, &mut self.rng);
        }
    }

    fn kick(&mut self, t: f64, vel: f64) {
        let mut phase = 0.0;
        let rate = self.rate;
        self.add(t, 0.4, |x, _| {
            let freq = 45.0 + 110.0 * (-x / 0.03).exp();
            phase += TAU * freq / rate;
            vel * 0.9 * phase.sin() * (-x / 0.15).exp()
        });
    }

    fn snare(&mut self, t: f64, vel: f64) {
        let (mut lp, mut prev) = (0.0, 0.0);
        self.add(t, 0.3, |x, rng| {
            let n = rng.noise();
            lp += 0.5 * (n - lp);
            let hp = n - prev;
            prev = n;
            let noise = (0.6 * lp + 0.4 * hp) * (-x / 0.09).exp();
            let body = (TAU * 190.0 * x).sin() * (-x / 0.05).exp();
            vel * 0.55 * (noise + 0.6 * body)
        });
    }

    fn hat(&mut self, t: f64, vel: f64, open: bool) {
        let decay = if open { 0.18 } else { 0.025 };
        let mut prev = 0.0;
        self.add(t, decay * 5.0, |x, rng| {
            let n = rng.noise();
            let hp = n - prev;
            prev = n;
            vel * 0.25 * hp * (-x / decay).exp()
        });
    }

    fn ride(&mut self, t: f64, vel: f64) {
        let mut prev = 0.0;
        self.add(t, 1.2, |x, rng| {
            let n = rng.noise();
            let hp = n - prev;
            prev = n;
            let metal: f64 = [3_140.0, 4_710.0, 5_330.0, 6_200.0]
                .iter()
                .map(|f| (TAU * f * x).sin())
                .sum::<f64>()
                * 0.12;
            vel * 0.2 * (0.5 * hp + metal) * (-x / 0.35).exp()
        });
    }

    fn crash(&mut self, t: f64, vel: f64) {
        let mut prev = 0.0;
        self.add(t, 2.0, |x, rng| {
            let n = rng.noise();
            let hp = n - prev;
            prev = n;
            vel * 0.3 * hp * (-x / 0.6).exp()
        });
    }

    /// A plucked bass note: fundamental and two harmonics.
    fn bass(&mut self, t: f64, midi: f64, len: f64, vel: f64) {
        let f = 440.0 * 2f64.powf((midi - 69.0) / 12.0);
        self.add(t, len, |x, _| {
            let env = (x / 0.005).min(1.0) * (-x / 0.35).exp() * ((len - x) / 0.02).clamp(0.0, 1.0);
            let s = (TAU * f * x).sin()
                + 0.5 * (TAU * 2.0 * f * x).sin()
                + 0.25 * (TAU * 3.0 * f * x).sin();
            vel * 0.35 * env * s
        });
    }

    /// A chord of `notes`, soft attack, sustained for `len` seconds.
    fn chord(&mut self, t: f64, notes: &[f64], len: f64, vel: f64, attack: f64) {
        let freqs: Vec<f64> = notes
            .iter()
            .map(|m| 440.0 * 2f64.powf((m - 69.0) / 12.0))
            .collect();
        self.add(t, len + 0.1, |x, _| {
            let env =
                (x / attack).min(1.0) * (-x / 1.5).exp() * ((len + 0.1 - x) / 0.1).clamp(0.0, 1.0);
            let s: f64 = freqs
                .iter()
                .map(|f| (TAU * f * x).sin() + 0.3 * (TAU * 2.0 * f * x).sin())
                .sum();
            vel * 0.08 * env * s
        });
    }

    /// A plucked note (arpeggio, lead).
    fn pluck(&mut self, t: f64, midi: f64, vel: f64) {
        let f = 440.0 * 2f64.powf((midi - 69.0) / 12.0);
        self.add(t, 0.5, |x, _| {
            let env = (x / 0.003).min(1.0) * (-x / 0.12).exp();
            vel * 0.12 * env * ((TAU * f * x).sin() + 0.4 * (TAU * 3.0 * f * x).sin())
        });
    }
}

/// Chord roots (MIDI) of a four-bar progression and the triads on them: I V vi IV in C.
const ROOTS: [f64; 4] = [48.0, 43.0, 45.0, 41.0];
const TRIADS: [[f64; 3]; 4] = [
    [60.0, 64.0, 67.0],
    [59.0, 62.0, 67.0],
    [60.0, 64.0, 69.0],
    [60.0, 65.0, 69.0],
];

/// Renders `song`.
pub fn render(song: &Song) -> Rendered {
    let rate = f64::from(song.sample_rate);
    let bpb = song.beats_per_bar();
    // Beat grid.
    let lead_in = 0.25;
    let mut beats = Vec::new();
    let mut t = lead_in;
    for bar in 0..song.bars {
        let bpm = song
            .tempo
            .iter()
            .rev()
            .find(|(from, _)| *from <= bar)
            .map_or(120.0, |(_, b)| *b);
        let ibi = 60.0 / bpm;
        for pos in 1..=bpb {
            beats.push((t, pos, ibi, bar));
            t += ibi;
        }
    }
    let total = t + 2.0;
    let mut mix = Mix {
        out: vec![0.0; (total * rate) as usize],
        rate,
        rng: Rng::new(song.seed),
    };
    let mut timing = Rng::new(song.seed ^ 0xABCD);
    // Time of 16th `s` (0..4) of the beat at `t` lasting `ibi`, swung and humanised.
    let mut at = |t: f64, ibi: f64, s: u32| -> f64 {
        let eighth = if s >= 2 { song.swing8 } else { 0.0 };
        let in_eighth = if s % 2 == 1 {
            song.swing16
                * if s >= 2 {
                    1.0 - song.swing8
                } else {
                    song.swing8
                }
        } else {
            0.0
        };
        t + ibi * (eighth + in_eighth) + timing.normal() * song.jitter_ms / 1000.0
    };
    let mut vel_rng = Rng::new(song.seed ^ 0x1234);
    for &(t, pos, ibi, bar) in &beats {
        let intro = bar < song.intro_bars;
        let g = if intro { song.intro_gain } else { 1.0 };
        let v = |r: &mut Rng, base: f64| base * (0.85 + 0.15 * r.uniform());
        let chord_idx = (bar % 4) as usize;
        let root = ROOTS[chord_idx];
        let beat_in_bar = pos - 1;
        // Chords and arpeggio, also in the intro.
        if pos == 1 {
            let bar_len = ibi * f64::from(bpb);
            let attack = if song.style == Style::Syncopated {
                0.01
            } else {
                0.03
            };
            mix.chord(
                at(t, ibi, 0),
                &TRIADS[chord_idx],
                bar_len,
                g * v(&mut vel_rng, 1.0),
                attack,
            );
        }
        if intro || matches!(song.style, Style::Pop | Style::Waltz) {
            let notes = TRIADS[chord_idx];
            for s in [0, 2] {
                let n = notes[((beat_in_bar * 2 + s / 2) % 3) as usize] + 12.0;
                mix.pluck(
                    at(t, ibi, s),
                    n,
                    g * v(&mut vel_rng, if s == 0 { 0.8 } else { 0.6 }),
                );
            }
        }
        if intro {
            continue;
        }
        match song.style {
            Style::Pop => {
                if beat_in_bar == 0 || beat_in_bar == 2 {
                    mix.kick(at(t, ibi, 0), v(&mut vel_rng, 1.0));
                }
                if beat_in_bar == 2 {
                    mix.kick(at(t, ibi, 2), v(&mut vel_rng, 0.7));
                }
                if beat_in_bar % 2 == 1 {
                    mix.snare(at(t, ibi, 0), v(&mut vel_rng, 1.0));
                }
                for s in [0, 2] {
                    mix.hat(
                        at(t, ibi, s),
                        v(&mut vel_rng, if s == 0 { 0.8 } else { 0.6 }),
                        false,
                    );
                }
                let note = if beat_in_bar == 3 { root + 7.0 } else { root };
                mix.bass(at(t, ibi, 0), note - 12.0, ibi * 0.9, v(&mut vel_rng, 1.0));
                if beat_in_bar == 1 {
                    mix.bass(at(t, ibi, 3), root - 12.0, ibi * 0.2, v(&mut vel_rng, 0.6));
                }
            }
            Style::FourOnFloor => {
                mix.kick(at(t, ibi, 0), v(&mut vel_rng, 1.0));
                if beat_in_bar % 2 == 1 {
                    mix.snare(at(t, ibi, 0), v(&mut vel_rng, 0.8));
                }
                mix.hat(at(t, ibi, 2), v(&mut vel_rng, 0.9), true);
                for s in [1, 3] {
                    mix.hat(at(t, ibi, s), v(&mut vel_rng, 0.4), false);
                }
                mix.bass(at(t, ibi, 2), root - 12.0, ibi * 0.4, v(&mut vel_rng, 1.0));
            }
            Style::Syncopated => {
                // Two-bar kick figure with anticipations; snare on 2 and 4 with ghosts.
                let kicks: &[u32] = if bar % 2 == 0 {
                    &[0, 3, 6, 10, 11]
                } else {
                    &[0, 6, 9, 14]
                };
                for &k in kicks.iter().filter(|&&k| k / 4 == beat_in_bar) {
                    mix.kick(
                        at(t, ibi, k % 4),
                        v(&mut vel_rng, if k % 4 == 0 { 1.0 } else { 0.8 }),
                    );
                }
                if beat_in_bar % 2 == 1 {
                    mix.snare(at(t, ibi, 0), v(&mut vel_rng, 1.0));
                    mix.snare(at(t, ibi, 3), v(&mut vel_rng, 0.25));
                } else {
                    mix.snare(at(t, ibi, 1), v(&mut vel_rng, 0.2));
                }
                for s in 0..4 {
                    mix.hat(
                        at(t, ibi, s),
                        v(&mut vel_rng, if s == 2 { 0.7 } else { 0.35 }),
                        false,
                    );
                }
                // Bass anticipates the next bar's root on the last 16th; stabs on the "and"s.
                if beat_in_bar == 0 {
                    mix.bass(at(t, ibi, 0), root - 12.0, ibi * 0.6, v(&mut vel_rng, 1.0));
                }
                mix.bass(at(t, ibi, 2), root - 5.0, ibi * 0.3, v(&mut vel_rng, 0.7));
                if beat_in_bar == 3 {
                    let next = ROOTS[((bar + 1) % 4) as usize];
                    mix.bass(at(t, ibi, 3), next - 12.0, ibi * 0.5, v(&mut vel_rng, 0.9));
                }
                if beat_in_bar % 2 == 1 {
                    mix.chord(at(t, ibi, 2), &TRIADS[chord_idx], ibi * 0.3, 0.7, 0.005);
                }
            }
            Style::Jazz => {
                mix.ride(at(t, ibi, 0), v(&mut vel_rng, 1.0));
                if beat_in_bar % 2 == 1 {
                    mix.ride(at(t, ibi, 2), v(&mut vel_rng, 0.6));
                    mix.hat(at(t, ibi, 0), v(&mut vel_rng, 0.7), false);
                }
                mix.kick(at(t, ibi, 0), v(&mut vel_rng, 0.3));
                // Walking bass: a note on every beat.
                let walk = [0.0, 4.0, 7.0, 9.0];
                mix.bass(
                    at(t, ibi, 0),
                    root - 12.0 + walk[beat_in_bar as usize],
                    ibi * 0.95,
                    v(&mut vel_rng, 1.0),
                );
                // Comping snare on a swung off-beat now and then.
                if vel_rng.uniform() < 0.3 {
                    mix.snare(at(t, ibi, 2), v(&mut vel_rng, 0.35));
                }
            }
            Style::Rock => {
                if beat_in_bar % 2 == 0 {
                    mix.kick(at(t, ibi, 0), v(&mut vel_rng, 1.0));
                } else {
                    mix.snare(at(t, ibi, 0), v(&mut vel_rng, 1.0));
                }
                if beat_in_bar == 2 {
                    mix.kick(at(t, ibi, 2), v(&mut vel_rng, 0.7));
                }
                for s in [0, 2] {
                    mix.hat(at(t, ibi, s), v(&mut vel_rng, 0.6), false);
                }
                if beat_in_bar == 0 && bar % 4 == 0 {
                    mix.crash(at(t, ibi, 0), 0.8);
                }
                for s in [0, 2] {
                    mix.bass(at(t, ibi, s), root - 12.0, ibi * 0.45, v(&mut vel_rng, 0.9));
                }
            }
            Style::Waltz => {
                if beat_in_bar == 0 {
                    mix.kick(at(t, ibi, 0), v(&mut vel_rng, 0.8));
                    mix.bass(at(t, ibi, 0), root - 12.0, ibi * 0.9, v(&mut vel_rng, 1.0));
                } else {
                    mix.chord(at(t, ibi, 0), &TRIADS[chord_idx], ibi * 0.6, 0.6, 0.005);
                    mix.snare(at(t, ibi, 0), v(&mut vel_rng, 0.3));
                }
                mix.hat(at(t, ibi, 0), v(&mut vel_rng, 0.5), false);
            }
        }
    }
    // Noise at `noise` × the music's RMS (measured after the intro).
    if song.noise > 0.0 {
        let rms = (mix.out.iter().map(|s| s * s).sum::<f64>() / mix.out.len().max(1) as f64).sqrt();
        let mut rng = Rng::new(song.seed ^ 0x5EED);
        let mut pink = 0.0;
        for s in &mut mix.out {
            let w = rng.noise();
            pink = 0.97 * pink + 0.03 * w * 4.0;
            *s += song.noise * rms * 1.2 * (0.5 * w + 0.5 * pink);
        }
    }
    let peak = mix.out.iter().fold(0f64, |m, s| m.max(s.abs())).max(1e-9);
    let samples = mix.out.iter().map(|s| (s / peak * 0.89) as f32).collect();
    Rendered {
        samples,
        sample_rate: song.sample_rate,
        beats: beats.iter().map(|&(t, p, _, _)| (t, p)).collect(),
    }
}

/// The test set of `bench/beats/` (and, shorter, of the accuracy tests): `bars_scale`
/// multiplies every song's length.
pub fn test_set(sample_rate: u32, bars_scale: f64) -> Vec<Song> {
    let bars = |n: f64| ((n * bars_scale).round() as u32).max(4);
    let mut set = Vec::new();
    let mut song = |name: &str, style: Style, bpm: f64, n: f64, edit: &dyn Fn(&mut Song)| {
        let mut s = Song::new(name, style, bpm, bars(n));
        s.sample_rate = sample_rate;
        s.seed = set.len() as u64 + 7;
        edit(&mut s);
        set.push(s);
    };
    song("pop-070", Style::Pop, 70.0, 16.0, &|_| {});
    song("hiphop-088-swing16", Style::Syncopated, 88.0, 20.0, &|s| {
        s.swing16 = 0.62
    });
    song("jazz-105-swing", Style::Jazz, 105.0, 24.0, &|s| {
        s.swing8 = 2.0 / 3.0
    });
    song("pop-120", Style::Pop, 120.0, 28.0, &|_| {});
    song("edm-128-noise", Style::FourOnFloor, 128.0, 30.0, &|s| {
        s.noise = 0.7
    });
    song(
        "funk-140-syncopated",
        Style::Syncopated,
        140.0,
        32.0,
        &|_| {},
    );
    song("waltz-150-3-4", Style::Waltz, 150.0, 40.0, &|_| {});
    song("rock-160", Style::Rock, 160.0, 36.0, &|_| {});
    song("punk-180", Style::Rock, 180.0, 40.0, &|s| s.jitter_ms = 6.0);
    song("pop-100-to-126", Style::Pop, 100.0, 32.0, &|s| {
        let half = s.bars / 2;
        s.tempo = vec![(0, 100.0), (half, 126.0)];
    });
    song("ballad-084-quiet-intro", Style::Pop, 84.0, 22.0, &|s| {
        s.intro_bars = ((4.0 * bars_scale).round() as u32).max(2);
        s.intro_gain = 0.08;
    });
    song("rock-112-noisy", Style::Rock, 112.0, 28.0, &|s| {
        s.noise = 1.5
    });
    set
}

/// A sweep of six styles at six tempos, with other seeds, swing on every other style and
/// noise on every third tempo: `bars` bars each.
pub fn sweep(sample_rate: u32, bars: u32) -> Vec<Song> {
    let styles = [
        Style::Pop,
        Style::FourOnFloor,
        Style::Syncopated,
        Style::Jazz,
        Style::Rock,
        Style::Waltz,
    ];
    let mut set = Vec::new();
    for (i, bpm) in [72.0, 92.0, 116.0, 133.0, 155.0, 175.0]
        .into_iter()
        .enumerate()
    {
        for (j, style) in styles.into_iter().enumerate() {
            // Four on the floor is dance music: 110 BPM and up.
            if style == Style::FourOnFloor && bpm < 110.0 {
                continue;
            }
            let name = format!("sweep-{}-{bpm:03}", format!("{style:?}").to_lowercase());
            let mut song = Song::new(&name, style, bpm, bars);
            song.sample_rate = sample_rate;
            song.seed = 100 + (i * 10 + j) as u64;
            if j % 2 == 1 {
                song.swing16 = 0.58;
            }
            if style == Style::Jazz {
                song.swing8 = 0.64;
            }
            if i % 3 == 0 {
                song.noise = 0.8;
            }
            set.push(song);
        }
    }
    set
}
