// Unprefixed machine-looking tokens: 0.3 alone, so only a nearby context word makes them count.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { highEntropyRecognizer } from "./high-entropy.ts";
import { looksRandom } from "./randomness.ts";
import type { Candidate } from "./types.ts";

const find = (text: string) => {
  const out: Candidate[] = [];
  highEntropyRecognizer().find(text, (c) => out.push(c));
  return out;
};
const values = (text: string) => find(text).map((c) => text.slice(c.start, c.end));
const detect = (text: string) => detector([highEntropyRecognizer()]).detect(text).map((s) => text.slice(s.start, s.end));

const TOKEN = "Gk8sPq2LmZ7xYv4NwR1tBc9D";

describe("high-entropy tokens", () => {
  it("reports a random-looking token at 0.3, which a context word lifts over the threshold", () => {
    expect(find(`my token ${TOKEN}`).map((c) => c.score)).toEqual([0.3]);
    expect(detect(`my token ${TOKEN}`)).toEqual([TOKEN]);
    expect(detect(`the bearer value ${TOKEN} expires`)).toEqual([TOKEN]);
    expect(detect(`mein Passwort lautet ${TOKEN}`)).toEqual([TOKEN]);
    expect(detect(`la clé ${TOKEN}`)).toEqual([TOKEN]);
  });

  it("skips a text with no context word at all, and without context nothing is kept", () => {
    expect(values(`see ${TOKEN} attached`)).toEqual([]);
    expect(detect(`a key, and later in a much longer sentence with many words the value ${TOKEN} shows up`)).toEqual([]);
  });

  it("takes the value of NAME=value inside a token, and keeps base64 padding", () => {
    expect(values(`key MY_VAR=${TOKEN}`)).toEqual([TOKEN]);
    expect(values("token Xq7Rz9Lm2Vb8Nk4Tp6Wc1Yh3Jd5Gf0Sa+/Qe==")).toEqual(["Xq7Rz9Lm2Vb8Nk4Tp6Wc1Yh3Jd5Gf0Sa+/Qe=="]);
  });

  it.each([
    ["key 550e8400-e29b-41d4-a716-446655440000", "a UUID"],
    ["token 550E8400-E29B-41D4-A716-446655440000", "an upper-case UUID"],
    ["commit key 9fceb02d0ae598e95dc970b736c4d6ab4f3d8a7c", "a git SHA"],
    ["sha256 key e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "a SHA-256"],
    ["token SGVsbG8gV29ybGQgZnJvbSB0aGUgdGVhbSAyMDI2", "base64 of an ordinary sentence"],
    ["api https://example.com/Users/JohnDoe2024/Documents/Report", "a URL"],
    ["key /Users/JohnDoe/Projects/Widget2024/src/main", "a path"],
    ["api getUserAccessTokenForAccount2024Handler", "a camelCase identifier"],
    ["key XMLHttpRequest2023Polyfill", "another identifier"],
    ["key THIS_IS_A_CONSTANT_NAME_2024", "a constant name"],
    ["token ghp_16C7e42F292c6912E7710c838347Ae178B4a", "a key with a known prefix (secrets.ts reports it)"],
    ["key Abc1", "too short"],
    ["the api serves api.Gk8sPq2LmZ7xYv4NwR1tBc9D.example.com", "a host name"],
  ])("reports nothing for %j (%s)", (text) => {
    expect(values(text)).toEqual([]);
  });

  it("tells machine-looking tokens from words", () => {
    const r = (s: string, strict: boolean) => looksRandom(s, 0, s.length, strict);
    expect(r(TOKEN, true)).toBe(true);
    expect(r("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".slice(3), false)).toBe(true);
    expect(r("ThisIsMyPasswordForWork", true)).toBe(false);
    expect(r("aaaaaaaaaaaaaaaaaaaa1A", true)).toBe(false);
    expect(r("short1A", false)).toBe(false);
  });

  it("gives UTF-16 offsets after emoji and accents", () => {
    const text = `Schlüssel 🔑🎉 für die API: ${TOKEN}`;
    const [c] = find(text);
    expect(c!.start).toBe(text.indexOf(TOKEN));
  });

  it("never throws on any text", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("key ", "Gk8s", "Pq2L", "=", "/", "+", "-", "_", ".", " ", "é", "aaaa", "ZZ"), { maxLength: 60 }), (parts) => {
        const text = parts.join("");
        for (const c of find(text)) expect(c.end).toBeLessThanOrEqual(text.length);
      }),
    );
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => void find(text)));
  });
});
