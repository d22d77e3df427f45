// Street addresses and postcodes of the nine countries (plus UK and US forms), found from the
// tokens without a regex per word: a house number before or after a street-type word
// (12 rue de Rivoli, Via Roma 12, ul. Długa 5/7, 221B Baker Street) or a street-type ending
// (Hauptstraße 5, Keizersgracht 123, Drottninggatan 12), and postcodes followed by a town
// (10115 Berlin, 1012 AB Amsterdam, 00-950 Warszawa, 1100-148 Lisboa, 114 55 Stockholm,
// SW1A 1AA, Springfield, IL 62704).
import * as lexicon_ from "./lexicon.ts";
import * as name_cues_ from "./name-cues.ts";
import type { NameDoc } from "./name-doc.ts";
import * as place_lookup_ from "./place-lookup.ts";
import * as tokens_ from "./tokens.ts";

// Imported bindings can compile to getter calls (tsx loading these files as CommonJS, test
// transforms); the hot loops use module-local copies, read once here.
const { CAP, F_LINE, keyEndsWith, LOWER, MIXED, NUM, UPPER } = tokens_;
const { cueSet } = name_cues_;
const { W_COMMON, W_FIRST, W_SUR } = lexicon_;
const { placeAt } = place_lookup_;

export const STREET = 1;
export const POSTAL = 2;

export interface Piece {
  start: number;
  end: number;
  score: number;
  kind: typeof STREET | typeof POSTAL;
}

/** Type words before the street name that are street words only (rue, calle, ulica). */
const PREFIX_SURE = new Set("rue boulevard bd chemin impasse quai calle avenida avda paseo carrer viale piazza piazzale vicolo strada rua travessa praca alameda ulica ul aleja plac rynek osiedle straat".split(" "));
/** All prefix type words, for the hash test on every token. */
const PREFIX_ANY = cueSet("rue|boulevard|bd|chemin|impasse|quai|calle|avenida|avda|paseo|carrer|viale|piazza|piazzale|vicolo|strada|rua|travessa|praca|alameda|ulica|ul|aleja|plac|rynek|osiedle|straat|avenue|place|route|cours|via|plaza|corso|largo|passage|square|ronda|camino|estrada|allee|al|pl|os|av");
/** Type words that are also ordinary words (via, place, avenue): only with a house number. */
const PREFIX_NUMBER = new Set("avenue place route cours via plaza corso largo passage square ronda camino estrada allee al pl os av".split(" "));
/** Abbreviations that need their dot. */
const NEED_DOT = new Set(["ul", "al", "pl", "os", "av", "bd", "avda"]);
/** Connectors inside a street name (rue de la Paix, Via dei Mille, Rua das Flores). */
const CONNECTORS = cueSet("de|del|della|delle|dei|degli|di|da|das|do|dos|des|du|la|le|les|l|d|y|e|i|van|von|der|den|am|an|im|auf|zum|zur|the|of");
const SUFFIX_WORD_CUES = cueSet("strasse|str|weg|platz|allee|gasse|damm|ufer|chaussee|laan|straat|plein|gatan|vagen");
/** English street types after the name (221B Baker Street, 10 Downing St.). */
const EN_TYPES = new Set("street st road rd avenue ave lane ln drive dr boulevard blvd way close court ct place pl crescent cres terrace square sq highway hwy parkway pkwy row gardens grove mews walk rise hill park".split(" "));
/** Endings of German, Dutch and Swedish street names; the first ones also count without a number. */
const SUFFIX_SURE = ["strasse", "gasse", "allee", "straat", "gracht", "gatan", "vagen"];
const SUFFIX_NUMBER = ["weg", "platz", "damm", "ufer", "chaussee", "steig", "pfad", "markt", "laan", "plein", "kade", "singel", "dijk", "steeg", "gata", "vag", "torget", "backen", "stigen", "platsen", "gasse"];

/** UK postcode areas (the letters before the first digit). */
const UK_AREAS = new Set(
  "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE".split(" "),
);
/** US state codes. */
const US_STATES = new Set(
  "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split(" "),
);

