// The PII evaluation corpus is well-formed: enough lines, languages and hard negatives, exact
// offsets, unique ids, every labelled checksum value valid and every decoy invalid, and the
// .jsonl files exactly what the generator writes. Independent of the detectors.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PII_TYPES } from "../src/policy/schema.ts";
import { SCHEMES } from "../scripts/pii-corpus/checksums.ts";
import { checksumProblems, LANGS, parseFixtures, type FixtureLine } from "../scripts/pii-corpus/fixture.ts";
import { corpusLines, jsonl } from "../scripts/pii-corpus/index.ts";

const DIR = fileURLToPath(new URL("./fixtures/pii/", import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith(".jsonl")).sort();
const parsed = files.map((f) => ({ file: f, ...parseFixtures(f, readFileSync(path.join(DIR, f), "utf8")) }));
const lines: FixtureLine[] = parsed.flatMap((p) => p.lines);

describe("PII corpus fixtures", () => {
  it("parse, with every line well-formed (offsets in range, sorted, non-overlapping, known types)", () => {
    expect(parsed.flatMap((p) => p.problems)).toEqual([]);
    for (const l of lines) {
      for (const s of l.spans) {
        expect(s.start).toBeGreaterThanOrEqual(0);
        expect(s.end).toBeLessThanOrEqual(l.text.length);
        expect(PII_TYPES).toContain(s.type);
      }
    }
  });

  it("are big enough: ≥ 450 lines, ≥ 150 PII-free, ≥ 35 per language in all nine", () => {
    expect(lines.length).toBeGreaterThanOrEqual(450);
    expect(lines.filter((l) => l.pii_free).length).toBeGreaterThanOrEqual(150);
    for (const lang of LANGS) expect(lines.filter((l) => l.lang === lang).length, lang).toBeGreaterThanOrEqual(35);
  });

  it("have unique ids", () => {
    const ids = lines.map((l) => l.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("label only valid checksum values, and use only invalid ones as decoys", () => {
    expect(lines.flatMap(checksumProblems)).toEqual([]);
    const schemed = lines.flatMap((l) => l.spans.filter((s) => s.scheme !== undefined));
    expect(schemed.length).toBeGreaterThan(100);
    expect(lines.flatMap((l) => (l.decoys ?? []).filter((d) => d.kind in SCHEMES)).length).toBeGreaterThan(20);
  });

  it("cover every PII type, with common and rare names and places", () => {
    for (const type of PII_TYPES) expect(lines.flatMap((l) => l.spans).filter((s) => s.type === type).length, type).toBeGreaterThanOrEqual(5);
    for (const type of ["PERSON", "LOCATION"]) {
      const spans = lines.flatMap((l) => l.spans).filter((s) => s.type === type);
      expect(spans.filter((s) => s.common === true).length, `${type} common`).toBeGreaterThanOrEqual(30);
      expect(spans.filter((s) => s.common === false).length, `${type} rare`).toBeGreaterThanOrEqual(30);
    }
  });

  it("put emoji and accented characters before entities, so offsets are tested past the BMP and ASCII", () => {
    const before = (l: FixtureLine, re: RegExp) => l.spans.some((s) => re.test(l.text.slice(0, s.start)));
    expect(lines.filter((l) => before(l, /[\u{10000}-\u{10FFFF}]/u)).length).toBeGreaterThanOrEqual(9);
    expect(lines.filter((l) => before(l, /[^\p{ASCII}]/u)).length).toBeGreaterThanOrEqual(100);
  });

  it("write URLs with credentials that parse with a user and a password", () => {
    for (const l of lines) {
      for (const s of l.spans.filter((x) => x.type === "URL_WITH_CREDENTIALS")) {
        const u = new URL(l.text.slice(s.start, s.end));
        expect(u.username && u.password, l.id).toBeTruthy();
      }
    }
  });

  it("are exactly what scripts/build-pii-corpus.ts generates", () => {
    expect(files).toEqual(LANGS.map((l) => `${l}.jsonl`).sort());
    for (const lang of LANGS) expect(readFileSync(path.join(DIR, `${lang}.jsonl`), "utf8"), lang).toBe(jsonl(corpusLines(lang)));
  });
});

describe("corpus validators", () => {
  // Published examples, so a validator that accepts everything cannot pass.
  const cases: [keyof typeof SCHEMES, string, string][] = [
    ["card", "4111 1111 1111 1111", "4111 1111 1111 1112"],
    ["card", "3782 822463 10005", "1234 5678 9012 3452"],
    ["iban", "DE89 3704 0044 0532 0130 00", "DE88 3704 0044 0532 0130 00"],
    ["iban", "FR14 2004 1010 0505 0001 3M02 606", "FR14 2004 1010 0505 0001 3M02 607"],
    ["iban", "GB29 NWBK 6016 1331 9268 19", "GB29 NWBK 6016 1331 9268 1"],
    ["us_ssn", "536-22-8726", "666-12-3456"],
    ["uk_nino", "AB 12 34 56 C", "QQ 12 34 56 C"],
    ["de_steuer_id", "86095742719", "86095742718"],
    ["fr_nir", "2 55 08 14 168 025 38", "2 55 08 14 168 025 39"],
    ["es_dni", "12345678Z", "12345678A"],
    ["it_codice_fiscale", "RSSMRA85T10A562S", "RSSMRA85T10A562T"],
    ["nl_bsn", "111222333", "111222334"],
    ["pl_pesel", "44051401359", "44051401358"],
    ["pt_nif", "123456789", "123456788"],
    ["se_personnummer", "811218-9876", "811218-9875"],
    ["uk_nhs", "943 476 5919", "943 476 5918"],
    ["de_kvnr", "A123456780", "A123456781"],
    ["us_mbi", "1EG4-TE5-MK73", "1EG4-TE5-MK7S"],
    ["btc", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"],
    ["btc", "16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM", "16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvN"],
    ["eth", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"],
  ];
  it.each(cases)("%s accepts %s and rejects %s", (scheme, good, bad) => {
    expect(SCHEMES[scheme](good)).toBe(true);
    expect(SCHEMES[scheme](bad)).toBe(false);
  });
});
