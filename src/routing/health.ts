// Circuit breakers, one per endpoint. Closed: calls go through and consecutive failures are
// counted; at `failures` in a row the breaker opens and the endpoint is left out of routing
// for `open_ms`. Then it is half-open: one call (a probe) may go; its success closes the
// breaker, its failure opens it again. Only connect errors, timeouts and 5xx count: a 429 is
// the provider saying "not now" (routing falls back, but the endpoint is not unhealthy), a
// 4xx is the caller's problem.
//
// The state lives in memory: per process on Node, per isolate on Workers. Two instances
// learn of an outage each on their own.
import type { Clock } from "../deps.ts";

export interface BreakerSettings {
  /** Consecutive failures that open the breaker. */
  failures: number;
  /** How long an open breaker keeps the endpoint out before a probe may go. */
  open_ms: number;
}

export type BreakerState = "closed" | "open" | "half_open";

export interface EndpointHealth {
  /** Whether routing may pick the endpoint now (closed, or open long enough that a probe may go and none is out). */
  ready(id: string): boolean;
  /** A call is about to go there: in half-open state it becomes the one probe. */
  begin(id: string): void;
  /** How the call went: "abandoned" (the caller left) neither heals nor hurts. */
  settle(id: string, outcome: "success" | "failure" | "abandoned"): void;
  state(id: string): BreakerState;
}

interface Breaker {
  failures: number;
  openedAt: number;
  open: boolean;
  /** When the half-open probe went out, or -1. */
  probeAt: number;
}

export function endpointHealth(settings: BreakerSettings, clock: Pick<Clock, "monotonic">): EndpointHealth {
  const breakers = new Map<string, Breaker>();
  const get = (id: string): Breaker => {
    let b = breakers.get(id);
    if (!b) {
      b = { failures: 0, openedAt: 0, open: false, probeAt: -1 };
      breakers.set(id, b);
    }
    return b;
  };
  const cooled = (b: Breaker) => clock.monotonic() - b.openedAt >= settings.open_ms;
  // A probe that never settled (its call hung past the breaker's own period) no longer blocks the next one.
  const probeOut = (b: Breaker) => b.probeAt >= 0 && clock.monotonic() - b.probeAt < settings.open_ms;
  const state = (b: Breaker | undefined): BreakerState => (!b || !b.open ? "closed" : cooled(b) ? "half_open" : "open");

  return {
    ready(id) {
      const b = breakers.get(id);
      const s = state(b);
      return s === "closed" || (s === "half_open" && !probeOut(b!));
    },
    begin(id) {
      const b = breakers.get(id);
      if (b && state(b) === "half_open") b.probeAt = clock.monotonic();
    },
    settle(id, outcome) {
      if (outcome === "abandoned") {
        const b = breakers.get(id);
        if (b) b.probeAt = -1;
        return;
      }
      const b = get(id);
      if (outcome === "success") {
        b.failures = 0;
        b.open = false;
        b.probeAt = -1;
        return;
      }
      b.failures++;
      if (b.open || b.failures >= settings.failures) {
        // a failed probe, or the threshold reached: (re)open for another period
        b.open = true;
        b.openedAt = clock.monotonic();
        b.probeAt = -1;
      }
    },
    state(id) {
      return state(breakers.get(id));
    },
  };
}
