//! The `cuestudio` binary as pipelines use it: exit codes, stdout and stderr.

use std::path::Path;

mod support;

use support::{cuestudio, sample, text};

fn write(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p.to_str().unwrap().to_owned()
}

#[test]
fn validate_accepts_the_sample_show_and_a_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = write(dir.path(), "s.json", r#"[{"time": 0, "action": "a"}]"#);
    let out = cuestudio(&["validate", sample().to_str().unwrap(), &sheet]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("ok (show, "), "{stdout}");
    assert!(stdout.contains("ok (cue sheet, 1 cues)"), "{stdout}");
}

#[test]
fn validate_names_file_and_location_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.json",
        r#"[{"time": 0, "action": "a"}, {"time": -5, "action": ""}]"#,
    );
    let syntax = write(dir.path(), "syntax.json", "[\n  {\"time\": 1,}\n]");
    let out = cuestudio(&["validate", &bad, &syntax]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{bad}: [1].time: ")) && l.contains("-5")),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{bad}: [1].action: "))),
        "{err}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{syntax}: 2:"))),
        "syntax errors carry line:column: {err}"
    );
}

#[test]
fn unreadable_file_exits_2() {
    let out = cuestudio(&["validate", "/nonexistent/x.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("/nonexistent/x.json: "));
}

#[test]
fn usage_errors_exit_2() {
    let out = cuestudio(&["export"]);
    assert_eq!(out.status.code(), Some(2));
    let out = cuestudio(&["export", "x.json", "--format", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn export_sorts_and_chooses_keys() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = write(
        dir.path(),
        "s.json",
        r#"[{"time":5,"action":"b","tolerance":9},{"time":1,"action":"a"},{"time":5,"action":"c"}]"#,
    );
    let out = cuestudio(&["export", &sheet]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!([
            {"time":1,"action":"a"},
            {"time":5,"action":"b","tolerance":9},
            {"time":5,"action":"c"}
        ])
    );
    let o = dir.path().join("seed.json");
    let out = cuestudio(&[
        "export",
        &sheet,
        "--format",
        "seed",
        "-o",
        o.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&o).unwrap()).unwrap();
    assert_eq!(v[1], serde_json::json!({"time":5,"action":"b"}));
}

#[test]
fn export_is_deterministic_and_drops_editor_only_keys() {
    let a = cuestudio(&["export", sample().to_str().unwrap(), "--pretty"]);
    let b = cuestudio(&["export", sample().to_str().unwrap(), "--pretty"]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
    let s = text(&a.stdout);
    assert!(!s.contains("\"lane\"") && !s.contains("\"note\""));
    assert!(s.ends_with("]\n"));
    assert!(s.contains("\n  {"), "pretty output is indented");
}

#[test]
fn export_of_a_show_carries_effective_tolerance_duration_and_params() {
    let dir = tempfile::tempdir().unwrap();
    let show = write(
        dir.path(),
        "s.cueshow.json",
        r##"{"cuestudio": 1, "expectedDrift": 1500,
            "effects": {"flash": {"kind": "flash", "label": "Flash", "color": "#ffffff",
                                  "tolerance": 80, "params": {"strength": 0.5}}},
            "cues": [
              {"time": 839, "action": "fireworks"},
              {"time": 900, "action": "flash", "params": {"color": "#ff0000"}},
              {"time": 950, "action": "flash", "tolerance": 40, "duration": 10},
              {"time": 990, "action": "somethingNew"}
            ]}"##,
    );
    let out = cuestudio(&["export", &show]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let builtin: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/effects.json"))
            .unwrap(),
    )
    .unwrap();
    let fw = &builtin["effects"]["fireworks"];
    // The built-in catalog's defaults, in full.
    assert_eq!(v[0]["tolerance"], fw["tolerance"], "{v}");
    assert_eq!(v[0]["duration"], fw["duration"], "{v}");
    assert_eq!(v[0]["params"], fw["params"], "{v}");
    // The show's override, with the cue's params merged over the entry's.
    assert_eq!(v[1]["tolerance"], 80, "{v}");
    assert_eq!(
        v[1]["params"],
        serde_json::json!({"strength": 0.5, "color": "#ff0000"}),
        "{v}"
    );
    // The cue's own values win.
    assert_eq!(
        (v[2]["tolerance"].as_i64(), v[2]["duration"].as_i64()),
        (Some(40), Some(10))
    );
    // An action no catalog knows: the catalog's default tolerance, no params.
    assert_eq!(v[3]["tolerance"], builtin["defaultTolerance"], "{v}");
    assert!(v[3]["duration"].as_i64().unwrap() > 0, "{v}");
    assert!(v[3].get("params").is_none(), "{v}");
    // --raw keeps only what the cues set; seed only time and action.
    let raw = cuestudio(&["export", &show, "--raw"]);
    let raw: serde_json::Value = serde_json::from_slice(&raw.stdout).unwrap();
    assert_eq!(
        raw[0],
        serde_json::json!({"time": 839, "action": "fireworks"})
    );
    let seed = cuestudio(&["export", &show, "--format", "seed"]);
    let seed: serde_json::Value = serde_json::from_slice(&seed.stdout).unwrap();
    assert_eq!(seed[1], serde_json::json!({"time": 900, "action": "flash"}));
    // What the lint judged is what was exported: the 80 ms flash is a drift risk.
    let lint = cuestudio(&["lint", &show, "--json"]);
    let findings: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "drift-risk" && f["time"] == 900),
        "{findings}"
    );
}

#[test]
fn export_of_an_invalid_show_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.json",
        r#"[{"time": "soon", "action": "a"}]"#,
    );
    let o = dir.path().join("out.json");
    let out = cuestudio(&["export", &bad, "-o", o.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!o.exists());
}

#[test]
fn info_summarises_the_sample() {
    let out = cuestudio(&["info", sample().to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let show = cuesheet::parse_show(&std::fs::read(sample()).unwrap()).unwrap();
    assert_eq!(v["cues"], show.cues.len());
    assert_eq!(v["kind"], "show");
    let counted: u64 = v["actions"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(counted as usize, show.cues.len());
    assert_eq!(v["actions"]["showOpening"], 1);
    let out = cuestudio(&["info", sample().to_str().unwrap()]);
    let s = text(&out.stdout);
    assert!(s.contains("title:   星空ライブ"), "{s}");
    assert!(s.contains("span:    00:00.000"), "{s}");
}

/// The subcommands `cuestudio --help` lists (so a new one is checked without editing this).
fn subcommands() -> Vec<String> {
    let out = cuestudio(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    let section = help
        .split("Commands:")
        .nth(1)
        .unwrap_or_else(|| panic!("no Commands section in {help}"));
    section
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_subcommand_has_help_with_examples() {
    let subs = subcommands();
    for known in [
        "validate", "export", "info", "lint", "waveform", "beats", "clock", "follow",
    ] {
        assert!(
            subs.iter().any(|s| s == known),
            "{known} missing from {subs:?}"
        );
    }
    for sub in &subs {
        let out = cuestudio(&[sub, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{sub} --help");
        let help = text(&out.stdout);
        let examples = help
            .split("Examples:")
            .nth(1)
            .unwrap_or_else(|| panic!("{sub} --help lacks examples:\n{help}"));
        assert!(
            examples
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("cuestudio {sub}"))),
            "{sub} --help has no example of itself:\n{help}"
        );
        assert!(
            !help.contains("lowest round trip wins"),
            "{sub} --help describes the old estimator"
        );
    }
}

#[test]
fn clock_measures_a_real_server_and_fails_cleanly_on_a_dead_one() {
    let server = timeserver::spawn_background(timeserver::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..Default::default()
    })
    .unwrap();
    let url = format!("http://{}/time", server.addr);
    let out = cuestudio(&["clock", "--server", &url, "--samples", "5", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "running", "{v}");
    assert_eq!(v["message"], serde_json::Value::Null, "{v}");
    let (offset, bound, rtt) = (
        v["offsetMs"].as_i64().unwrap(),
        v["errorBoundMs"].as_i64().unwrap(),
        v["rttMs"].as_i64().unwrap(),
    );
    // One machine: the true offset is 0, so it lies within the reported bound (plus the 1 ms
    // that reading two ms-truncated clocks adds), and the bound is no wider than half the
    // lowest round trip plus that truncation.
    assert!(offset.abs() <= bound + 1, "{v}");
    assert!(rtt >= 0 && bound <= (rtt + 1) / 2 + 2, "{v}");
    // The human form names the same things.
    let out = cuestudio(&["clock", "--server", &url]);
    assert_eq!(out.status.code(), Some(0));
    let human = text(&out.stdout);
    for k in ["offset", "rtt", "bound", "status   running"] {
        assert!(human.contains(k), "{human}");
    }
    // A stopped server: exit 2, and the error names the URL.
    drop(server);
    let out = cuestudio(&["clock", "--server", &url, "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains(&url), "{}", text(&out.stderr));
    // Not a URL: exit 2 too, before any request.
    let out = cuestudio(&["clock", "--server", "not a url"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn lint_reports_findings_with_exit_1_and_json_shape() {
    let out = cuestudio(&["lint", sample().to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v.as_array().unwrap();
    assert_eq!(
        out.status.code(),
        Some(if findings.is_empty() { 0 } else { 1 })
    );
    for f in findings {
        let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        for k in ["code", "severity", "cue", "time", "action", "message"] {
            assert!(keys.contains(&k), "{f}");
        }
    }
}

#[test]
fn lint_and_validate_lint_on_a_risky_and_a_clean_show() {
    let dir = tempfile::tempdir().unwrap();
    let risky = write(
        dir.path(),
        "risky.cueshow.json",
        r#"{"cuestudio":1,"expectedDrift":1500,"cues":[{"time":1000,"action":"fireworks","tolerance":100}]}"#,
    );
    let clean = write(
        dir.path(),
        "clean.cueshow.json",
        r#"{"cuestudio":1,"expectedDrift":200,"cues":[{"time":1000,"action":"colorWash","tolerance":3000}]}"#,
    );
    let out = cuestudio(&["lint", &risky]);
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    assert!(
        s.contains(&format!(
            "{risky}: 00:01.000 fireworks: warning drift-risk: tolerates 100 ms but viewers \
             drift up to 1500 ms: about 89.6% of viewers will see it outside its tolerance\n"
        )),
        "{s}"
    );
    let out = cuestudio(&["validate", "--lint", &risky]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(&format!(
            "{risky}: 00:01.000 fireworks: warning drift-risk:"
        )),
        "{}",
        text(&out.stderr)
    );
    let out = cuestudio(&["lint", &clean]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = cuestudio(&["validate", "--lint", &clean]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn import_brings_a_timing_file_into_a_new_show_or_an_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    let srt = write(
        dir.path(),
        "lyrics.srt",
        "1\n00:00:01,500 --> 00:00:03,000\n星がきらめく\n\n2\n00:00:04,000 --> 00:00:05,250\nOne more line\nand a second\n",
    );
    let new = dir.path().join("new.cueshow.json");
    let out = cuestudio(&[
        "import",
        &srt,
        "--lane",
        "Lyrics",
        "-o",
        new.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("imported 2 cues (srt)"),
        "{}",
        text(&out.stderr)
    );
    let show = cuesheet::parse_show(&std::fs::read(&new).unwrap()).unwrap();
    let got: Vec<(i64, Option<i64>, &str, Option<&str>)> = show
        .cues
        .iter()
        .map(|c| (c.time, c.duration, c.action.as_str(), c.lane.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (1_500, Some(1_500), "textFade", Some("Lyrics")),
            (4_000, Some(1_250), "textFade", Some("Lyrics"))
        ]
    );
    let text_of = |i: usize| show.cues[i].params.as_ref().unwrap()["text"].clone();
    assert_eq!(text_of(0), "星がきらめく");
    assert_eq!(text_of(1), "One more line\nand a second");

    // Into an existing show: its cues stay, the new ones join in time order.
    let copy = dir.path().join("show.cueshow.json");
    std::fs::copy(sample(), &copy).unwrap();
    let before = cuesheet::parse_show(&std::fs::read(&copy).unwrap()).unwrap();
    let labels = write(
        dir.path(),
        "labels.txt",
        "10.0\t10.0\tstartSong1\n20.25\t22.0\tBridge\n",
    );
    let out = cuestudio(&["import", &labels, "--into", copy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let after = cuesheet::parse_show(&std::fs::read(&copy).unwrap()).unwrap();
    assert_eq!(after.cues.len(), before.cues.len() + 2);
    assert!(after.cues.windows(2).all(|w| w[0].time <= w[1].time));
    assert!(
        after
            .cues
            .iter()
            .any(|c| c.time == 10_000 && c.action == "startSong1")
    );
    assert_eq!(after.title, before.title);
}

#[test]
fn import_refuses_bad_files_whole_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.csv",
        "time,action\n0:01.000,flash\nsoon,flash\n",
    );
    let new = dir.path().join("new.cueshow.json");
    let out = cuestudio(&["import", &bad, "-o", new.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{bad}: line 3")), "{err}");
    assert!(!new.exists(), "nothing half-imported");
    // A name that says no format: a usage error naming the formats.
    let odd = write(dir.path(), "cues.dat", "x");
    let out = cuestudio(&["import", &odd, "-o", new.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--format"),
        "{}",
        text(&out.stderr)
    );
    // One target is required.
    let out = cuestudio(&["import", &bad]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn export_writes_the_timing_tools_formats_and_they_import_back() {
    let dir = tempfile::tempdir().unwrap();
    let show = cuesheet::parse_show(&std::fs::read(sample()).unwrap()).unwrap();
    let mut times: Vec<i64> = show.cues.iter().map(|c| c.time).collect();
    times.sort();
    for format in ["audacity", "csv", "xtiming", "reaper"] {
        let ext = match format {
            "audacity" => "txt",
            "reaper" => "csv",
            other => other,
        };
        let file = dir.path().join(format!("out-{format}.{ext}"));
        let out = cuestudio(&[
            "export",
            sample().to_str().unwrap(),
            "--format",
            format,
            "-o",
            file.to_str().unwrap(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            text(&out.stderr)
        );
        let new = dir.path().join(format!("back-{format}.cueshow.json"));
        let out = cuestudio(&[
            "import",
            file.to_str().unwrap(),
            "--format",
            format,
            "-o",
            new.to_str().unwrap(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            text(&out.stderr)
        );
        let back = cuesheet::parse_show(&std::fs::read(&new).unwrap()).unwrap();
        let got: Vec<i64> = back.cues.iter().map(|c| c.time).collect();
        assert_eq!(got, times, "{format}: every cue at its time");
    }
}

/// Stereo 16-bit WAV at 44.1 kHz: a kick-like click (a decaying 60 Hz sweep) on every beat
/// at `bpm` from 0.5 s for `seconds`, a softer hi-hat-like tick between beats, and the same
/// in both channels. Returns the beat times in ms.
fn click_wav(path: &Path, bpm: f64, seconds: f64) -> Vec<i64> {
    let rate = 44_100u32;
    let n = (seconds * f64::from(rate)) as usize;
    let mut mono = vec![0f64; n];
    let ibi = 60.0 / bpm;
    let mut beats = Vec::new();
    let mut t = 0.5;
    let mut noise = 0x1234_5678_u32;
    while t < seconds - 0.5 {
        beats.push((t * 1000.0).round() as i64);
        for (i, (at, gain)) in [(t, 0.8), (t + ibi / 2.0, 0.2)].into_iter().enumerate() {
            let start = (at * f64::from(rate)) as usize;
            for k in 0..(0.2 * f64::from(rate)) as usize {
                let Some(s) = mono.get_mut(start + k) else {
                    break;
                };
                let x = k as f64 / f64::from(rate);
                let v = if i == 0 {
                    (std::f64::consts::TAU * (60.0 + 100.0 * (-x / 0.02).exp()) * x).sin()
                        * (-x / 0.08).exp()
                } else {
                    noise ^= noise << 13;
                    noise ^= noise >> 17;
                    noise ^= noise << 5;
                    (f64::from(noise) / f64::from(u32::MAX) - 0.5) * (-x / 0.02).exp()
                };
                *s += gain * v;
            }
        }
        t += ibi;
    }
    let data_len = (n * 4) as u32;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data_len).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes()); // PCM
    b.extend_from_slice(&2u16.to_le_bytes()); // stereo
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(rate * 4).to_le_bytes());
    b.extend_from_slice(&4u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    for s in mono {
        let v = ((s * 20_000.0).clamp(-32_768.0, 32_767.0) as i16).to_le_bytes();
        b.extend_from_slice(&v);
        b.extend_from_slice(&v);
    }
    std::fs::write(path, b).unwrap();
    beats
}

#[test]
fn beats_finds_the_clicks_of_a_wav_and_their_tempo() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("clicks.wav");
    let reference = click_wav(&wav, 125.0, 20.0);
    let out = cuestudio(&["beats", wav.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bpm = v["bpm"].as_f64().unwrap();
    assert!((bpm - 125.0).abs() < 1.0, "bpm {bpm}");
    let found: Vec<i64> = v["beats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_i64().unwrap())
        .collect();
    // Every reference beat has a found beat within 70 ms, and nothing else was found.
    for r in &reference {
        assert!(
            found.iter().any(|f| (f - r).abs() <= 70),
            "no beat near {r} ms in {found:?}"
        );
    }
    assert!(found.len() <= reference.len() + 1, "{found:?}");
    let confidence = v["confidence"].as_f64().unwrap();
    assert!((0.5..=1.0).contains(&confidence), "confidence {confidence}");
    assert_eq!(v["beatsPerBar"], 4);
    let downbeats = v["downbeats"].as_array().unwrap();
    assert!(
        downbeats
            .iter()
            .all(|d| found.contains(&d.as_i64().unwrap()))
    );
    assert_eq!(v["sections"].as_array().unwrap().len(), 1, "{v}");

    let summary = cuestudio(&["beats", wav.to_str().unwrap()]);
    assert_eq!(summary.status.code(), Some(0));
    let line = text(&summary.stdout);
    assert!(line.contains("clicks.wav: 125.0 BPM"), "{line}");
}

#[test]
fn beats_of_a_missing_or_bad_file_names_it_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.wav");
    let out = cuestudio(&["beats", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("nope.wav"),
        "{}",
        text(&out.stderr)
    );
    let bad = write(dir.path(), "bad.mp3", "this is not audio at all");
    let out = cuestudio(&["beats", &bad, "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("bad.mp3"),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}
