import { describe, expect, it } from "vitest";
import { storedSuspensions, type SuspendedTarget, type SuspensionCache } from "./suspensions.ts";

/** A load the test resolves or rejects by hand, counting calls; and a clock it moves. */
function harness() {
  const clock = { t: 0, monotonic: () => clock.t };
  const pending: { resolve: (rows: SuspendedTarget[]) => void; reject: (e: Error) => void }[] = [];
  const load = () => new Promise<SuspendedTarget[]>((resolve, reject) => pending.push({ resolve, reject }));
  const settle = async (rows: SuspendedTarget[] | Error) => {
    const p = pending.shift()!;
    if (rows instanceof Error) p.reject(rows);
    else p.resolve(rows);
    await new Promise((r) => setTimeout(r, 0));
  };
  return { clock, pending, load, settle };
}

const sorted = (s: ReadonlySet<string>) => [...s].sort();

describe("storedSuspensions", () => {
  it("builds the set by kind and reuses it until refreshMs has passed, then loads again", async () => {
    const h = harness();
    const s = storedSuspensions(h.load, h.clock, { refreshMs: 2000, maxStaleMs: 0 });
    const first = s.current();
    await h.settle([{ kind: "model", name: "gpt-4o" }, { kind: "endpoint", name: "openai-eu" }, { kind: "team", name: "finance" }, { kind: "model", name: "o1" }]);
    const set = await first;
    expect(sorted(set.models)).toEqual(["gpt-4o", "o1"]);
    expect(sorted(set.endpoints)).toEqual(["openai-eu"]);
    expect(sorted(set.teams)).toEqual(["finance"]);

    h.clock.t = 1999;
    expect(await s.current()).toBe(set);
    expect(h.pending.length).toBe(0);

    h.clock.t = 2000;
    const next = s.current();
    expect(h.pending.length).toBe(1);
    await h.settle([]);
    expect((await next).models.size).toBe(0);
    h.clock.t = 3999;
    expect((await s.current()).models.size).toBe(0);
    expect(h.pending.length).toBe(0);
  });

  it("defaults to a 2 s refresh, so a change is in force within 5 s", async () => {
    const h = harness();
    const s = storedSuspensions(h.load, h.clock);
    const p = s.current();
    await h.settle([]);
    await p;
    h.clock.t = 1999;
    void s.current();
    expect(h.pending.length).toBe(0);
    h.clock.t = 2001;
    void s.current();
    expect(h.pending.length).toBe(1);
  });

  it("shares one load between concurrent calls (single flight), and loads again after it settled", async () => {
    const h = harness();
    const s = storedSuspensions(h.load, h.clock, { refreshMs: 1000, maxStaleMs: 0 });
    const calls = [s.current(), s.current(), s.current()];
    expect(h.pending.length).toBe(1);
    await h.settle([{ kind: "team", name: "legal" }]);
    const sets = await Promise.all(calls);
    expect(sets[0]!.teams.has("legal")).toBe(true);
    expect(sets[1]).toBe(sets[0]);
    expect(sets[2]).toBe(sets[0]);
    h.clock.t = 1000;
    const again = [s.current(), s.current()] as const;
    expect(h.pending.length).toBe(1);
    await h.settle([]);
    expect((await again[1]).teams.size).toBe(0);
  });

  it("serves a stale set at once while it refreshes in the background, up to maxStaleMs; then waits, at most loadTimeoutMs", async () => {
    const h = harness();
    const background: Promise<unknown>[] = [];
    const s = storedSuspensions(h.load, h.clock, { refreshMs: 1000, maxStaleMs: 5000, loadTimeoutMs: 20, background: (p) => background.push(p) });
    const p = s.current();
    await h.settle([{ kind: "team", name: "legal" }]);
    const set = await p;
    h.clock.t = 3000; // stale, not too stale: the old set now, a refresh started
    expect(await s.current()).toBe(set);
    expect(h.pending.length).toBe(1);
    expect(background).toHaveLength(1);
    await h.settle([]);
    expect((await s.current()).teams.size).toBe(0); // the refresh landed
    h.clock.t = 10_000; // too stale: the call waits for the load…
    const waited = s.current();
    expect(h.pending.length).toBe(1);
    // …but not for a load that hangs: after loadTimeoutMs the last set stands
    expect((await waited).teams.size).toBe(0);
  });

  it("with no set yet and a load that hangs, the call fails with 503 unavailable after loadTimeoutMs", async () => {
    const h = harness();
    const s = storedSuspensions(h.load, h.clock, { loadTimeoutMs: 20 });
    await expect(s.current()).rejects.toMatchObject({ code: "unavailable" });
  });

  it("keeps the last set when a refresh fails, reports the failure without credentials, and retries on the next call", async () => {
    const h = harness();
    const errors: string[] = [];
    const s = storedSuspensions(h.load, h.clock, { refreshMs: 1000, onError: (m) => errors.push(m) });
    const p = s.current();
    await h.settle([{ kind: "model", name: "gpt-4o" }]);
    const known = await p;

    h.clock.t = 5000;
    const failed = s.current();
    await h.settle(new Error("connect ECONNREFUSED postgres://custos_app:hunter2@db:5432/custos"));
    expect(await failed).toBe(known);
    expect(errors).toEqual(["connect ECONNREFUSED postgres://…@db:5432/custos"]);

    // Not counted as fresh: the very next call (no time passed) tries again.
    const retry = s.current();
    expect(h.pending.length).toBe(1);
    await h.settle([{ kind: "model", name: "gpt-4o" }, { kind: "model", name: "o1" }]);
    expect(sorted((await retry).models)).toEqual(["gpt-4o", "o1"]);
  });

  it("before any load succeeded there is nothing to fall back on: the call fails 503 unavailable, and the next one retries", async () => {
    const h = harness();
    const s = storedSuspensions(h.load, h.clock);
    const first = s.current();
    const caught = first.catch((e: unknown) => e);
    await h.settle(new Error("database is down"));
    expect(await caught).toMatchObject({ code: "unavailable", status: 503, detail: "suspensions: database is down" });
    const second = s.current();
    expect(h.pending.length).toBe(1);
    await h.settle([]);
    expect((await second).teams.size).toBe(0);
  });

  it("instances sharing a cache (a Worker isolate's requests) reuse its set, each loading on its own when it is stale", async () => {
    const h = harness();
    const cache: SuspensionCache = {};
    const a = storedSuspensions(h.load, h.clock, { cache, refreshMs: 1000 });
    const p = a.current();
    await h.settle([{ kind: "endpoint", name: "azure-eu" }]);
    await p;
    const b = storedSuspensions(h.load, h.clock, { cache, refreshMs: 1000 });
    expect((await b.current()).endpoints.has("azure-eu")).toBe(true);
    expect(h.pending.length).toBe(0);
    h.clock.t = 1000;
    void a.current();
    void b.current();
    expect(h.pending.length).toBe(2);
  });
});
