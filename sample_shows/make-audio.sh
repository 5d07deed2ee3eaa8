#!/usr/bin/env bash
# make-audio.sh: synthesise the demo show's music, sample_shows/hoshizora.ogg, with sox.
#
# Everything is generated here from sox's own oscillators and noise (no samples, no
# recordings), so the result is license-free. `sox -R` fixes the random seed, so the
# same sox version produces the same bytes on every run.
#
# Tempo 120 BPM: a beat is 500 ms, a bar (4/4) is 2000 ms. Sections, in ms from the
# start of the file (= show time, the cue sheet's `time`):
#
#   intro     0      - 16000   8 bars  Am / F pad, hi-hats, kick on beat 1
#   song 1    16000  - 64000  24 bars  C G Am F, full beat (kick 1+3, snare 2+4, 8th hats)
#   break     64000  - 80000   8 bars  Dm7 / Em7 soft pad, quarter hats only
#   song 2    80000  - 128000 24 bars  D A Bm G (a tone higher), 16th hats, extra kick
#   finale    128000 - 150000 11 bars  F G C C with a crash on every bar, held C at the end
#
# Usage: sample_shows/make-audio.sh [OUT.ogg]   (default: next to this script)
# Needs: sox with Vorbis support (Debian: sox, libsox-fmt-all).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/hoshizora.ogg}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

RATE=44100
BAR=2          # seconds per bar
SOX=(sox -R -V1)  # -R: fixed random seed; -V1: errors only (trim cuts some end pads)

gen() { "${SOX[@]}" -n -r "$RATE" -c 1 -b 16 "$@"; }

# ---- percussion one-shots -------------------------------------------------------------
gen "$work/kick.wav"  synth 0.30 sine 140:40 fade q 0.002 0.30 0.25 gain -2
gen "$work/snare.wav" synth 0.20 noise lowpass 6000 highpass 300 fade q 0.001 0.20 0.18 gain -8
gen "$work/snbody.wav" synth 0.12 sine 190 fade q 0.001 0.12 0.10 gain -10
"${SOX[@]}" -m -v 0.6 "$work/snare.wav" -v 0.6 "$work/snbody.wav" "$work/snareb.wav"
gen "$work/hat.wav"   synth 0.05 noise highpass 7000 fade q 0.001 0.05 0.045 gain -14
gen "$work/crash.wav" synth 1.20 noise highpass 3000 fade q 0.002 1.20 1.15 gain -16

# place HIT at OFFSET seconds inside a one-bar file
place() { "${SOX[@]}" "$1" "$3" pad "$2" "$BAR" trim 0 "$BAR"; }

# drum_bar NAME "kick offsets" "snare offsets" "hat step (s) or none" crash(0/1)
drum_bar() {
    local name=$1 kicks=$2 snares=$3 hatstep=$4 crash=$5
    local parts=() i=0 t
    gen "$work/silence.wav" trim 0 "$BAR"
    parts+=(-v 0.6 "$work/silence.wav")
    for t in $kicks; do place "$work/kick.wav" "$t" "$work/p$i.wav"; parts+=(-v 0.6 "$work/p$i.wav"); i=$((i + 1)); done
    for t in $snares; do place "$work/snareb.wav" "$t" "$work/p$i.wav"; parts+=(-v 0.6 "$work/p$i.wav"); i=$((i + 1)); done
    if [ "$hatstep" != none ]; then
        for t in $(seq 0 "$hatstep" 1.99); do
            place "$work/hat.wav" "$t" "$work/p$i.wav"; parts+=(-v 0.6 "$work/p$i.wav"); i=$((i + 1))
        done
    fi
    if [ "$crash" = 1 ]; then place "$work/crash.wav" 0 "$work/p$i.wav"; parts+=(-v 0.6 "$work/p$i.wav"); fi
    "${SOX[@]}" -m "${parts[@]}" "$work/drums-$name.wav"
    rm -f "$work"/p*.wav
}

drum_bar intro  "0"             ""        0.5  0
drum_bar song1  "0 1.0"         "0.5 1.5" 0.25 0
drum_bar break  ""              ""        0.5  0
drum_bar song2  "0 0.75 1.0"    "0.5 1.5" 0.125 0
drum_bar finale "0 0.75 1.0 1.5" "0.5 1.5" 0.25 1

