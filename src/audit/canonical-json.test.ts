import { describe, expect, it } from "vitest";
import { CanonicalJsonError, canonicalize, decimalString, encodeEntry, MAX_ENTRY_BYTES, rfc3339Millis, type CanonicalJsonProblem } from "./canonical-json.ts";

const text = (b: Uint8Array): string => new TextDecoder("utf-8", { fatal: true }).decode(b);
const jcs = (v: unknown): string => text(canonicalize(v));
const hexOf = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

function entry(v: object): string {
  const r = encodeEntry(v);
  if (!r.ok) throw new Error(`unexpected rejection: ${r.error.message}`);
  return text(r.value);
}

function rejected(v: object, path: string, problem: CanonicalJsonProblem): CanonicalJsonError {
  const r = encodeEntry(v);
  expect(r.ok, `expected a rejection at ${path}`).toBe(false);
  if (r.ok) throw new Error("unreachable");
  expect(r.error).toBeInstanceOf(CanonicalJsonError);
  expect(r.error.path).toBe(path);
  expect(r.error.problem).toBe(problem);
  expect(r.error.message.startsWith(`${path}: `)).toBe(true);
  return r.error;
}

// RFC 8785 §3.2.2: the sample input, as JSON text, and its published canonical form and bytes.
const RFC_SAMPLE = String.raw`{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`;
const RFC_SAMPLE_CANONICAL = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
const RFC_SAMPLE_UTF8 = [
  // §3.2.4, as the RFC prints it
  "7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72",
  "75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a",
  "5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31",
  "65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37",
  "5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30",
  "30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d",
].join(" ");

// RFC 8785 §3.2.3: sorting by UTF-16 code units (the emoji, D83D DE00, sorts before U+FB33).
const RFC_SORT_SAMPLE = String.raw`{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}`;
const RFC_SORT_CANONICAL = `{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}`;

describe("canonicalize (RFC 8785)", () => {
  it("reproduces the RFC's §3.2.2 sample and its §3.2.4 UTF-8 bytes", () => {
    expect(jcs(JSON.parse(RFC_SAMPLE))).toBe(RFC_SAMPLE_CANONICAL);
    expect(hexOf(canonicalize(JSON.parse(RFC_SAMPLE)))).toBe(RFC_SAMPLE_UTF8.replace(/\s/g, ""));
  });

  it("sorts keys by UTF-16 code units as in the RFC's §3.2.3 sample", () => {
    expect(jcs(JSON.parse(RFC_SORT_SAMPLE))).toBe(RFC_SORT_CANONICAL);
  });

  it("writes numbers as the RFC's Appendix B IEEE 754 samples", () => {
    const samples: [string, string][] = [
      ["0000000000000000", "0"],
      ["8000000000000000", "0"],
      ["0000000000000001", "5e-324"],
      ["8000000000000001", "-5e-324"],
      ["7fefffffffffffff", "1.7976931348623157e+308"],
      ["ffefffffffffffff", "-1.7976931348623157e+308"],
      ["4340000000000000", "9007199254740992"],
      ["c340000000000000", "-9007199254740992"],
      ["4430000000000000", "295147905179352830000"],
      ["44b52d02c7e14af5", "9.999999999999997e+22"],
      ["44b52d02c7e14af6", "1e+23"],
      ["44b52d02c7e14af7", "1.0000000000000001e+23"],
      ["444b1ae4d6e2ef50", "1e+21"],
      ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
      ["3eb0c6f7a0b5ed8d", "0.000001"],
    ];
    for (const [bits, expected] of samples) {
      const view = new DataView(new ArrayBuffer(8));
      view.setBigUint64(0, BigInt(`0x${bits}`));
      expect(jcs([view.getFloat64(0)]), bits).toBe(`[${expected}]`);
    }
    for (const bits of ["7fffffffffffffff", "7ff0000000000000"]) {
      const view = new DataView(new ArrayBuffer(8));
      view.setBigUint64(0, BigInt(`0x${bits}`));
      expect(() => canonicalize(view.getFloat64(0)), bits).toThrow(CanonicalJsonError);
    }
  });

  it("does not NFC-normalise (RFC 8785 keeps strings as they are)", () => {
    expect(jcs({ k: "e\u0301" })).toBe('{"k":"e\u0301"}');
  });

  it("refuses lone surrogates, undefined, non-plain objects and cycles, naming the path", () => {
    expect(() => canonicalize({ a: ["\ud800"] })).toThrow(/^\$\.a\[0\]: the string contains a lone UTF-16 surrogate/);
    expect(() => canonicalize({ a: undefined })).toThrow(/^\$\.a: undefined is not a JSON value/);
    expect(() => canonicalize({ when: new Date(0) })).toThrow(/^\$\.when: a Date is not a plain object/);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalize(loop)).toThrow(/^\$\.self: the value contains itself/);
  });
});

