// The structured set through the detector: every type found with exact UTF-16 offsets in
// mixed text, the hard negatives of the PII reference left alone, overlaps settled, and no
// input that makes any recognizer throw.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { STRUCTURED } from "./structured.ts";

const d = detector(STRUCTURED);
const found = (text: string) => d.detect(text).map((s) => [s.type, text.slice(s.start, s.end)]);

describe("STRUCTURED", () => {
  it("has one recognizer per name and covers the seven structured types", () => {
    expect(new Set(STRUCTURED.map((r) => r.name)).size).toBe(STRUCTURED.length);
    expect(new Set(STRUCTURED.flatMap((r) => r.types))).toEqual(
      new Set(["EMAIL", "CREDIT_CARD", "IBAN", "IP_ADDRESS", "CRYPTO_WALLET", "API_KEY", "URL_WITH_CREDENTIALS"]),
    );
  });

  it("finds every type in one prompt, with offsets that survive emoji, accents and CJK before them", () => {
    const text = [
      "Grüße aus Köln 👋🏽 — 東京オフィスより。",
      "Mail: zoë.müller@example.de, Karte 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00,",
      "Server 192.0.2.44 / 2001:db8::7, BTC bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq,",
      "OPENAI_API_KEY=sk-proj-Z3x9QmLk2VtR8wPj5NcY7bHd4FsA1GuE0oIiKk and DSN postgres://app:Xk93pw@db.example.com/app 🎉",
    ].join("\n");
    expect(found(text)).toEqual([
      ["EMAIL", "zoë.müller@example.de"],
      ["CREDIT_CARD", "4111 1111 1111 1111"],
      ["IBAN", "DE89 3704 0044 0532 0130 00"],
      ["IP_ADDRESS", "192.0.2.44"],
      ["IP_ADDRESS", "2001:db8::7"],
      ["CRYPTO_WALLET", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"],
      ["API_KEY", "sk-proj-Z3x9QmLk2VtR8wPj5NcY7bHd4FsA1GuE0oIiKk"],
      ["URL_WITH_CREDENTIALS", "postgres://app:Xk93pw@db.example.com/app"],
    ]);
  });

  it("reports credentials in a URL as the URL, not as an e-mail or an IP inside it", () => {
    expect(found("redis://default:Secr3tPw@10.1.2.3:6379")).toEqual([["URL_WITH_CREDENTIALS", "redis://default:Secr3tPw@10.1.2.3:6379"]]);
  });

  it.each([
    ["order numbers failing Luhn", "Order 4000 1234 5678 9011 and ref 4111111111111112 shipped."],
    ["version strings", "Upgrade from 1.2.3 to v10.0.19045.1 (was 1.2.3.4.5, tag v1.2.3.4, version 2.0.0.1)."],
    ["timestamps", "At 2026-11-29T10:15:30Z and 10:15:30.123, then 2026-11-29 10:15:30,123 UTC."],
    ["ISBNs", "ISBN 978-3-16-148410-0 and 9783161484100 and 0-306-40615-2."],
    ["UUIDs", "request key 550e8400-e29b-41d4-a716-446655440000 and token 123E4567-E89B-12D3-A456-426614174000"],
    ["git hashes", "commit 9fceb02d0ae598e95dc970b736c4d6ab4f3d8a7c (key change), short 9fceb02"],
    ["sha256 hex", "sha256 token e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["prices", "Price €1,299.00 or 1.299,00 € or $12,345,678.90 or 1 299,00 CHF"],
    ["tracking numbers", "UPS 1Z999AA10123456784, DHL JD014600006281230704, USPS 9400111899223197428490"],
    ["maths", "π ≈ 3.14159265358979, 2^32 = 4294967296, 2^64 = 18446744073709551616, e = 2.718281828459045"],
    ["phone-like digit runs", "Call +49 30 12345678, +1 (415) 555-2671, 0049 171 1234567 89 or 0800 123 4567 8901"],
    ["base64 of words", "token: SGVsbG8gV29ybGQgZnJvbSB0aGUgdGVhbSAyMDI2 (api)"],
    ["URLs and paths", "api docs https://example.com/api/v1/Users/Account2024Settings and /home/JohnDoe/Projects2024/key"],
    ["asset names and packages", "icon@2x.png, logo@3x.webp, left-pad@1.2.3, @types/node"],
  ])("leaves %s alone", (_, text) => {
    expect(found(text)).toEqual([]);
  });

  it("does not take a user without a password for credentials", () => {
    const text = "git clone ssh://git@example.com/org/repo and https://user@example.com/";
    expect(found(text).filter(([type]) => type === "URL_WITH_CREDENTIALS")).toEqual([]);
  });

  it("never throws, and every span lies inside the text", () => {
    const pieces = [
      "4111 1111 1111 1111", "DE89 3704", "192.168.", "::", "fe80::1%", "@", "a@b.de", "bc1q", "0x", "sk-", "ghp_", "eyJ", ".", ":", "=", "password",
      "https://", "u:p@", "-----BEGIN RSA PRIVATE KEY-----", "\n", " ", "é", "🎉", "東京", "\u200d", "\ud800", "1", "A", "z", "/", "'", '"',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 60 }), (parts) => {
        const text = parts.join("");
        for (const s of d.detect(text)) {
          expect(s.start).toBeGreaterThanOrEqual(0);
          expect(s.end).toBeLessThanOrEqual(text.length);
          expect(s.end).toBeGreaterThan(s.start);
        }
      }),
      { numRuns: 300 },
    );
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 500 }), (text) => void d.detect(text)));
    fc.assert(fc.property(fc.string({ unit: "grapheme-composite", maxLength: 200 }), (text) => void d.detect(text)));
  });

  it("stays linear on adversarial inputs", () => {
    const inputs = ["@".repeat(50_000), "a@".repeat(50_000), "a:a@".repeat(25_000), "a.".repeat(25_000) + "@", "-----BEGIN RSA PRIVATE KEY-----\n".repeat(3000), "x://a@b".repeat(10_000), "1 ".repeat(50_000), "1-".repeat(50_000), ":".repeat(50_000), "1.".repeat(50_000), "a:".repeat(50_000), "password=".repeat(10_000), "Aa1".repeat(30_000), "DE89 ".repeat(20_000), "https://a:b@".repeat(5000)];
    for (const text of inputs) {
      const t0 = performance.now();
      d.detect(text);
      expect(performance.now() - t0).toBeLessThan(2000);
    }
  });
});
