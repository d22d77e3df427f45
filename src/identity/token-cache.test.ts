import { describe, expect, it } from "vitest";
import type { Principal } from "./principal.ts";
import { TokenCache, tokenKey } from "./token-cache.ts";

const p = (subject: string): Principal => ({ kind: "user", credential: "jwt", issuer: "https://idp.example", issuerName: "idp", subject, teams: ["t"], roles: ["user"] });

describe("TokenCache", () => {
  it("returns a principal until its expiry, then forgets it", () => {
    const c = new TokenCache(10);
    c.set("k", { principal: p("a"), expiresAt: 1000 });
    expect(c.get("k", 999)?.subject).toBe("a");
    expect(c.get("k", 1000)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it("is bounded: the oldest entry goes first", () => {
    const c = new TokenCache(2);
    c.set("a", { principal: p("a"), expiresAt: 10_000 });
    c.set("b", { principal: p("b"), expiresAt: 10_000 });
    c.set("c", { principal: p("c"), expiresAt: 10_000 });
    expect(c.size).toBe(2);
    expect(c.get("a", 0)).toBeUndefined();
    expect(c.get("b", 0)?.subject).toBe("b");
    expect(c.get("c", 0)?.subject).toBe("c");
  });

  it("size 0 caches nothing", () => {
    const c = new TokenCache(0);
    c.set("a", { principal: p("a"), expiresAt: 10_000 });
    expect(c.get("a", 0)).toBeUndefined();
  });

  it("keys by the token's SHA-256, not the token", async () => {
    const token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
    const k = await tokenKey(token);
    expect(k).toHaveLength(32);
    expect(k).not.toContain("eyJ");
    expect(await tokenKey(token)).toBe(k);
    expect(await tokenKey(`${token}x`)).not.toBe(k);
  });
});
