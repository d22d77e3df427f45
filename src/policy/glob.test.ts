// Name patterns in policies: `*` is any run of characters, everything else is literal; and
// globCovers, which the compiler uses to decide whether a team's allow-list stays inside
// the baseline's, must never claim a coverage that does not hold.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globCovers, globRegExp, matchesAny } from "./glob.ts";

describe("globRegExp", () => {
  it.each([
    ["gpt-4o", "gpt-4o", true],
    ["gpt-4o", "gpt-4o-mini", false],
    ["gpt-4o", "xgpt-4o", false],
    ["gpt-4o", "GPT-4O", false],
    ["gpt-4o*", "gpt-4o", true],
    ["gpt-4o*", "gpt-4o-mini", true],
    ["gpt-4o*", "gpt-4", false],
    ["gpt-4o*", "my-gpt-4o", false],
    ["*-preview", "o1-preview", true],
    ["*-preview", "-preview", true],
    ["*-preview", "o1-preview-2", false],
    ["gpt-*-mini", "gpt-4o-mini", true],
    ["gpt-*-mini", "gpt--mini", true],
    ["gpt-*-mini", "gpt-4o-mini-2", false],
    ["*", "", true],
    ["*", "anything at all", true],
    ["a*b*c", "abc", true],
    ["a*b*c", "a-b-c", true],
    ["a*b*c", "acb", false],
    // Only `*` is special: regular-expression characters are literal.
    ["gpt-4.1*", "gpt-4.1-nano", true],
    ["gpt-4.1*", "gpt-4x1-nano", false],
    ["a+b(c)?[d]|^$\\{e}", "a+b(c)?[d]|^$\\{e}", true],
    ["a+b(c)?[d]|^$\\{e}", "aab", false],
    ["a?", "ab", false],
    ["a?", "a?", true],
  ] as const)("%j matches %j: %s", (pattern, name, expected) => {
    expect(globRegExp(pattern).test(name)).toBe(expected);
  });

  it("is anchored at both ends", () => {
    expect(globRegExp("mini").test("gpt-4o-mini")).toBe(false);
    expect(globRegExp("gpt").test("gpt-4o")).toBe(false);
  });

  // `*` is any run of characters, line terminators included: otherwise a deny-only rule
  // such as `*-preview` would let a model name with a line break before "-preview" through.
  it("`*` matches any character, line terminators included", () => {
    expect(globRegExp("*-preview").test("gpt-4o\n-preview")).toBe(true);
    expect(globRegExp("gpt-4o*").test("gpt-4o\u2028x")).toBe(true);
  });
});

describe("matchesAny", () => {
  const ps = ["gpt-4o*", "claude-*", "custos-echo"].map(globRegExp);
  it.each([
    ["gpt-4o-mini", true],
    ["claude-sonnet-4", true],
    ["custos-echo", true],
    ["custos-echo-2", false],
    ["o4-mini", false],
    ["", false],
  ] as const)("%j: %s", (name, expected) => {
    expect(matchesAny(ps, name)).toBe(expected);
  });

  it("an empty list matches nothing", () => {
    expect(matchesAny([], "gpt-4o")).toBe(false);
    expect(matchesAny([], "")).toBe(false);
  });
});

describe("globCovers", () => {
  it.each([
    // `*` covers everything.
    ["*", "gpt-4o", true],
    ["*", "gpt-*", true],
    ["*", "*", true],
    // Names: exact, by matching.
    ["gpt-4o", "gpt-4o", true],
    ["gpt-4o", "gpt-4o-mini", false],
    ["gpt-4o*", "gpt-4o", true],
    ["gpt-4o*", "gpt-4o-mini", true],
    ["gpt-4o*", "gpt-4", false],
    ["*-preview", "o1-preview", true],
    ["*-preview", "o1-preview-2", false],
    ["gpt-*-mini", "gpt-4o-mini", true],
    ["gpt-*-mini", "gpt-4o", false],
    // Prefix globs: covered when the inner prefix extends the outer one.
    ["gpt-4o*", "gpt-4o*", true],
    ["gpt-4o*", "gpt-4o-mini*", true],
    ["gpt-4o*", "gpt-4o-*-preview", true],
    ["gpt-4o*", "gpt-*", false],
    ["gpt-4o*", "gpt-4*", false],
    ["gpt-4o*", "*", false],
    ["gpt-4o*", "*-preview", false],
    ["a*", "b*", false],
    // Suffix globs: covered when the inner suffix extends the outer one.
    ["*-preview", "*-preview", true],
    ["*-preview", "*-mini-preview", true],
    ["*-preview", "o1-*-preview", true],
    ["*-preview", "*view", false],
    ["*-preview", "o1-*", false],
    ["*-preview", "*", false],
    // A star-free outer never covers a glob.
    ["gpt-4o", "gpt-4o*", false],
    ["gpt-4o", "*", false],
    // Several stars: only the same pattern is claimed (anything else is not, even when true).
    ["gpt-*-mini", "gpt-*-mini", true],
    ["gpt-*-mini", "gpt-4*-mini", false],
    ["*mini*", "gpt-4o-mini*", false],
  ] as const)("%j covers %j: %s", (outer, inner, expected) => {
    expect(globCovers(outer, inner)).toBe(expected);
  });

  const piece = fc.stringMatching(/^[ab-]{0,3}$/);
  const glob = fc.array(fc.oneof(piece, fc.constant("*")), { minLength: 1, maxLength: 4 }).map((xs) => xs.join(""));

  it("is sound: whatever the inner pattern matches, the outer matches too", () => {
    // Names built from the inner pattern by filling each star, so that covered pairs are tested on real members.
    fc.assert(
      fc.property(glob, glob, fc.array(piece, { minLength: 4, maxLength: 4 }), (outer, inner, fills) => {
        const name = inner
          .split("*")
          .map((s, i) => (i === 0 ? s : `${fills[(i - 1) % fills.length]}${s}`))
          .join("");
        expect(globRegExp(inner).test(name)).toBe(true);
        if (globCovers(outer, inner)) expect(globRegExp(outer).test(name)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("is exact for names, prefix globs and suffix globs", () => {
    fc.assert(
      fc.property(piece, piece, (p, q) => {
        expect(globCovers(`${p}*`, q)).toBe(q.startsWith(p));
        expect(globCovers(`*${p}`, q)).toBe(q.endsWith(p));
        expect(globCovers(p, q)).toBe(p === q);
        expect(globCovers(`${p}*`, `${q}*`)).toBe(q.startsWith(p));
        expect(globCovers(`*${p}`, `*${q}`)).toBe(q.endsWith(p));
        // A prefix glob inside a suffix glob (or the other way round) only under `*`.
        expect(globCovers(`${p}*`, `*${q}`)).toBe(p === "");
        expect(globCovers(`*${p}`, `${q}*`)).toBe(p === "");
      }),
      { numRuns: 300 },
    );
  });
});
