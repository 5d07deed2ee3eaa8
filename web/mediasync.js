// Keeps an <audio> or <video> element in step with show time, in the manner of timingsrc's
// MediaSync: small errors are corrected by playback rate (inaudible), large ones by seeking.
// Pure core (`correction`) plus a thin shell (`syncMedia`) that reads `show.showTime()` and
// `show.status`; nothing here reads a clock of its own except to pace itself.

/** Beyond this error (s) the element seeks; below it, the rate nudges it back. */
export const SEEK_THRESHOLD_S = 0.5;
/** Within this error (s) the element is left alone ("lip sync"). */
export const TARGET_S = 0.025;
/** The largest rate change used to catch up (±). */
export const MAX_RATE_DELTA = 0.05;
/** Catch up over about this many seconds. */
const CATCH_UP_S = 2;

/**
 * What to do about `errorS` = element time − show time (s).
 * @returns {{ action: "none" | "rate" | "seek", rate: number }}
 */
export function correction(errorS) {
  const abs = Math.abs(errorS);
  if (!Number.isFinite(errorS) || abs > SEEK_THRESHOLD_S) return { action: "seek", rate: 1 };
  if (abs <= TARGET_S) return { action: "none", rate: 1 };
  const delta = Math.min(MAX_RATE_DELTA, abs / CATCH_UP_S);
  // Ahead (positive error): slow down; behind: speed up.
  return { action: "rate", rate: errorS > 0 ? 1 - delta : 1 + delta };
}

/**
 * Follows `show` with `media`: plays while the show runs, pauses while it is paused or
 * before it starts, seeks on start and on large errors, and corrects small drift by rate.
 * `media.play()` may be refused until the page had a user gesture (autoplay rules): the
 * returned `blocked()` says so, and `unlock()` (call it from a click) retries.
 */
export function syncMedia(show, media, { intervalMs = 100, onState } = {}) {
  let blocked = false;
  let lastSeekAt = -Infinity;
  let state = "";
  const report = (s) => {
    if (s !== state) {
      state = s;
      onState?.(s);
    }
  };
  const tick = () => {
    const t = show.showTime();
    if (t == null) {
      // Not synced yet: nothing to follow.
      if (!media.paused) media.pause();
      report("waiting");
      return;
    }
    const duration = Number.isFinite(media.duration) ? media.duration : Infinity;
    const want = t / 1000;
    if (show.status !== "running" || want < 0 || want >= duration) {
      if (!media.paused) media.pause();
      media.playbackRate = 1;
      // Park at the right place so resume starts there.
      if (want >= 0 && want < duration && Math.abs(media.currentTime - want) > TARGET_S) {
        media.currentTime = want;
      }
      report(show.status !== "running" ? "paused" : want < 0 ? "waiting" : "ended");
      return;
    }
    const fix = correction(media.currentTime - want);
    const now = performance.now();
    if (fix.action === "seek" && now - lastSeekAt > 1000) {
      // Seek a little ahead: the element takes a moment to start from a new position.
      media.currentTime = want + 0.05;
      lastSeekAt = now;
    }
    media.playbackRate = fix.rate;
    if (media.paused && !blocked) {
      const p = media.play();
      if (p && typeof p.catch === "function") {
        p.catch(() => {
          blocked = true;
          report("blocked");
        });
      }
    }
    report(blocked ? "blocked" : "playing");
  };
  const timer = setInterval(tick, intervalMs);
  tick();
  return {
    tick,
    blocked: () => blocked,
    unlock() {
      blocked = false;
      media.muted = false;
      tick();
    },
    stop() {
      clearInterval(timer);
      media.pause();
    },
  };
}
