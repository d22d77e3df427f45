// API_KEY by issuer format, JWT, PEM block and Bearer header; placeholders are not keys.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasKnownPrefix, secretsRecognizer } from "./secrets.ts";
import type { Candidate } from "./types.ts";

const find = (text: string) => {
  const out: Candidate[] = [];
  secretsRecognizer().find(text, (c) => out.push(c));
  return out;
};
/** Distinct values found, in text order (an assignment and a prefix rule may both report one key). */
const values = (text: string) => [...new Set(find(text).sort((a, b) => a.start - b.start).map((c) => text.slice(c.start, c.end)))];

const JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----";

describe("secrets by issuer format", () => {
  it.each([
    ["sk-proj-Z3x9QmLk2VtR8wPj5NcY7bHd4FsA1GuE0oIiKk", "OpenAI project key"],
    ["sk-Z3x9QmLk2VtR8wPj5NcY7bHd4FsA1GuE0oIiKkT3", "OpenAI legacy key"],
    ["sk-ant-api03-aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9fG1hJ3kL5mN7pQ9rS1tU3vW5xY7zA9bC1dE3fG5hJ7kL9mN1pQ3rS5tU7vW9xY1zA3bC5d-AA", "Anthropic"],
    ["AKIAIOSFODNN7EXAMPLE", "AWS access key id"],
    ["ASIAY34FZKBOKMUTVV7A", "AWS temporary key id"],
    ["ghp_16C7e42F292c6912E7710c838347Ae178B4a", "GitHub personal token"],
    ["gho_16C7e42F292c6912E7710c838347Ae178B4a", "GitHub OAuth token"],
    ["github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqr", "GitHub fine-grained token"],
    ["xoxb-2048-1234567890-AbCdEfGhIjKlMnOpQrStUvWx", "Slack bot token"],
    ["sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe secret key"],
    ["rk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe restricted key"],
    ["pk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe publishable key"],
    ["AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", "Google API key"],
    ["glpat-Zx8yW7vU6tS5rQ4pO3nM", "GitLab token"],
    ["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", "SendGrid key"],
    ["SK0a1b2c3d4e5f60718293a4b5c6d7e8f9", "Twilio API key"],
    ["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", "Hugging Face token"],
    ["npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", "npm token"],
    [JWT, "JWT"],
  ])("finds %s (%s)", (key) => {
    for (const text of [key, `key: ${key}`, `export TOKEN=${key}`, `"${key}"`, `(${key}).`]) expect(values(text)).toEqual([key]);
    expect(find(key)[0]!.score).toBeGreaterThanOrEqual(0.85);
  });

  it("finds a PEM private key block through its END line, and the next one after it", () => {
    const text = `key file:\n${PEM}\nthanks`;
    expect(values(text)).toEqual([PEM]);
    expect(values(`${PEM}\n\n${PEM}`)).toEqual([PEM]);
    expect(find(`${PEM}\n\n${PEM}`)).toHaveLength(2);
  });

  it("finds a PEM block cut off before its END line, as far as its base64 goes", () => {
    const cut = PEM.slice(0, PEM.indexOf("-----END"));
    expect(values(`${cut} `)).toEqual([cut.trimEnd()]);
    expect(values("-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\\n")[0]).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\\nb3Blbn/);
  });

  it("finds the token of a Bearer header, not the word", () => {
    expect(values("Authorization: Bearer abc123XYZ789def456GHI012jkl")).toEqual(["abc123XYZ789def456GHI012jkl"]);
    expect(values("curl -H 'authorization: bearer 7Hq2Lp9Xz4Vb8Nm1Kc6Rt3Yw5Se0Ua' x")).toEqual(["7Hq2Lp9Xz4Vb8Nm1Kc6Rt3Yw5Se0Ua"]);
    // A token that starts like an issuer prefix but is not one is still a Bearer token.
    expect(values("Authorization: Bearer s3cr3tT0k3nXyZ9876543210abc")).toEqual(["s3cr3tT0k3nXyZ9876543210abc"]);
    expect(values("Authorization: Bearer AbC123dEf456GhI789/jKl+MnO==")).toEqual(["AbC123dEf456GhI789/jKl+MnO=="]);
  });

  it.each([
    ["sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "a placeholder"],
    ["sk-your-openai-api-key-goes-here", "a placeholder in words"],
    ["AKIAXXXXXXXXXXXXXXXX", "a masked AWS key"],
    ["ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "a masked GitHub token"],
    ["task-management-service-v2-production", "a slug containing sk-"],
    ["ghp_short", "too short"],
    ["Bearer YOUR_ACCESS_TOKEN_HERE", "a Bearer placeholder"],
    ["Bearer ${TOKEN}", "a Bearer template"],
    ["-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----", "a public key"],
    ["-----BEGIN CERTIFICATE-----\nMIIBIjANBgkq\n-----END CERTIFICATE-----", "a certificate"],
    ["eyJhbGciOiJIUzI1NiJ9", "a JWT header alone"],
  ])("reports nothing for %s (%s)", (text) => {
    expect(values(text)).toEqual([]);
  });

  it("knows its prefixes (the entropy recognizer leaves those keys to it)", () => {
    expect(hasKnownPrefix("x ghp_abc", 2)).toBe(true);
    expect(hasKnownPrefix("x gh_abc", 2)).toBe(false);
  });

  it("gives UTF-16 offsets after emoji and accents", () => {
    const text = "Clé 🔑 très secrète : ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    const [c] = find(text);
    expect(c!.start).toBe(text.indexOf("ghp_"));
    expect(c!.end).toBe(text.length);
  });

  it("never throws on any text", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("sk-", "ghp_", "AKIA", "eyJ", ".", "Bearer ", "-----BEGIN ", "PRIVATE KEY-----", "\n", "aB3", "=", ":", " ", "é", "🎉"), { maxLength: 60 }), (parts) => {
        const text = parts.join("");
        for (const c of find(text)) {
          expect(c.start).toBeGreaterThanOrEqual(0);
          expect(c.end).toBeLessThanOrEqual(text.length);
        }
      }),
    );
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => void find(text)));
  });
});
