//! Property tests of the tempo grid: snapping is idempotent, lands on a line and never
//! moves a time more than half a division; lines come in order, within the range asked;
//! a refit puts the dragged beat where it was dropped.

use cuesheet::TempoSection;
use cuesheet::grid::{Division, TempoMap, sections_from_beats};
use proptest::prelude::*;

/// One to four sections in time order, any tempo and meter a section may have.
fn map() -> impl Strategy<Value = TempoMap> {
    let section = (
        1i64..120_000,
        (20_000_000u64..=400_000_000).prop_map(|n| n as f64 / 1e6),
        1u32..=TempoSection::MAX_BEATS_PER_BAR,
        prop::sample::select(TempoSection::BEAT_UNITS.to_vec()),
    );
    (0i64..30_000, prop::collection::vec(section, 1..5)).prop_map(|(start, sections)| {
        let mut time = start;
        let sections: Vec<TempoSection> = sections
            .into_iter()
            .enumerate()
            .map(|(i, (gap, bpm, beats_per_bar, beat_unit))| {
                if i > 0 {
                    time += gap;
                }
                TempoSection {
                    time,
                    bpm,
                    beats_per_bar,
                    beat_unit,
                }
            })
            .collect();
        TempoMap::new(&sections)
    })
}

fn division() -> impl Strategy<Value = Division> {
    prop::sample::select(Division::ALL[1..].to_vec())
}

/// A division's length (ms) in the section that governs `t`.
fn unit_ms(map: &TempoMap, t: i64, d: Division) -> f64 {
    let s = map.sections()[map.section_at(t).unwrap()];
    match d.per_beat() {
        Some(n) => s.beat_ms() / f64::from(n),
        None => s.beat_ms() * f64::from(s.beats_per_bar),
    }
}

proptest! {
    #[test]
    fn snap_is_idempotent_lands_on_a_line_and_moves_at_most_half_a_division(
        map in map(),
        d in division(),
        t in -60_000i64..600_000,
    ) {
        let s = map.snap(t, d);
        prop_assert_eq!(map.snap(s, d), s, "idempotent");
        let on_line = map.lines(s, s, d).count();
        prop_assert_eq!(on_line, 1, "{} is a line", s);
        // Half a division, and the millisecond the lines are rounded to.
        let moved = (s - t).abs() as f64;
        prop_assert!(moved <= unit_ms(&map, t, d) / 2.0 + 1.0, "{} -> {} ({:?})", t, s, d);
        // No line is nearer.
        let nearest = map
            .lines(t - 200_000, t + 200_000, d)
            .map(|l| (l.time - t).abs())
            .min()
            .unwrap();
        prop_assert_eq!((s - t).abs(), nearest);
    }

    #[test]
    fn lines_are_in_order_within_the_range_and_beats_are_the_same_in_every_division(
        map in map(),
        d in division(),
        from in -60_000i64..600_000,
        len in 0i64..30_000,
    ) {
        let to = from + len;
        let lines: Vec<_> = map.lines(from, to, d).collect();
        prop_assert!(lines.windows(2).all(|w| w[0].time < w[1].time));
        prop_assert!(lines.iter().all(|l| (from..=to).contains(&l.time)));
        // Each section starts with a downbeat, which every division has.
        for s in map.sections().iter().filter(|s| (from..=to).contains(&s.time)) {
            prop_assert!(lines.iter().any(|l| l.time == s.time && l.is_downbeat()));
        }
        let beats: Vec<i64> = map.beats(from, to).map(|l| l.time).collect();
        if d.per_beat().is_some() {
            let on_beats: Vec<i64> = lines.iter().filter(|l| l.is_beat()).map(|l| l.time).collect();
            prop_assert_eq!(on_beats, beats);
        } else {
            prop_assert!(lines.iter().all(|l| l.is_downbeat() && beats.contains(&l.time)));
        }
        // Bar numbers never go back.
        prop_assert!(lines.windows(2).all(|w| w[0].bar <= w[1].bar));
    }

    #[test]
    fn a_refit_puts_the_dragged_beat_where_it_was_dropped(
        map in map(),
        pick in any::<prop::sample::Index>(),
        beat in -8i64..64,
        to in -60_000i64..600_000,
    ) {
        let section = pick.index(map.sections().len());
        if let Some(fitted) = map.refit(section, beat, to) {
            let mut sections = map.sections().to_vec();
            sections[section] = fitted;
            let refit = TempoMap::new(&sections);
            prop_assert_eq!(refit.sections().len(), sections.len(), "still a valid grid");
            prop_assert_eq!(refit.beat_time(section, beat), Some(to));
            for (i, s) in sections.iter().enumerate().filter(|&(i, _)| i != section) {
                prop_assert_eq!(s, &map.sections()[i], "the others are untouched");
            }
        }
    }

    #[test]
    fn sections_from_any_beats_are_a_valid_grid(
        beats in prop::collection::vec(-1_000i64..400_000, 0..80),
        downbeats in prop::collection::vec(-1_000i64..400_000, 0..20),
        steady in (100i64..3_000, 0i64..10_000, 2usize..200),
    ) {
        let sections = sections_from_beats(&beats, &downbeats, (4, 4));
        prop_assert!(sections.iter().all(TempoSection::is_valid));
        let map = TempoMap::new(&sections);
        prop_assert_eq!(map.sections(), &sections[..]);
        // Steady beats give one section at their tempo, from the first.
        let (interval, start, n) = steady;
        let beats: Vec<i64> = (0..n as i64).map(|k| start + k * interval).collect();
        let sections = sections_from_beats(&beats, &[], (4, 4));
        let bpm = 60_000.0 / interval as f64;
        if TempoSection::BPM_RANGE.contains(&bpm) {
            prop_assert_eq!(sections.len(), 1);
            prop_assert_eq!(sections[0].time, start);
            prop_assert!((sections[0].bpm - bpm).abs() < 1e-5);
        } else {
            prop_assert!(sections.is_empty());
        }
    }
}
