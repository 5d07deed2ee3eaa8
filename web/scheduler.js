// The scheduler: each cue once, when show time reaches it, on the animation frame nearest
// its time. Pure: the page's ticker hands it the show time of each tick.
//
// The rule (the same as `cuestudio follow`'s, README.md "The skip rule"):
// - A cue is due on the first tick whose show time is at least its time minus `leadMs`
//   (half the measured frame interval on animation frames: the frame nearest the cue's
//   time, at most half a frame early; 0 on the timer fallback).
// - It is skipped (logged with `skipped: true`, its effect not started) when at that tick
//   it is later than its tolerance: `lateMs > max(tolerance, slackMs)`, where `slackMs` is
//   one frame (at least FRAME_SLACK_MS), so a cue with a tolerance of 0 still fires on its
//   frame. A page that joins late, or comes back from a hidden or frozen tab, thus skips
//   what is past its tolerance instead of firing it in a burst. Exception: cues the show
//   passed between the operator's resume and the page learning of it (time within
//   [catchUpFrom, catchUpTo]) always fire, late: nothing is skipped on resume.
// - The tolerance is the cue's own (the extended cue sheet carries the effective one),
//   else its catalog entry's, else the default (the catalog's defaultTolerance, 500 ms):
//   `catalog.effective_tolerance` in Rust, which follow uses.

export const FRAME_SLACK_MS = 17;
export const DEFAULT_TOLERANCE_MS = 500;

const own = (o, k) => (o && Object.hasOwn(o, k) ? o[k] : undefined);
const isNum = (v) => typeof v === "number" && Number.isFinite(v);
/** Rounded to a whole number, never -0. */
const int = (x) => Math.round(x) || 0;

export function effectiveTolerance(cue, catalog, defaultTolerance = DEFAULT_TOLERANCE_MS) {
  if (isNum(cue.tolerance)) return cue.tolerance;
  const t = own(own(catalog, cue.action), "tolerance");
  return isNum(t) ? t : defaultTolerance;
}

export class Scheduler {
  /** `cues`: the cue sheet (any order; ties keep their order). */
  constructor(cues, { catalog = null, defaultTolerance = DEFAULT_TOLERANCE_MS } = {}) {
    this.cues = cues.map((cue, i) => ({ cue, i })).sort((a, b) => a.cue.time - b.cue.time || a.i - b.i).map((x) => x.cue);
    this.tolerances = this.cues.map((c) => effectiveTolerance(c, catalog, defaultTolerance));
    this.next = 0;
  }

  get done() {
    return this.next >= this.cues.length;
  }

  /** The next cue's show time, or null. */
  nextTime() {
    return this.done ? null : this.cues[this.next].time;
  }

  /**
   * One tick at show time `pos`. Returns `[{ cue, entry }]` for every cue handled, in
   * order; `entry` is the log line `{ time, action, firedAtServerMs, lateMs, skipped, localMs }`:
   * `firedAtServerMs` (serverNow) and `lateMs` (pos − time) rounded to whole ms, `localMs`
   * as given (high resolution).
   */
  tick({ pos, serverNow, localMs, leadMs = 0, slackMs = FRAME_SLACK_MS, catchUpFrom = Infinity, catchUpTo = -Infinity }) {
    const out = [];
    const slack = Math.max(FRAME_SLACK_MS, slackMs);
    while (this.next < this.cues.length) {
      const cue = this.cues[this.next];
      if (cue.time > pos + leadMs) break;
      // Whole ms, as `cuestudio follow --json` prints them; the skip rule reads the same value.
      const lateMs = int(pos - cue.time);
      const caughtUp = cue.time >= catchUpFrom && cue.time <= catchUpTo;
      const skipped = lateMs > Math.max(this.tolerances[this.next], slack) && !caughtUp;
      out.push({ cue, entry: { time: cue.time, action: cue.action, firedAtServerMs: int(serverNow), lateMs, skipped, localMs } });
      this.next += 1;
    }
    return out;
  }
}
