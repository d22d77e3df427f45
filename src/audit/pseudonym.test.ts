import { describe, expect, it } from "vitest";
import { pgliteStorage } from "../storage/pglite.ts";
import { parseKek, pseudonyms, subjectLookup } from "./pseudonym.ts";

const KEK_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

describe("pseudonyms", () => {
  it("are random, stable per (issuer, subject) through the mapping table, and severed for good by erasure", async () => {
    const storage = await pgliteStorage("memory://", "migrations");
    let t = 0;
    const p = (await pseudonyms(parseKek(KEK_HEX), { now: () => t }))(storage.audit);
    const a = await p("https://idp.example.com", "alice@example.com");
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await p("https://idp.example.com", "alice@example.com")).toBe(a);
    expect(await p("https://other.example.com", "alice@example.com")).not.toBe(a);
    expect(await p("https://idp.example.com", "bob@example.com")).not.toBe(a);
    // A second instance with the same KEK finds the same mapping.
    const p2 = (await pseudonyms(parseKek(KEK_HEX)))(storage.audit);
    expect(await p2("https://idp.example.com", "alice@example.com")).toBe(a);
    // Nothing derivable: the pseudonym is not a function of the subject and the key.
    const lookup = await (await subjectLookup(parseKek(KEK_HEX))).lookup("https://idp.example.com", "alice@example.com");
    expect(await storage.audit.findPseudonym(lookup)).toBe(a);
    await storage.audit.eraseSubject(a);
    expect(await storage.audit.findPseudonym(lookup)).toBeUndefined();
    t += 6_000; // past the cache
    const after = await p("https://idp.example.com", "alice@example.com");
    expect(after).not.toBe(a);
    await storage.close();
  });

  it("accepts a 32-byte key as hex or base64url and refuses anything else", () => {
    const b64 = btoa(String.fromCharCode(...parseKek(KEK_HEX))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    expect(parseKek(b64)).toEqual(parseKek(KEK_HEX));
    for (const bad of ["", "short", KEK_HEX.slice(2), `${KEK_HEX}00`]) expect(() => parseKek(bad)).toThrow(/32 random bytes/);
  });
});
