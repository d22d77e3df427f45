// Values given to secret-named keys, in code, config and prose; only the value is the span.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignmentFinder } from "./secret-assignments.ts";
import type { Candidate } from "./types.ts";

const find = (text: string) => {
  const out: Candidate[] = [];
  assignmentFinder()(text, (c) => out.push(c));
  return out;
};
const values = (text: string) => find(text).map((c) => text.slice(c.start, c.end));

describe("secret assignments", () => {
  it.each([
    ["password=Summer2024!", "Summer2024!"],
    ["DB_PASSWORD=hunter2hunter2", "hunter2hunter2"],
    ['{"password": "c0rrect-horse"}', "c0rrect-horse"],
    ["password: 'p@ss w0rd'", "p@ss w0rd"],
    ["dbPassword := Xy7#kk91", "Xy7#kk91"],
    ["pwd=123456", "123456"],
    ["Passwort: Geheim123", "Geheim123"],
    ["Kennwort = Sommer2025", "Sommer2025"],
    ["mot de passe : Soleil#42", "Soleil#42"],
    ["contraseña: Hola1234", "Hola1234"],
    ["senha=Brasil2024", "Brasil2024"],
    ["wachtwoord: Fiets123!", "Fiets123!"],
    ["hasło: Zima2024", "Zima2024"],
    ["lösenord=Sommar2024", "Sommar2024"],
    ["the password is hunter22.", "hunter22"],
    ["Das Passwort ist Geheim!2024", "Geheim!2024"],
    ["le mot de passe est Soleil42", "Soleil42"],
    ["la contraseña es Hola1234", "Hola1234"],
    ["api_key: q8ZxN3vLp0Wk7TyR2mB5cJ9d", "q8ZxN3vLp0Wk7TyR2mB5cJ9d"],
    ['"client_secret":"Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"', "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"],
    ["GITHUB_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"],
    ["https://api.example.com/v1?token=a1B2c3D4e5F6g7H8i9J0&user=x", "a1B2c3D4e5F6g7H8i9J0"],
    ["x-api-key: 7f3a9c2e1b8d4f6a0c5e9b3d7a1f4c8e", "7f3a9c2e1b8d4f6a0c5e9b3d7a1f4c8e"],
  ])("finds the value in %j", (text, value) => {
    expect(values(text)).toEqual([value]);
  });

  it("scores passwords 0.8 and machine-looking tokens 0.85", () => {
    expect(find("password=Summer2024!")[0]!.score).toBe(0.8);
    expect(find("api_key=q8ZxN3vLp0Wk7TyR2mB5cJ9d")[0]!.score).toBe(0.85);
  });

  it.each([
    ["password: required", "a plain word"],
    ["Password: Required", "a capitalised word"],
    ["password = None", "a null"],
    ["password: ********", "a mask"],
    ["password=${DB_PASSWORD}", "a template"],
    ["password: <your password>", "a placeholder"],
    ["password_hint: Pet name 2", "another key that starts with password"],
    ["passwords: many", "a plural"],
    ["bypass: true", "a word ending in pass"],
    ["max_tokens: 800", "tokens, not token"],
    ["author: Jane", "author is not auth"],
    ["token: abc", "a short token"],
    ["api_key: my-api-key-value", "a token made of words"],
    ["secret: the-usual-one", "a secret made of words"],
    ["password reset link sent", "no connector"],
    ["if (password == other) {}", "a comparison"],
    ["password != Summer2024", "an inequality"],
    ["password: my_password", "a word-joined value"],
  ])("reports nothing for %j (%s)", (text) => {
    expect(values(text)).toEqual([]);
  });

  it("gives UTF-16 offsets after emoji and accents", () => {
    const text = "Configuración 🔐🎉 — contraseña: Ñandú2024";
    const [c] = find(text);
    expect(c!.start).toBe(text.indexOf("Ñandú"));
    expect(c!.end).toBe(text.length);
  });

  it("never throws on any text", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("password", "token", "=", ":", " is ", '"', "'", "Ab1", "x", " ", "\n", "é", "${"), { maxLength: 60 }), (parts) => {
        const text = parts.join("");
        for (const c of find(text)) {
          expect(c.start).toBeGreaterThanOrEqual(0);
          expect(c.end).toBeLessThanOrEqual(text.length);
          expect(c.end).toBeGreaterThan(c.start);
        }
      }),
    );
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => void find(text)));
  });
});
