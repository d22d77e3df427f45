// URL_WITH_CREDENTIALS: scheme://user:password@host…, the whole URL; never without a password.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Candidate } from "./types.ts";
import { urlCredentialsRecognizer } from "./url-credentials.ts";

const find = (text: string) => {
  const out: Candidate[] = [];
  urlCredentialsRecognizer().find(text, (c) => out.push(c));
  return out;
};
const values = (text: string) => find(text).map((c) => text.slice(c.start, c.end));

describe("url with credentials", () => {
  it.each([
    "https://alice:s3cret@example.com/path?q=1",
    "postgres://report:Xk93!pw@db.internal:5432/sales",
    "postgresql://app:pa%40ss@10.0.0.5/app_db",
    "mongodb+srv://admin:hunter2@cluster0.mongodb.net/test?retryWrites=true",
    "redis://:Str0ngPass@cache.example.com:6379/0",
    "amqp://guest:guest@localhost:5672/",
    "ftp://bob:pa55@ftp.example.org",
    "mysql://root:p@ss@db.example.com/shop",
    "http://user:pw@[2001:db8::1]:8080/",
  ])("reports the whole of %s", (url) => {
    for (const text of [url, `DATABASE_URL=${url}`, `see (${url}).`, `"${url}"`, `<${url}>`]) expect(values(text)).toEqual([url]);
    expect(find(url)[0]!.score).toBe(0.95);
  });

  it("keeps a closing bracket that belongs to the URL", () => {
    expect(values("(https://a:b@example.com/wiki/Foo_(bar))")).toEqual(["https://a:b@example.com/wiki/Foo_(bar)"]);
  });

  it.each([
    ["https://user@example.com/", "a user without a password"],
    ["ssh://git@github.com/org/repo.git", "a user without a password"],
    ["https://user:@example.com", "an empty password"],
    ["https://example.com/path?email=a:b@c.com", "an '@' after the path starts"],
    ["https://example.com:8443/x", "a port, no credentials"],
    ["postgres://user:${DB_PASSWORD}@db/app", "a template"],
    ["postgres://user:<password>@db/app", "a placeholder"],
    ["postgres://user:pw@/app", "no host"],
    ["://user:pw@host", "no scheme"],
    ["C:\\Users\\me:pw@host", "not a URL"],
  ])("reports nothing for %s (%s)", (text) => {
    expect(values(text)).toEqual([]);
  });

  it("gives UTF-16 offsets after emoji and accents", () => {
    const text = "Connexion à la base 🗄️ éphémère : postgres://u:p4ss@db.example.fr/app";
    const [c] = find(text);
    expect(c!.start).toBe(text.indexOf("postgres"));
    expect(c!.end).toBe(text.length);
  });

  it("never throws on any text", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("https", "://", "u", ":", "p", "@", "h.com", "/", "?", "#", "(", ")", " ", "é", "${"), { maxLength: 60 }), (parts) => {
        const text = parts.join("");
        for (const c of find(text)) {
          expect(c.start).toBeGreaterThanOrEqual(0);
          expect(c.end).toBeLessThanOrEqual(text.length);
          expect(text.slice(c.start, c.end)).toContain("://");
        }
      }),
    );
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => void find(text)));
  });
});
