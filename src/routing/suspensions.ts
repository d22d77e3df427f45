// The kill switch (EU AI Act Art. 26(5)): endpoints, models and teams an operator has
// suspended. Stored in the database so every instance sees a change; each instance keeps a
// copy it refreshes at most every few seconds, so a change is in force everywhere within 5 s.
// Routing reads `current()`: a suspended team or model gets 503 `suspended`, a suspended
// endpoint is left out of the candidates (503 `suspended` when no other one serves the call).

import { withDeadline } from "../deadline.ts";
import { CustosError } from "../errors/errors.ts";

export interface SuspensionSet {
  endpoints: ReadonlySet<string>;
  models: ReadonlySet<string>;
  teams: ReadonlySet<string>;
}

export interface Suspensions {
  /** What is suspended now, as of the last refresh (never older than the refresh interval). */
  current(): Promise<SuspensionSet>;
}

export const NOTHING_SUSPENDED: SuspensionSet = { endpoints: new Set(), models: new Set(), teams: new Set() };

/** A suspended target as storage lists it (only kind and name matter to routing). */
export interface SuspendedTarget {
  kind: "endpoint" | "model" | "team";
  name: string;
}

export function suspensionSet(rows: Iterable<SuspendedTarget>): SuspensionSet {
  const set = { endpoints: new Set<string>(), models: new Set<string>(), teams: new Set<string>() };
  for (const r of rows) (r.kind === "endpoint" ? set.endpoints : r.kind === "model" ? set.models : set.teams).add(r.name);
  return set;
}

/**
 * The last set loaded and when (monotonic ms). Plain values only: a Worker isolate keeps
 * one across requests, while each request loads through its own connection and never
 * awaits a promise another request started (workerd forbids it).
 */
export interface SuspensionCache {
  last?: { set: SuspensionSet; loadedAt: number };
}

export interface StoredSuspensionsOptions {
  /** How old the set may get before the next call reloads it (default 2000 ms: in force everywhere within 5 s). */
  refreshMs?: number;
  /** Shared with other instances (a Worker isolate's requests); default: this instance's own. */
  cache?: SuspensionCache;
  /** Told when a load fails (the last set stays in force); never given the rows or the connection string. */
  onError?: (message: string) => void;
  /**
   * Up to this age a stale set is still served at once while a refresh runs in the
   * background (default 5000 ms); an older one is waited for (at most `loadTimeoutMs`).
   * Node keeps the set fresh with its own timer and passes Infinity: a call never waits on
   * the database for it.
   */
  maxStaleMs?: number;
  /** The longest a call waits for a load (default 1000 ms); then the last set, if any, stands. */
  loadTimeoutMs?: number;
  /** Keeps a background refresh alive past the request that started it (Workers: waitUntil). */
  background?: (work: Promise<unknown>) => void;
}

/**
 * Suspensions read from the database and cached for `refreshMs`. Concurrent calls share one
 * load. A failed load keeps the last set in force and the next call tries again; before any
 * load has succeeded there is nothing to fall back on, so the call fails (503 `unavailable`)
 * rather than route around a kill switch it cannot read.
 */
export function storedSuspensions(
  load: () => Promise<Iterable<SuspendedTarget>>,
  clock: { monotonic(): number },
  opts: StoredSuspensionsOptions = {},
): Suspensions {
  const refreshMs = opts.refreshMs ?? 2000;
  const cache = opts.cache ?? {};
  let inFlight: Promise<SuspensionSet> | undefined;

  async function refresh(): Promise<SuspensionSet> {
    // Stamped when the load starts: the rows are at least this fresh.
    const startedAt = clock.monotonic();
    try {
      // bounded, so a database that stopped answering cannot leave a load in flight for good
      const set = suspensionSet(await withDeadline(load(), LOAD_LIMIT_MS, "loading the suspension list"));
      cache.last = { set, loadedAt: startedAt };
      return set;
    } catch (e) {
      const message = redactUrls(e instanceof Error ? e.message : String(e));
      opts.onError?.(message);
      if (cache.last) return cache.last.set;
      throw new CustosError("unavailable", "Custos cannot read the suspension list right now; try again shortly.", { detail: `suspensions: ${message}`, cause: e });
    }
  }

  const maxStaleMs = opts.maxStaleMs ?? 5000;
  const loadTimeoutMs = opts.loadTimeoutMs ?? 1000;
  return {
    current() {
      const last = cache.last;
      const age = last ? clock.monotonic() - last.loadedAt : Infinity;
      if (last && age < refreshMs) return Promise.resolve(last.set);
      const loading = (inFlight ??= refresh().finally(() => (inFlight = undefined)));
      if (last && age < maxStaleMs) {
        // served now; the refresh lands for the next call
        const quiet = loading.catch(() => {});
        opts.background?.(quiet);
        return Promise.resolve(last.set);
      }
      // A database that stopped answering must not hold the call: after the timeout the last
      // set stands, and without one the caller decides (routing: per audit.on_failure).
      return withDeadline(loading, loadTimeoutMs, "reading the suspension list").catch((e: unknown) => {
        if (cache.last) return cache.last.set;
        throw e instanceof CustosError ? e : new CustosError("unavailable", "Custos cannot read the suspension list right now; try again shortly.", { detail: `suspensions: ${e instanceof Error ? e.message : String(e)}` });
      });
    },
  };
}

/** The longest one load may take before it counts as failed (and the next call tries again). */
const LOAD_LIMIT_MS = 5000;

/** Driver errors may quote a connection string; its credentials never reach a log. */
const redactUrls = (message: string): string => message.replace(/\/\/[^\s/@]*@/g, "//…@").slice(0, 300);