# ---- chords: a bar of a chord; notes in semitones from A4 = 440 Hz --------------------
# chord NAME WAVE GAIN_DB note...
chord() {
    local name=$1 wave=$2 g=$3; shift 3
    local spec=() n
    for n in "$@"; do spec+=("$wave" "%$n"); done
    "${SOX[@]}" -n -r "$RATE" -c "$#" -b 16 "$work/c.wav" synth "$BAR" "${spec[@]}"
    "${SOX[@]}" "$work/c.wav" "$work/chord-$name.wav" remix - fade q 0.05 "$BAR" 0.3 gain -n "$g"
    # a bass note (the first note, an octave down) pulsing on every beat
    "${SOX[@]}" -n -r "$RATE" -c 1 -b 16 "$work/b.wav" synth 0.5 triangle "%$(($1 - 12))" fade q 0.01 0.45 0.2 gain -n "$((g + 2))" repeat 3
    "${SOX[@]}" -m -v 0.6 "$work/chord-$name.wav" -v 0.6 "$work/b.wav" "$work/cb.wav"
    mv "$work/cb.wav" "$work/chord-$name.wav"
}

# intro: soft sine pad
chord intro0 sine -18 -12 -9 -5        # Am
chord intro1 sine -18 -16 -12 -9       # F
# song 1: C G Am F, triangle
chord song10 triangle -14 -21 -9 -5 -2   # C
chord song11 triangle -14 -14 -2 2 5     # G
chord song12 triangle -14 -12 -9 -5 3    # Am
chord song13 triangle -14 -16 -4 0 3     # F
# break: Dm7 Em7, quiet sine
chord break0 sine -20 -19 -7 -4 0 3      # Dm7
chord break1 sine -20 -17 -5 -2 2 5      # Em7
# song 2: D A Bm G, square through a low-pass (brighter, a tone higher)
chord song20 square -17 -19 -7 -3 0      # D
chord song21 square -17 -12 0 4 7        # A
chord song22 square -17 -10 -7 -3 2      # Bm
chord song23 square -17 -14 -2 2 5       # G
# finale: F G C C, sawtooth
chord finale0 sawtooth -16 -16 -4 0 3    # F
chord finale1 sawtooth -16 -14 -2 2 5    # G
chord finale2 sawtooth -16 -21 -9 -5 -2  # C
chord finale3 sawtooth -16 -21 -9 -5 3   # C (with the octave)

# bar SECTION CHORD -> mixed bar file
bars=()
bar() {
    local f="$work/bar-$1-$2.wav"
    if [ ! -f "$f" ]; then
        "${SOX[@]}" -m -v 0.6 "$work/drums-$1.wav" -v 0.6 "$work/chord-$2.wav" "$f"
    fi
    bars+=("$f")
}

section() { # section NAME BARS NCHORDS
    local i
    for ((i = 0; i < $2; i++)); do bar "$1" "$1$((i % $3))"; done
}

section intro 8 2
section song1 24 4
section break 8 2
section song2 24 4
section finale 10 4
# the held last chord: one crash + kick, the C chord ringing out over 2 s
"${SOX[@]}" -m -v 0.6 "$work/crash.wav" -v 0.6 "$work/kick.wav" "$work/end-hit.wav"
"${SOX[@]}" "$work/chord-finale3.wav" "$work/end-chord.wav" fade q 0 "$BAR" 1.8
"${SOX[@]}" -m -v 0.6 "$work/end-hit.wav" -v 0.6 "$work/end-chord.wav" "$work/end.wav" trim 0 "$BAR"
bars+=("$work/end.wav")

"${SOX[@]}" "${bars[@]}" "$work/mono.wav"
# stereo with a little room (reverb), fade in over the first bar, normalise, encode
"${SOX[@]}" "$work/mono.wav" -c 2 "$work/stereo.wav" gain -n -6 remix 1 1 reverb 20 50 60 \
    highpass 20 fade q 2 0 gain -n -1 trim 0 150
"${SOX[@]}" "$work/stereo.wav" -C 2 "$out"

echo "wrote $out ($(soxi -D "$out") s, $(stat -c %s "$out") bytes)"
echo "sections (ms): intro 0-16000, song1 16000-64000, break 64000-80000, song2 80000-128000, finale 128000-150000"