/** Whether text[s, e) is one or more ASCII digits. */
function allDigits(text: string, s: number, e: number): boolean {
  if (e <= s) return false;
  for (let j = s; j < e; j++) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function findAddresses(doc: NameDoc): Piece[] {
  const { t } = doc;
  const out: Piece[] = [];
  for (let i = 0; i < t.n; i++) {
    if (doc.glued(i)) continue;
    const kind = t.kind[i];
    if (kind === NUM) {
      const p = numberFirstStreet(doc, i) ?? postcodeAt(doc, i, out) ?? usZip(doc, i);
      if (p) {
        out.push(p);
        i = tokenAtOrAfter(doc, p.end) - 1;
      }
    } else if (kind === LOWER) {
      if (!PREFIX_ANY.words.has(t.hash[i]!)) continue; // most words: not a street type
      const p = typeFirstStreet(doc, i);
      if (p) {
        out.push(p);
        i = tokenAtOrAfter(doc, p.end) - 1;
      }
    } else if (kind === CAP) {
      const p = (PREFIX_ANY.words.has(t.hash[i]!) ? typeFirstStreet(doc, i) : undefined) ?? suffixStreet(doc, i);
      if (p) {
        out.push(p);
        i = tokenAtOrAfter(doc, p.end) - 1;
      }
    } else if (kind === MIXED || kind === UPPER) {
      const p = ukPostcode(doc, i);
      if (p) {
        out.push(p);
        i = tokenAtOrAfter(doc, p.end) - 1;
      }
    }
  }
  return out;

}

/** The first token starting at or after offset (binary search). */
function tokenAtOrAfter(doc: NameDoc, offset: number): number {
  const { t } = doc;
  let lo = 0;
  let hi = t.n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.start[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(lo, 1);
}

/** A house number at token i: 12, 12a, 221B, 5/7, 12-14. Returns its last token or -1. */
function houseNumber(doc: NameDoc, i: number): number {
  const { t, text } = doc;
  if (i >= t.n || t.kind[i] !== NUM || t.end[i]! - t.start[i]! > 5) return -1;
  // 1-4 digits and at most one ASCII letter (12, 12a, 221B)
  const s = t.start[i]!;
  const e = t.end[i]!;
  let d = s;
  while (d < e && text.charCodeAt(d) >= 48 && text.charCodeAt(d) <= 57) d++;
  if (d === s || d - s > 4) return -1;
  if (d < e) {
    const c = text.charCodeAt(d) | 32;
    if (d !== e - 1 || c < 97 || c > 122) return -1;
  }
  if (doc.glued(i)) {
    // 5/7 is glued by its slash; anything else glued (a path, a version) is not a house number
    let e = t.end[i]!;
    while (e < text.length && !/\s/.test(text[e]!)) e++;
    if (!/^\d{1,4}[a-zA-Z]?([/-]\d{1,4}[a-zA-Z]?)?[,.;)]?$/.test(text.slice(t.start[i]!, e))) return -1;
  }
  const c = text.charCodeAt(t.end[i]!);
  if ((c === 47 || c === 45) && i + 1 < t.n && t.kind[i + 1] === NUM && t.start[i + 1] === t.end[i]! + 1) return i + 1;
  return i;
}

/** The street name after a type word: capitalised words and connectors, ending on a capitalised word. */
function streetName(doc: NameDoc, i: number, allowNumberName: boolean): number {
  const { t } = doc;
  let last = -1;
  let j = i;
  let words = 0;
  while (j < t.n && words < 6) {
    if (j > i && !sameLineSpaced(doc, j)) break;
    const k = t.kind[j];
    if (k === CAP && !doc.glued(j) && !doc.lex.deny.has(t.hash[j]!)) last = j;
    else if (k === UPPER && /^[IVXLC]+$/.test(doc.text.slice(t.start[j]!, t.end[j]!))) last = j; // Via XX Settembre, Corso Vittorio Emanuele II
    else if (k === LOWER && doc.is(j, CONNECTORS)) {
      // a connector must be followed by more name
    } else if (k === NUM && allowNumberName && j + 1 < t.n && doc.is(j + 1, CONNECTORS)) {
      // Rua 25 de Abril, Avenida 5 de Mayo
    } else break;
    j++;
    words++;
  }
  return last;
}

/** Tokens j-1 and j on one line, separated by spaces or an apostrophe (rue d'Alsace) or a dot (St.). */
function sameLineSpaced(doc: NameDoc, j: number): boolean {
  if (doc.spaced(j)) return true;
  const g = doc.gap(j);
  return g === "'" || g === "’" || /^\.[ \t]+$/.test(g);
}

/** "rue de Rivoli 5", "Via Roma 12", "ul. Długa 5/7", "Calle Mayor, 10", optionally "12, rue …" before. */
function typeFirstStreet(doc: NameDoc, i: number): Piece | undefined {
  const { t, text } = doc;
  // a street name follows: a capitalised word or number next, or after one or two connectors
  const k1 = t.kind[i + 1];
  if (k1 !== CAP && k1 !== NUM && !(k1 === LOWER && (t.kind[i + 2] === CAP || t.kind[i + 3] === CAP))) return undefined;
  if (!doc.is(i, PREFIX_ANY)) return undefined;
  const k = doc.key(i);
  const sure = PREFIX_SURE.has(k);
  if (!sure && !PREFIX_NUMBER.has(k)) return undefined;
  const dotted = text.charCodeAt(t.end[i]!) === 46;
  if (NEED_DOT.has(k) && !dotted) return undefined;
  if (i + 1 >= t.n || !sameLineSpaced(doc, i + 1)) return undefined;
  const last = streetName(doc, i + 1, true);
  if (last < 0) return undefined;
  let start = t.start[i]!;
  let end = t.end[last]!;
  let numbered = false;
  // number after: "Via Roma 12", "Calle Mayor, 10"
  if (last + 1 < t.n) {
    const g = doc.gap(last + 1);
    if (/^,?[ \t]*(n[º°o]\.?[ \t]*)?$/.test(g) || /^[ \t]+$/.test(g)) {
      const h = houseNumber(doc, last + 1);
      if (h >= 0) {
        end = t.end[h]!;
        numbered = true;
      }
    }
  }
  // number before: "12 rue de Rivoli", "12, rue …", "3 bis avenue …"
  if (i > 0) {
    let p = i - 1;
    if (p >= 0 && (doc.key(p) === "bis" || doc.key(p) === "ter") && doc.spaced(p + 1)) p--;
    if (p >= 0 && /^,?[ \t]+$/.test(text.slice(t.end[p]!, t.start[p + 1]!))) {
      const h = houseNumber(doc, p);
      if (h === p) {
        start = t.start[p]!;
        numbered = true;
      }
    }
  }
  if (!numbered && !sure) return undefined;
  return { start, end, score: numbered ? 0.8 : 0.5, kind: STREET };
}

/** "221B Baker Street", "10 Downing St." (English: the number first, the type last). */
function numberFirstStreet(doc: NameDoc, i: number): Piece | undefined {
  const { t, text } = doc;
  if (houseNumber(doc, i) !== i) return undefined;
  let j = i + 1;
  let words = 0;
  while (j < t.n && words < 4 && t.kind[j] === CAP && !doc.glued(j) && sameLineSpaced(doc, j)) {
    const k = doc.key(j);
    if (words > 0 && EN_TYPES.has(k)) {
      let end = t.end[j]!;
      if (text.charCodeAt(end) === 46 && k.length <= 4) end++;
      // a direction after (1600 Pennsylvania Avenue NW)
      if (j + 1 < t.n && t.kind[j + 1] === UPPER && doc.spaced(j + 1) && /^(N|S|E|W|NE|NW|SE|SW)$/.test(text.slice(t.start[j + 1]!, t.end[j + 1]!))) end = t.end[j + 1]!;
      return { start: t.start[i]!, end, score: 0.8, kind: STREET };
    }
    if (doc.lex.deny.has(t.hash[j]!)) return undefined;
    words++;
    j++;
  }
  return undefined;
}

/**
 * Whether the last two letters before `e` can end a SUFFIX_SURE word (straße gasse allee straat
 * gracht gatan vägen: -se -ße -ee -at -ht -an -en); `last` is the last letter, lower-cased.
 */
function sureEnding(text: string, e: number, last: number): boolean {
  const p = text.charCodeAt(e - 2);
  const q = p | 32;
  if (last === 101) return q === 115 || q === 101 || p === 0xdf; // e: s, e, ß
  if (last === 116) return q === 97 || q === 104; // t: a, h
  if (last === 110) return q === 97 || q === 101; // n: a, e
  return false;
}

/** "Hauptstraße 5", "Berliner Straße 12a", "Keizersgracht 123", "Drottninggatan 12". */
function suffixStreet(doc: NameDoc, i: number): Piece | undefined {
  const { t, text } = doc;
  if (t.kind[i] !== CAP) return undefined;
  const h = t.hash[i]!;
  const word = doc.is(i, SUFFIX_WORD_CUES);
  if (!word) {
    if (t.end[i]! - t.start[i]! < 6) return undefined;
    // a compound street name ends in one of a few letters, and a house number usually follows
    const lastChar = doc.text.charCodeAt(t.end[i]! - 1) | 32;
    const numberNext = i + 1 < t.n && t.kind[i + 1] === NUM;
    if (!numberNext && !sureEnding(text, t.end[i]!, lastChar)) return undefined;
    if ((doc.lex.word.getOr(h, 0) & (W_COMMON | W_FIRST | W_SUR)) !== 0) return undefined;
  }
  let start = t.start[i]!;
  let sure = false;
  let matched = false;
  if (word) {
    // a separate type word needs a capitalised word before it ("Berliner Straße")
    if (i === 0 || t.kind[i - 1] !== CAP || !doc.spaced(i)) return undefined;
    start = t.start[i - 1]!;
    matched = true;
    const k = doc.key(i);
    sure = k === "strasse" || k === "str" || k === "straat" || k === "gatan";
  } else {
    const s0 = t.start[i]!;
    const e0 = doc.coreEnd(i);
    for (const s of SUFFIX_SURE) {
      if (keyEndsWith(text, s0, e0, s, 3)) {
        matched = true;
        sure = true;
        break;
      }
    }
    const numberNext = i + 1 < t.n && t.kind[i + 1] === NUM;
    if (!matched && numberNext) {
      for (const s of SUFFIX_NUMBER) {
        if (keyEndsWith(text, s0, e0, s, 3)) {
          matched = true;
          break;
        }
      }
    }
    if (!matched && text.charCodeAt(t.end[i]!) === 46 && keyEndsWith(text, s0, e0, "str", 3)) matched = sure = true; // Friedrichstr.
  }
  if (!matched) return undefined;
  let end = t.end[i]!;
  if (text.charCodeAt(end) === 46 && keyEndsWith(text, t.start[i]!, doc.coreEnd(i), "str", 0)) end++;
  let numbered = false;
  if (i + 1 < t.n && /^\.?,?[ \t]+$/.test(text.slice(t.end[i]!, t.start[i + 1]!))) {
    const h = houseNumber(doc, i + 1);
    if (h >= 0) {
      end = t.end[h]!;
      numbered = true;
    }
  }
  if (!numbered && !sure) return undefined;
  return { start, end, score: numbered ? 0.8 : 0.45, kind: STREET };
}

/** Postcodes followed by a town, at NUM token i. `before` holds the pieces found so far (a street before raises unknown towns). */
function postcodeAt(doc: NameDoc, i: number, before: readonly Piece[]): Piece | undefined {
  const { t, text } = doc;
  const len = t.end[i]! - t.start[i]!;
  if (len > 5 || !allDigits(text, t.start[i]!, t.end[i]!)) return usZip(doc, i);
  let last = i; // last token of the postcode
  let distinctive = false; // a shape that is hardly anything else (1012 AB, 00-950, 1100-148)
  if (len === 2 && nextIs(doc, i, 45, 3)) {
    last = i + 1; // PL 00-950
    distinctive = true;
  } else if (len === 4 && nextIs(doc, i, 45, 3)) {
    last = i + 1; // PT 1100-148
    distinctive = true;
  } else if (len === 3 && nextIs(doc, i, 32, 2)) {
    last = i + 1; // SE 114 55
  } else if (len === 4 && i + 1 < t.n && t.kind[i + 1] === UPPER && t.end[i + 1]! - t.start[i + 1]! === 2 && (t.start[i + 1] === t.end[i] || (t.start[i + 1] === t.end[i]! + 1 && text.charCodeAt(t.end[i]!) === 32))) {
    last = i + 1; // NL 1012 AB
    distinctive = true;
  } else if (len !== 5 && len !== 4) return usZip(doc, i);
  // an optional country prefix before: D-10115, F-75008, CH-8001, PL-00-950
  let start = t.start[i]!;
  if (i > 0 && text.charCodeAt(start - 1) === 45 && (t.kind[i - 1] === CAP || t.kind[i - 1] === UPPER) && t.end[i - 1] === start - 1 && t.end[i - 1]! - t.start[i - 1]! <= 2) start = t.start[i - 1]!;
  // the town
  const c = last + 1;
  if (c >= t.n || t.kind[c] !== CAP || doc.glued(c) || !doc.spaced(c)) return undefined;
  const hit = placeAt(doc, c);
  let townEnd: number;
  let known = false;
  if (hit) {
    townEnd = hit.last;
    known = true;
  } else {
    townEnd = c;
    while (townEnd + 1 < t.n && doc.spaced(townEnd + 1) && (t.kind[townEnd + 1] === CAP || (t.kind[townEnd + 1] === LOWER && doc.is(townEnd + 1, CONNECTORS) && townEnd + 2 < t.n && t.kind[townEnd + 2] === CAP)) && townEnd - c < 3) {
      townEnd += t.kind[townEnd + 1] === CAP ? 1 : 2;
    }
    if (doc.lex.common.has(t.hash[c]!) || doc.lex.deny.has(t.hash[c]!)) return undefined;
  }
  const end = t.end[townEnd]!;
  const streetBefore = before.length > 0 && start - before[before.length - 1]!.end <= 3 && /^[\s,]*$/.test(text.slice(before[before.length - 1]!.end, start));
  const blockLine = (t.flags[i]! & F_LINE) !== 0 && /^[ \t]*(\r?\n|$|,)/.test(text.slice(end, end + 3));
  let score: number;
  if (known) score = streetBefore || distinctive ? 0.85 : 0.75;
  else if (distinctive || streetBefore) score = 0.75;
  else if (len === 5 && blockLine) score = 0.55;
  else if (len === 5) score = 0.35;
  else return undefined;
  if (len === 4 && !known && !streetBefore && !distinctive) return undefined;
  return { start, end, score, kind: POSTAL };
}

/** Whether token i+1 is `len` digits right after token i and the one separator code unit `sep`. */
function nextIs(doc: NameDoc, i: number, sep: number, len: number): boolean {
  const { t, text } = doc;
  const j = i + 1;
  return j < t.n && t.kind[j] === NUM && t.start[j] === t.end[i]! + 1 && text.charCodeAt(t.end[i]!) === sep && t.end[j]! - t.start[j]! === len && allDigits(text, t.start[j]!, t.end[j]!);
}

/** "Springfield, IL 62704": a town, a comma, a state code and a ZIP code. */
function usZip(doc: NameDoc, i: number): Piece | undefined {
  const { t, text } = doc;
  if (i < 2 || t.end[i]! - t.start[i]! !== 5 || t.kind[i - 1] !== UPPER || !allDigits(text, t.start[i]!, t.end[i]!)) return undefined;
  let end = t.end[i]!;
  if (text.charCodeAt(end) === 45 && i + 1 < t.n && t.start[i + 1] === end + 1 && t.end[i + 1]! - t.start[i + 1]! === 4 && allDigits(text, t.start[i + 1]!, t.end[i + 1]!)) end = t.end[i + 1]!;
  const st = i - 1;
  if (t.kind[st] !== UPPER || !US_STATES.has(text.slice(t.start[st]!, t.end[st]!)) || !doc.spaced(i)) return undefined;
  if (!/^,[ \t]+$/.test(text.slice(t.end[st - 1]!, t.start[st]!)) || t.kind[st - 1] !== CAP) return undefined;
  let c = st - 1;
  while (c > 0 && t.kind[c - 1] === CAP && doc.spaced(c) && st - c < 3) c--;
  return { start: t.start[c]!, end, score: 0.75, kind: POSTAL };
}

/** UK postcodes: SW1A 1AA, M1 1AE, B33 8TH (area letters checked against the real areas). */
function ukPostcode(doc: NameDoc, i: number): Piece | undefined {
  const { t, text } = doc;
  if (i + 1 >= t.n || t.kind[i + 1] !== NUM || t.end[i]! - t.start[i]! > 4 || !doc.spaced(i + 1)) return undefined;
  const out = text.slice(t.start[i]!, t.end[i]!);
  const m = /^([A-Z]{1,2})\d[A-Z\d]?$/.exec(out);
  if (!m || !UK_AREAS.has(m[1]!)) return undefined;
  const inward = text.slice(t.start[i + 1]!, t.end[i + 1]!);
  if (!/^\d[ABD-HJLNP-UW-Z]{2}$/.test(inward)) return undefined;
  return { start: t.start[i]!, end: t.end[i + 1]!, score: 0.65, kind: POSTAL };
}
