import { describe, expect, it } from "vitest";
import { parseKek, pseudonymizer } from "./pseudonym.ts";

const KEK_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

describe("pseudonyms", () => {
  it("are stable for one key, differ by issuer, subject and key, and never contain the subject", async () => {
    const p = await pseudonymizer(parseKek(KEK_HEX));
    const a = await p("https://idp.example.com", "alice@example.com");
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await p("https://idp.example.com", "alice@example.com")).toBe(a);
    expect(await p("https://other.example.com", "alice@example.com")).not.toBe(a);
    expect(await p("https://idp.example.com", "bob@example.com")).not.toBe(a);
    const other = await pseudonymizer(parseKek(KEK_HEX.replace(/^00/, "01")));
    expect(await other("https://idp.example.com", "alice@example.com")).not.toBe(a);
  });

  it("accepts a 32-byte key as hex or base64url and refuses anything else", () => {
    const b64 = btoa(String.fromCharCode(...parseKek(KEK_HEX))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    expect(parseKek(b64)).toEqual(parseKek(KEK_HEX));
    for (const bad of ["", "short", KEK_HEX.slice(2), `${KEK_HEX}00`]) expect(() => parseKek(bad)).toThrow(/32 random bytes/);
  });
});
