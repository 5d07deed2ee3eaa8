"""Scores `cuestudio beats` and librosa's beat tracker on the generated test set.

usage: score.py SETDIR FMEASURE_BIN [--no-goals]

SETDIR holds NAME.wav and NAME.beats (reference: seconds, tab, position in bar) from
`cargo run -p beats --example testset`, and NAME.ours.json (`cuestudio beats --json`) with
NAME.ours.time (wall seconds). librosa's `beat.beat_track` (default parameters, audio
loaded at librosa's default 22050 Hz) runs here on the same files.

F is mir_eval's: `mir_eval.beat.f_measure` (±70 ms) after `mir_eval.beat.trim_beats` (drops
beats before 5 s) of both lists, as `mir_eval.beat.evaluate` does. The F of ours is also
computed by the Rust `beats::eval` (FMEASURE_BIN) and must agree with mir_eval's.
"""

import json
import pathlib
import subprocess
import sys
import tempfile
import time

import librosa
import mir_eval
import numpy as np


def load_reference(path):
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    beats = np.array([float(r[0]) for r in rows])
    downbeats = np.array([float(r[0]) for r in rows if len(r) > 1 and r[1] == "1"])
    return beats, downbeats


def f_measure(reference, estimated):
    return mir_eval.beat.f_measure(
        mir_eval.beat.trim_beats(reference), mir_eval.beat.trim_beats(estimated), 0.07
    )


def rust_f(fmeasure_bin, reference_path, estimated):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(f"{t:.4f}" for t in estimated))
        name = f.name
    out = subprocess.run(
        [fmeasure_bin, str(reference_path), name], capture_output=True, text=True, check=True
    )
    pathlib.Path(name).unlink()
    return float(out.stdout.strip())


def main():
    setdir = pathlib.Path(sys.argv[1])
    fmeasure_bin = sys.argv[2]
    rows = []
    worst_disagreement = 0.0
    for wav in sorted(setdir.glob("*.wav")):
        ref_path = wav.with_suffix(".beats")
        if not ref_path.exists():
            continue
        reference, ref_down = load_reference(ref_path)
        ours = json.loads(wav.with_suffix(".ours.json").read_text())
        ours_beats = np.array(ours["beats"], dtype=float) / 1000.0
        ours_down = np.array(ours["downbeats"], dtype=float) / 1000.0
        ours_time = float(wav.with_suffix(".ours.time").read_text())

        start = time.perf_counter()
        y, sr = librosa.load(str(wav))
        tempo, frames = librosa.beat.beat_track(y=y, sr=sr)
        lib_beats = librosa.frames_to_time(frames, sr=sr)
        lib_time = time.perf_counter() - start
        lib_bpm = float(np.atleast_1d(tempo)[0])

        f_ours = f_measure(reference, ours_beats)
        f_lib = f_measure(reference, lib_beats)
        f_rust = rust_f(fmeasure_bin, ref_path, ours_beats)
        worst_disagreement = max(worst_disagreement, abs(f_rust - f_ours))
        f_down = f_measure(ref_down, ours_down)
        rows.append(
            (wav.stem, f_ours, f_lib, ours["bpm"], lib_bpm, f_down, ours_time, lib_time)
        )

    print("| track | F ours | F librosa | BPM ours | BPM librosa | downbeat F ours | time ours | time librosa |")
    print("|---|---|---|---|---|---|---|---|")
    for name, fo, fl, bo, bl, fd, to, tl in rows:
        mark = "" if fo >= fl else " **(below librosa)**"
        print(
            f"| {name} | {fo:.3f}{mark} | {fl:.3f} | {bo:.1f} | {bl:.1f} | {fd:.3f} | {to:.2f} s | {tl:.2f} s |"
        )
    n = len(rows)
    mean = lambda i: sum(r[i] for r in rows) / max(n, 1)
    print(
        f"| **mean ({n} tracks)** | **{mean(1):.3f}** | **{mean(2):.3f}** | | | {mean(5):.3f} | {mean(6):.2f} s | {mean(7):.2f} s |"
    )
    below = [r[0] for r in rows if r[1] < r[2]]
    print()
    print(f"mean F ours {mean(1):.3f} (goal >= 0.9), librosa {mean(2):.3f}")
    print(f"tracks where ours < librosa: {below if below else 'none'}")
    print(f"Rust beats::eval vs mir_eval: largest |difference| in F = {worst_disagreement:.4f}")
    ok = mean(1) >= 0.9 and not below and worst_disagreement < 1e-3
    sys.exit(0 if ok or "--no-goals" in sys.argv else 1)


if __name__ == "__main__":
    main()
