// The transport: where the show is, from the time server's replies. The same rule as
// `cuestudio follow` (src/live/follow.rs):
//
// - A server that keeps the transport (its reply carries `eventStart`): running → show time
//   is serverNow − eventStart; paused → the reply's `position`, frozen. A pause moves the
//   server's eventStart later, so on resume show time continues from where it paused.
// - A server without one: show time is serverNow − the event start (the manifest's
//   `eventStart`, or `start({ eventStart })`), with the pauses this page saw taken out.
// - No event start anywhere: no show time (null); nothing fires.
//
// Pure: it is handed each reply with the server time at which it was read.

/** Unix ms from an RFC 3339 string, a number of ms, or null. */
export function msFrom(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

export class Transport {
  /** `fixedStart`: the event start (Unix ms) used when the server has no eventStart. */
  constructor(fixedStart = null) {
    this.fixedStart = msFrom(fixedStart);
    this.reply = null;
    this.pausedAt = null;
    this.pauseShift = 0;
    this.frozen = null;
    /** The show passed [catchUpFrom, catchUpTo] between the operator's resume and this
     *  page learning of it: those cues fire late instead of being skipped (nothing is
     *  skipped on resume). */
    this.catchUpFrom = Infinity;
    this.catchUpTo = -Infinity;
  }

  /** "running" | "paused" (running until the first reply). */
  get status() {
    return this.reply?.status ?? "running";
  }

  get message() {
    return this.reply?.message ?? null;
  }

  get eventStart() {
    return this.reply?.eventStart ?? this.fixedStart;
  }

  /** Show ms at server time `serverNow`, or null when unknown. */
  position(serverNow) {
    const r = this.reply;
    if (!r || serverNow === null) return null;
    if (r.eventStart !== null || (r.status === "paused" && r.position !== null)) {
      if (r.status === "paused") return r.position ?? this.frozen;
      return serverNow - r.eventStart;
    }
    if (this.fixedStart === null) return null;
    return (this.pausedAt ?? serverNow) - this.fixedStart - this.pauseShift;
  }

  /** A reply arrived; `serverNow` is the estimated server time now. Returns true when the
   *  status or message changed. */
  update(reply, serverNow) {
    const before = this.position(serverNow);
    const prev = this.reply;
    if (reply.status === "paused" && this.pausedAt === null) this.pausedAt = serverNow;
    else if (reply.status === "running" && this.pausedAt !== null) {
      this.pauseShift += serverNow - this.pausedAt;
      this.pausedAt = null;
    }
    this.frozen = reply.status === "paused" ? this.frozen ?? before : null;
    this.reply = reply;
    if (prev?.status === "paused" && reply.status === "running" && before !== null) {
      const p = this.position(serverNow);
      if (p !== null) {
        this.catchUpFrom = before;
        this.catchUpTo = p;
      }
    }
    return !prev || prev.status !== reply.status || prev.message !== reply.message;
  }
}
