//! `cargo run -p beats --example fmeasure -- REFERENCE ESTIMATE`: the F-measure of
//! [`beats::eval`] (±70 ms, beats before 5 s trimmed) of two beat files, times in seconds
//! in the first column of each line. `bench/beats/score.py` checks it against mir_eval's.

fn read(path: &str) -> Result<Vec<i64>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut beats = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some(first) = line.split_whitespace().next() else {
            continue;
        };
        let t: f64 = first
            .parse()
            .map_err(|e| format!("{path}:{}: {e}", n + 1))?;
        beats.push((t * 1000.0).round() as i64);
    }
    Ok(beats)
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(r), Some(e)) = (args.first(), args.get(1)) else {
        eprintln!("usage: fmeasure REFERENCE ESTIMATE");
        return std::process::ExitCode::from(2);
    };
    match (read(r), read(e)) {
        (Ok(r), Ok(e)) => {
            let f = beats::eval::f_measure(
                &beats::eval::trim(&r),
                &beats::eval::trim(&e),
                beats::eval::WINDOW_MS,
            );
            println!("{f:.4}");
            std::process::ExitCode::SUCCESS
        }
        (Err(m), _) | (_, Err(m)) => {
            eprintln!("{m}");
            std::process::ExitCode::from(2)
        }
    }
}
