//! `cargo bench -p beats --bench analyse`: [`beats::analyse`] on a generated 4-minute pop
//! song at 44.1 kHz (the samples already decoded; the CLI's decode is timed by
//! `bench/beats/run.sh`). Goal: a 4-minute song in at most 2 s.

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../tests/support/synth.rs"]
mod synth;

fn four_minutes(c: &mut Criterion) {
    let mut song = synth::Song::new("long", synth::Style::Pop, 120.0, 120);
    song.sample_rate = 44_100;
    let r = synth::render(&song);
    let mut group = c.benchmark_group("analyse");
    group.sample_size(10);
    group.bench_function("4min_44k", |b| {
        b.iter(|| beats::analyse(std::hint::black_box(&r.samples), r.sample_rate, &mut |_| {}))
    });
    group.finish();
}

criterion_group!(benches, four_minutes);
criterion_main!(benches);
