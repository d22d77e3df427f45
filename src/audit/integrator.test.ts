import { describe, expect, it } from "vitest";
import { coalesced } from "./integrator.ts";

describe("coalesced runs", () => {
  it("a call during a run gets a fresh run after it, shared by everyone who called meanwhile", async () => {
    let calls = 0;
    let release: (() => void)[] = [];
    const run = coalesced(async () => {
      const n = ++calls;
      await new Promise<void>((r) => release.push(r));
      return n;
    });
    const first = run();
    const second = run();
    const third = run();
    expect(calls).toBe(1);
    release.shift()!();
    expect(await first).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(2); // the follow-up started once the first ended
    release.shift()!();
    expect(await second).toBe(2);
    expect(await third).toBe(2);
    release = [];
    const alone = run();
    expect(calls).toBe(3);
    release.shift()!();
    expect(await alone).toBe(3);
  });

  it("a failed run does not stop the follow-up", async () => {
    let calls = 0;
    const run = coalesced(async () => {
      calls++;
      await new Promise((r) => setImmediate(r));
      if (calls === 1) throw new Error("database away");
      return calls;
    });
    const a = run();
    const b = run();
    await expect(a).rejects.toThrow("database away");
    expect(await b).toBe(2);
  });
});
