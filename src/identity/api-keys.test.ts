import { describe, expect, it } from "vitest";
import type { ApiKeyRecord, Storage } from "../storage/types.ts";
import { jsonLogger } from "../telemetry/logger.ts";
import { apiKeyVerifier, generateApiKey, isApiKeyFormat, keyHasher, type ApiKeyVerifierOptions } from "./api-keys.ts";

const PEPPER = "pepper-for-unit-tests-0123456789";

/** A Storage holding API keys in memory, whose database can be "down". */
function keyStore() {
  const byHash = new Map<string, ApiKeyRecord>();
  const state = { down: false, lookups: 0, touches: [] as { ids: readonly string[]; at: Date }[] };
  const storage = {
    kind: "pglite",
    async apiKeyByHash(hash: string) {
      state.lookups++;
      if (state.down) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      const rec = byHash.get(hash);
      return rec && { ...rec }; // a fresh row each time, as a database returns
    },
    async touchApiKeys(ids: readonly string[], at: Date) {
      if (state.down) throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      state.touches.push({ ids: [...ids], at });
    },
  } as unknown as Storage;
  return { storage, byHash, state };
}

async function setup(opts: ApiKeyVerifierOptions = {}) {
  const { storage, byHash, state } = keyStore();
  const hash = await keyHasher(PEPPER);
  let now = 1_700_000_000_000;
  const clock = { now: () => now, monotonic: () => now };
  const logs: string[] = [];
  const deferred: Promise<unknown>[] = [];
  const v = apiKeyVerifier({ storage, hash, clock, defer: (p) => deferred.push(p), logger: jsonLogger("debug", (l) => logs.push(l)) }, opts);
  const add = async (over: Partial<ApiKeyRecord> = {}) => {
    const key = generateApiKey();
    const rec: ApiKeyRecord = { id: `key-${byHash.size + 1}`, name: "ci", team: "research", prefix: key.slice(0, 10), hash: await hash(key), createdAt: new Date(now), createdBy: "cli", expiresAt: null, revokedAt: null, lastUsedAt: null, ...over };
    byHash.set(rec.hash, rec);
    return { key, rec };
  };
  return { v, add, state, logs, advance: (ms: number) => (now += ms), now: () => now };
}

describe("API key format and hashing", () => {
  it("keys are cst_ + 43 base64url characters (256 bits), all different", () => {
    const keys = new Set(Array.from({ length: 100 }, generateApiKey));
    expect(keys.size).toBe(100);
    for (const k of keys) expect(isApiKeyFormat(k)).toBe(true);
    expect(isApiKeyFormat("cst_short")).toBe(false);
    expect(isApiKeyFormat(`cst_${"a".repeat(42)}!`)).toBe(false);
  });

  it("the stored form is HMAC-SHA256 under the pepper: stable, pepper-dependent, not the key", async () => {
    const key = generateApiKey();
    const h = await (await keyHasher(PEPPER))(key);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(await (await keyHasher(PEPPER))(key)).toBe(h);
    expect(await (await keyHasher(`${PEPPER}x`))(key)).not.toBe(h);
    expect(h).not.toContain(key.slice(4, 20));
  });

  it("refuses a pepper shorter than 16 characters", async () => {
    await expect(keyHasher("short")).rejects.toThrow(/at least 16 characters/);
  });
});

