// CRYPTO_WALLET: Base58Check, bech32/bech32m and EIP-55 checksums decide; a failed one is silence.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cryptoWalletRecognizer } from "./crypto-wallet.ts";
import type { Candidate } from "./types.ts";

const find = (text: string) => {
  const out: Candidate[] = [];
  cryptoWalletRecognizer().find(text, (c) => out.push(c));
  return out;
};
const one = (text: string, value: string) => {
  const found = find(text);
  expect(found).toHaveLength(1);
  expect(text.slice(found[0]!.start, found[0]!.end)).toBe(value);
  return found[0]!.score;
};

describe("crypto wallet", () => {
  it.each([
    ["1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "P2PKH"],
    ["3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "P2SH"],
    ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bech32 v0, 20 bytes"],
    ["BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "bech32 v0 upper case"],
    ["bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", "bech32 v0, 32 bytes"],
    ["bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "bech32m v1 (taproot)"],
    ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "EIP-55"],
    ["0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "EIP-55"],
    ["0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "EIP-55"],
    ["0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", "EIP-55"],
  ])("finds %s (%s) with score 1", (address) => {
    expect(one(`send to ${address}, thanks`, address)).toBe(1);
  });

  it("scores one-case Ethereum addresses 0.6 (no checksum to check)", () => {
    expect(one("0x52908400098527886E0F7030069857D2E4169EE7", "0x52908400098527886E0F7030069857D2E4169EE7")).toBe(0.6);
    expect(one("0xde709f2102306220921060314715629080e2fb77", "0xde709f2102306220921060314715629080e2fb77")).toBe(0.6);
  });

  it.each([
    ["1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", "Base58Check fails"],
    ["1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN", "too short for its payload"],
    ["3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz", "P2SH, checksum fails"],
    ["2J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "no such version"],
    ["bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp", "bech32 checksum fails"],
    ["bc1qAR0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "mixed case bech32"],
    ["bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "v1 with a bech32 (not bech32m) checksum"],
    ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "EIP-55 fails"],
    ["0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00", "longer than 40 hex (a hash)"],
    ["0x9fceb02d0ae598e95dc970b736c4d6ab4f3d8a7c1234567890abcdef12345678", "a 32-byte hash"],
    ["0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", "shorter than 40 hex"],
    ["x0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "glued to a word"],
    ["1Z999AA10123456784", "a tracking number"],
    ["13245678901234567890123456789", "a long number"],
  ])("reports nothing for %s (%s)", (text) => {
    expect(find(text)).toEqual([]);
  });

  it("gives UTF-16 offsets after emoji and accents", () => {
    const text = "Portefeuille 🪙💰 élu : bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
    const [c] = find(text);
    expect(c!.start).toBe(text.indexOf("bc1"));
    expect(c!.end).toBe(text.length);
  });

  it("never throws on any text", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("1", "3", "bc1", "0x", "q", "A", "f", "9", " ", "é", "_"), { maxLength: 100 }), (parts) => {
        const text = parts.join("");
        for (const c of find(text)) expect(c.end).toBeLessThanOrEqual(text.length);
      }),
    );
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => void find(text)));
  });
});
