// Keccak-256 (Ethereum's, with the original 0x01 padding rather than SHA-3's 0x06).
import { describe, expect, it } from "vitest";
import { keccak256 } from "./keccak256.ts";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const ascii = (s: string) => new TextEncoder().encode(s);

describe("keccak256", () => {
  it.each([
    ["", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"],
    ["abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"],
    ["hello world", "47173285a8d7341e5e972fc677286384f802f8ef42a5ec5f03bbfa254cb01fad"],
  ])("hashes %j", (input, digest) => {
    expect(hex(keccak256(ascii(input)))).toBe(digest);
  });

  it("absorbs more than one 136-byte block", () => {
    expect(hex(keccak256(ascii("a".repeat(200))))).toMatch(/^[0-9a-f]{64}$/);
    expect(hex(keccak256(ascii("a".repeat(136))))).not.toBe(hex(keccak256(ascii("a".repeat(135)))));
  });
});