describe("encodeEntry (R1 profile)", () => {
  it("sorts keys by UTF-16 code units at every level, including emoji and other non-ASCII keys", () => {
    expect(entry({ b: 1, a: { z: [{ y: 1, x: 2 }], "😀": 1, "\uff61": 2, é: 3, "\u0080": 4, A: 5 } })).toBe(
      '{"a":{"A":5,"z":[{"x":2,"y":1}],"\u0080":4,"é":3,"😀":1,"\uff61":2},"b":1}',
    );
  });

  it("escapes strings exactly as RFC 8785 / JSON.stringify: short forms, \\u00xx for other controls, nothing else", () => {
    const controls = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join("");
    const expected =
      String.raw`\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f` +
      String.raw`\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f`;
    expect(entry({ s: controls })).toBe(`{"s":"${expected}"}`);
    expect(entry({ s: 'quote " backslash \\ slash / del \u007f ls \u2028 ps \u2029 <script>' })).toBe(
      '{"s":"quote \\" backslash \\\\ slash / del \u007f ls \u2028 ps \u2029 <script>"}',
    );
    expect(entry({ "a\nb": "x" })).toBe('{"a\\nb":"x"}');
  });

  it("writes non-ASCII as UTF-8 bytes, never as escapes", () => {
    const r = encodeEntry({ s: "€😀" });
    expect(r.ok && hexOf(r.value)).toBe("7b2273223a22e282acf09f988022" + "7d");
  });

  it("writes integers per ECMAScript: -0 as 0, both ±(2^53−1) boundaries exactly", () => {
    expect(entry({ z: -0, max: 9007199254740991, min: -9007199254740991, n: -42, big: 1e15 })).toBe(
      '{"big":1000000000000000,"max":9007199254740991,"min":-9007199254740991,"n":-42,"z":0}',
    );
    expect(entry({ b: [true, false] })).toBe('{"b":[true,false]}');
  });

  it("accepts the profile-fitting parts of the RFC's §3.2.2 sample", () => {
    const { string, literals } = JSON.parse(RFC_SAMPLE) as { string: string; literals: unknown[] };
    expect(entry({ string, literals: literals.slice(1) })).toBe(String.raw`{"literals":[true,false],"string":"€$\u000f\nA'B\"\\\\\"/"}`);
  });

  it("NFC-normalises strings and keys before sorting, so equal text gives equal bytes", () => {
    expect(entry({ s: "e\u0301", "A\u030a": "\u1100\u1161\u11a8" })).toBe('{"s":"é","Å":"각"}');
    expect(entry({ s: "e\u0301" })).toBe(entry({ s: "é" }));
    // U+FB33 is a composition exclusion: NFC turns it into U+05D3 U+05BC, which sorts before "€",
    // so the R1 bytes of the RFC's sorting sample differ from plain JCS there, by design.
    expect(entry(JSON.parse(RFC_SORT_SAMPLE) as object)).toBe(
      `{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","\u05d3\u05bc":"Hebrew Letter Dalet With Dagesh","€":"Euro Sign","😀":"Emoji: Grinning Face"}`,
    );
  });

  it("re-encoding a parsed entry gives the same bytes (what the offline verifier checks)", () => {
    const original = { v: 1, ts: rfc3339Millis(Date.UTC(2026, 10, 29, 10, 15, 30, 123)), actor: { team: "Ré\u0301seau" }, request: { params: { temperature: decimalString(0.2), max_tokens: 800 } } };
    const first = entry(original);
    expect(entry(JSON.parse(first) as object)).toBe(first);
  });

  it("accepts an entry of exactly 64 KiB and rejects one byte more", () => {
    const filler = (n: number) => ({ a: "x".repeat(n - '{"a":""}'.length) });
    const r = encodeEntry(filler(MAX_ENTRY_BYTES));
    expect(r.ok && r.value.length).toBe(MAX_ENTRY_BYTES);
    const e = rejected(filler(MAX_ENTRY_BYTES + 1), "$", "too_large");
    expect(e.message).toContain("65537 bytes");
    // The limit counts UTF-8 bytes, not UTF-16 units: 21,843 × "€" is 65,529 bytes + 8.
    rejected({ a: "€".repeat(21_843) }, "$", "too_large");
  });

  describe("rejects, naming the JSON path", () => {
    it("non-integer numbers", () => {
      const e = rejected({ request: { params: { temperature: 0.2 } } }, "$.request.params.temperature", "non_integer");
      expect(e.message).toContain("decimalString");
      rejected({ a: { b: [1, 2.5] } }, "$.a.b[1]", "non_integer");
      rejected({ a: Number.NaN }, "$.a", "not_json");
      rejected({ a: Number.POSITIVE_INFINITY }, "$.a", "not_json");
      rejected({ a: Number.NEGATIVE_INFINITY }, "$.a", "not_json");
    });

    it("integers outside ±(2^53−1)", () => {
      rejected({ n: 9007199254740992 }, "$.n", "unsafe_integer");
      rejected({ n: -9007199254740992 }, "$.n", "unsafe_integer");
      rejected({ n: 1e21 }, "$.n", "unsafe_integer");
    });

    it("null and undefined, including array holes", () => {
      expect(rejected({ actor: { team: null } }, "$.actor.team", "null").message).toContain("omit absent fields");
      expect(rejected({ actor: { team: undefined } }, "$.actor.team", "not_json").message).toContain("omit absent fields");
      // eslint-disable-next-line no-sparse-arrays
      rejected({ tools: [1, , 3] }, "$.tools[1]", "not_json");
      rejected({ tools: [null] }, "$.tools[0]", "null");
    });

    it("non-plain objects", () => {
      expect(rejected({ ts: new Date() }, "$.ts", "not_plain_object").message).toContain("rfc3339Millis");
      expect(rejected({ m: new Map() }, "$.m", "not_plain_object").message).toContain("a Map");
      rejected({ s: new Set([1]) }, "$.s", "not_plain_object");
      expect(rejected({ b: new Uint8Array(2) }, "$.b", "not_plain_object").message).toContain("base64url");
      class Usage {
        input = 1;
      }
      expect(rejected({ response: { usage: new Usage() } }, "$.response.usage", "not_plain_object").message).toContain("a Usage");
      expect(rejected({ ["odd key"]: { x: /re/ } }, '$["odd key"].x', "not_plain_object").message).toContain("RegExp");
      // Objects without a prototype are plain.
      expect(entry(Object.assign(Object.create(null) as object, { b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
    });

    it("functions, symbols and bigints", () => {
      rejected({ f: () => 1 }, "$.f", "not_json");
      rejected({ s: Symbol("x") }, "$.s", "not_json");
      rejected({ n: 1n }, "$.n", "not_json");
    });

    it("an entry that is not a plain object", () => {
      rejected([1, 2], "$", "not_object");
      rejected(new Date(), "$", "not_object");
    });

    it("lone surrogates in strings and keys, without quoting the content", () => {
      const e = rejected({ input: { note: "secret \ud800 text" } }, "$.input.note", "lone_surrogate");
      expect(e.message).not.toContain("secret");
      rejected({ a: ["ok", "\udc00x"] }, "$.a[1]", "lone_surrogate");
      rejected({ a: "\ude00\ud83d" }, "$.a", "lone_surrogate");
      rejected({ a: { "k\ud83d": 1 } }, '$.a["k\\ud83d"]', "lone_surrogate");
      expect(entry({ a: "\ud83d\ude00" })).toBe('{"a":"😀"}');
    });

    it("keys that collide after NFC", () => {
      rejected({ t: { "\u00e9": 1, "e\u0301": 2 } }, '$.t["é"]', "duplicate_key");
    });

    it("cycles (a DAG is fine)", () => {
      const shared = { x: 1 };
      expect(entry({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
      const list: unknown[] = [];
      list.push({ back: list });
      rejected({ list }, "$.list[0].back", "cycle");
    });
  });
});

describe("R1 value helpers", () => {
  it("rfc3339Millis writes UTC with milliseconds and Z", () => {
    expect(rfc3339Millis(new Date(Date.UTC(2026, 10, 29, 10, 15, 30, 123)))).toBe("2026-11-29T10:15:30.123Z");
    expect(rfc3339Millis(Date.UTC(2026, 0, 1))).toBe("2026-01-01T00:00:00.000Z");
    expect(rfc3339Millis(new Date("2026-11-29T11:15:30.1+01:00"))).toBe("2026-11-29T10:15:30.100Z");
    expect(rfc3339Millis(Date.parse("9999-12-31T23:59:59.999Z"))).toBe("9999-12-31T23:59:59.999Z");
    expect(() => rfc3339Millis(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => rfc3339Millis(Date.parse("9999-12-31T23:59:59.999Z") + 1)).toThrow(RangeError);
    expect(() => rfc3339Millis(Date.parse("0000-01-01T00:00:00.000Z") - 1)).toThrow(RangeError);
  });

  it("decimalString writes the shortest round-trip digits positionally", () => {
    const cases: [number, string][] = [
      [0.2, "0.2"],
      [1, "1"],
      [0, "0"],
      [-0, "0"],
      [-1.5, "-1.5"],
      [0.7000000000000001, "0.7000000000000001"],
      [1e-7, "0.0000001"],
      [1.5e-7, "0.00000015"],
      [-2.5e-8, "-0.000000025"],
      [123.456, "123.456"],
      [1e21, "1000000000000000000000"],
      [1.25e22, "12500000000000000000000"],
      [5e-324, `0.${"0".repeat(323)}5`],
    ];
    for (const [n, s] of cases) expect(decimalString(n), String(n)).toBe(s);
    for (const n of [0.1, 0.3, 2 / 3, 1e-300, 123456789.123, 1.7976931348623157e308, 4.35, 1e-7]) {
      const s = decimalString(n);
      expect(s).toMatch(/^-?\d+(\.\d+)?$/);
      expect(Number(s)).toBe(n);
    }
    expect(() => decimalString(Number.NaN)).toThrow(RangeError);
    expect(() => decimalString(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
