// The little language the corpus is written in: a tagged template `t` whose interpolations are
// entities (labelled PII) or decoys (look-alikes that are not PII), so the generator knows every
// offset exactly instead of anyone counting characters. Helpers that compute check digits are
// in values.ts; the records themselves are in <lang>.ts.
import type { PiiType } from "../../src/policy/schema.ts";
import type { Scheme } from "./checksums.ts";
import type { DecoySpan, GoldSpan, Kind, Lookalike } from "./fixture.ts";

export interface Entity {
  readonly entity: true;
  type: PiiType;
  value: string;
  common?: boolean;
  scheme?: Scheme;
}

export interface Decoy {
  readonly decoy: true;
  kind: Scheme | Lookalike;
  value: string;
}

export type Piece = Entity | Decoy | string | number;

export interface Draft {
  text: string;
  spans: GoldSpan[];
  decoys: DecoySpan[];
}

export type Entry = readonly [Kind, Draft];

/** Builds a line: literal text, entities become gold spans, decoys become decoy spans. */
export function t(strings: TemplateStringsArray, ...parts: Piece[]): Draft {
  let text = "";
  const spans: GoldSpan[] = [];
  const decoys: DecoySpan[] = [];
  strings.forEach((s, i) => {
    text += s;
    if (i >= parts.length) return;
    const p = parts[i];
    if (typeof p === "string" || typeof p === "number") {
      text += String(p);
    } else if (p !== undefined && "entity" in p) {
      const span: GoldSpan = { type: p.type, start: text.length, end: text.length + p.value.length };
      if (p.common !== undefined) span.common = p.common;
      if (p.scheme !== undefined) span.scheme = p.scheme;
      spans.push(span);
      text += p.value;
    } else if (p !== undefined) {
      decoys.push({ kind: p.kind, start: text.length, end: text.length + p.value.length });
      text += p.value;
    }
  });
  return { text, spans, decoys };
}

export const ent = (type: PiiType, value: string, extra: { common?: boolean; scheme?: Scheme } = {}): Entity => ({ entity: true, type, value, ...extra });
export const decoy = (kind: Scheme | Lookalike, value: string): Decoy => ({ decoy: true, kind, value });

/** A person's name, very common in its country (top ~500 first and last names). */
export const pc = (name: string) => ent("PERSON", name, { common: true });
/** A person's name that is rarer: an uncommon surname, or a name of another origin. */
export const pr = (name: string) => ent("PERSON", name, { common: false });
/** A well-known place (top ~500 in its country), or an address in such a city. */
export const lc = (place: string) => ent("LOCATION", place, { common: true });
/** A small or lesser-known place, or an address in one. */
export const lr = (place: string) => ent("LOCATION", place, { common: false });

export const email = (v: string) => ent("EMAIL", v);
export const phone = (v: string) => ent("PHONE", v);
export const ip = (v: string) => ent("IP_ADDRESS", v);
export const dob = (v: string) => ent("DATE_OF_BIRTH", v);
export const passport = (v: string) => ent("PASSPORT", v);
export const credUrl = (v: string) => ent("URL_WITH_CREDENTIALS", v);
/** A secret written out in the record (see values.ts `key` for generated ones). */
export const apiKey = (v: string) => ent("API_KEY", v);
/** A patient or insurance number without a public check-digit scheme. */
export const patientNo = (v: string) => ent("MEDICAL_ID", v);

/** Look-alikes that are not PII (for --errors and for reading the corpus). */
export const look = (kind: Lookalike, v: string) => decoy(kind, v);