describe("apiKeyVerifier", () => {
  it("a valid key is a service principal of its team", async () => {
    const { v, add } = await setup();
    const { key, rec } = await add();
    const r = await v.verify(key);
    expect(r.ok && r.value).toEqual({ kind: "service", credential: "api_key", issuer: "custos", issuerName: "api-key", subject: rec.id, teams: ["research"], roles: ["user"], tokenId: rec.id });
  });

  it("malformed, unknown, revoked and expired keys are authentication failures; a malformed one never reaches the database", async () => {
    const { v, add, state, now } = await setup();
    const cases: [string, string][] = [
      ["cst_abc", "malformed api key"],
      [generateApiKey(), "unknown api key"],
      [(await add({ revokedAt: new Date(now() - 1) })).key, "revoked api key"],
      [(await add({ expiresAt: new Date(now() - 1) })).key, "expired api key"],
    ];
    for (const [key, detail] of cases) {
      const r = await v.verify(key);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe("authentication_failed");
        expect(r.error.detail).toBe(detail);
        expect(r.error.message).not.toContain(key);
      }
    }
    expect(state.lookups).toBe(3);
  });

  it("a key expires at its expiry even while its validation is cached", async () => {
    const { v, add, advance, now } = await setup();
    const { key } = await add({ expiresAt: new Date(now() + 1000) });
    expect((await v.verify(key)).ok).toBe(true);
    advance(1000);
    const r = await v.verify(key);
    expect(!r.ok && r.error.detail).toBe("expired api key");
  });

  it("validations are cached for 4 s, so a revocation takes effect within 5 s", async () => {
    const { v, add, state, advance, now } = await setup();
    const { key, rec } = await add();
    expect((await v.verify(key)).ok).toBe(true);
    expect(state.lookups).toBe(1);
    rec.revokedAt = new Date(now()); // revoked in the database (by another instance)
    advance(3999);
    expect((await v.verify(key)).ok).toBe(true); // cached
    expect(state.lookups).toBe(1);
    advance(1);
    const r = await v.verify(key);
    expect(!r.ok && r.error.detail).toBe("revoked api key");
    expect(state.lookups).toBe(2);
  });

  it("while the database is unreachable, a key validated in the last minute keeps working; an unknown key gets 503", async () => {
    const { v, add, state, advance, logs } = await setup();
    const { key } = await add();
    expect((await v.verify(key)).ok).toBe(true);
    state.down = true;
    advance(5000); // past the cache: the database is asked, and fails
    expect((await v.verify(key)).ok).toBe(true);
    expect(logs.some((l) => l.includes("API key store unreachable; using a recent validation"))).toBe(true);
    advance(50_000);
    expect((await v.verify(key)).ok).toBe(true);

    const unknown = await v.verify(generateApiKey());
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) {
      expect(unknown.error.code).toBe("unavailable");
      expect(unknown.error.status).toBe(503);
      expect(unknown.error.message).toMatch(/cannot be checked right now/);
    }

    advance(6000); // 61 s since the last successful check: the grace is over
    const late = await v.verify(key);
    expect(!late.ok && late.error.code).toBe("unavailable");

    state.down = false;
    expect((await v.verify(key)).ok).toBe(true);
  });

  it("a key known to be revoked stays refused while the database is down", async () => {
    const { v, add, state, advance } = await setup();
    const { key } = await add({ revokedAt: new Date(0) });
    expect((await v.verify(key)).ok).toBe(false);
    state.down = true;
    advance(5000);
    const r = await v.verify(key);
    expect(!r.ok && r.error.code).toBe("authentication_failed");
  });

  it("last-used times are written in one batch, not one write per request", async () => {
    const { v, add, state } = await setup({ touchFlushMs: 60_000 });
    const a = await add();
    const b = await add();
    for (let i = 0; i < 50; i++) expect((await v.verify(i % 2 ? a.key : b.key)).ok).toBe(true);
    expect(state.touches).toHaveLength(0);
    await v.flush();
    expect(state.touches).toHaveLength(1);
    expect([...state.touches[0]!.ids].sort()).toEqual([a.rec.id, b.rec.id].sort());
    await v.flush(); // nothing pending: no write
    expect(state.touches).toHaveLength(1);
  });

  it("a failed last-used write is logged, not thrown", async () => {
    const { v, add, state, logs } = await setup({ touchFlushMs: 60_000 });
    const { key } = await add();
    expect((await v.verify(key)).ok).toBe(true);
    state.down = true;
    await v.flush();
    expect(logs.some((l) => l.includes("could not record API key last-used times"))).toBe(true);
  });

  it("the cache is bounded", async () => {
    const { v, add, state } = await setup({ maxEntries: 2 });
    const keys = [await add(), await add(), await add()];
    for (const k of keys) await v.verify(k.key);
    expect(state.lookups).toBe(3);
    await v.verify(keys[2]!.key); // still cached
    expect(state.lookups).toBe(3);
    await v.verify(keys[0]!.key); // evicted: asked again
    expect(state.lookups).toBe(4);
  });
});
