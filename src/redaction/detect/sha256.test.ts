// SHA-256 against the FIPS 180-4 examples and lengths around the padding boundaries.
import { describe, expect, it } from "vitest";
import { sha256 } from "./sha256.ts";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const ascii = (s: string) => new TextEncoder().encode(s);

describe("sha256", () => {
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
    ["a".repeat(1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"],
  ])("hashes %j", (input, digest) => {
    expect(hex(sha256(ascii(input)))).toBe(digest);
  });

  it("handles inputs that end at and around the 55/56/64-byte padding edges", () => {
    // Double SHA-256 of a 21-byte payload is what Base58Check uses; these lengths exercise one and two blocks.
    for (const n of [55, 56, 63, 64, 65]) expect(sha256(new Uint8Array(n)).length).toBe(32);
    expect(hex(sha256(new Uint8Array(64)))).toBe("f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b");
  });
});
