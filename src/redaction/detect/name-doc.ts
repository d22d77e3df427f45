// What the PERSON and LOCATION recognizers share about one text: its tokens, folded keys
// (computed on demand and cached), the gaps between tokens, phrase look-ups before a token,
// the parts of e-mail local parts in the text, and whether the text reads as German.
import type { Lexicon } from "./lexicon.ts";
import * as lexicon_ from "./lexicon.ts";
import type { Cues } from "./name-cues.ts";
import type { HashSet, TokenBuffer, Tokens } from "./tokens.ts";
import * as tokens_ from "./tokens.ts";

// Imported bindings can compile to getter calls (tsx loading these files as CommonJS, test
// transforms); the hot loops use module-local copies, read once here.
const { CAP, F_GLUED, foldRange, HASH_SEED, hashRange, NUM, onlySpaces, PHRASE_SEED, phraseStep, tokenize, wordHash } = tokens_;
const { lexicon } = lexicon_;

export interface NameDoc {
  readonly text: string;
  readonly t: Tokens;
  readonly lex: Lexicon;
  /** Folded key of token i (a possessive 's is left out). */
  key(i: number): string;
  /** End of token i without a possessive 's (Anna's → Anna). */
  coreEnd(i: number): number;
  isCap(i: number): boolean;
  glued(i: number): boolean;
  /** Text between token i-1 and token i (the text before token 0 for i = 0). */
  gap(i: number): string;
  /** Whether only spaces/tabs separate token i-1 and token i. */
  spaced(i: number): boolean;
  /** Whether token i is one of the (one-word) cues; a hash test first, the key only on a hit. */
  is(i: number, cues: Cues): boolean;
  /**
   * The number of words of a phrase in `cues` that ends with token `last`, the words separated
   * by spaces only; 0 if none.
   */
  phraseEndingAt(last: number, cues: Cues): number;
  /**
   * Word hashes of the alphabetic parts of every e-mail local part in the text (anna.berg@ →
   * anna, berg) and of every stretch of four letters or more inside one (jnowak@ → nowak).
   */
  emailParts(): HashSet;
  /** Whether the text reads as German (so a capitalised word is usually a noun). */
  german(): boolean;
}

export function nameDoc(text: string, into?: TokenBuffer): NameDoc {
  return new Doc(text, tokenize(text, into));
}

/** A class, not an object of closures: nothing is built per text but the record itself. */
class Doc implements NameDoc {
  readonly lex: Lexicon = lexicon();
  private keys: Map<number, string> | undefined;
  private parts: HashSet | undefined;
  private isGerman: boolean | undefined;

  constructor(
    readonly text: string,
    readonly t: Tokens,
  ) {}

  coreEnd(i: number): number {
    const t = this.t;
    const e = t.end[i]!;
    if (e - t.start[i]! > 3 && this.text.charCodeAt(e - 1) === 115) {
      const a = this.text.charCodeAt(e - 2);
      if (a === 39 || a === 0x2019) return e - 2;
    }
    return e;
  }

  key(i: number): string {
    const keys = (this.keys ??= new Map());
    let k = keys.get(i);
    if (k === undefined) {
      k = foldRange(this.text, this.t.start[i]!, this.coreEnd(i));
      keys.set(i, k);
    }
    return k;
  }

  isCap(i: number): boolean {
    return this.t.kind[i] === CAP;
  }

  glued(i: number): boolean {
    return (this.t.flags[i]! & F_GLUED) !== 0;
  }

  gap(i: number): string {
    const t = this.t;
    return i <= 0 ? this.text.slice(0, t.n > 0 ? t.start[0]! : 0) : this.text.slice(t.end[i - 1]!, t.start[i]!);
  }

  spaced(i: number): boolean {
    return i > 0 && onlySpaces(this.text, this.t.end[i - 1]!, this.t.start[i]!);
  }

  is(i: number, cues: Cues): boolean {
    return i >= 0 && i < this.t.n && cues.words.has(this.t.hash[i]!);
  }

  phraseEndingAt(last: number, cues: Cues): number {
    const t = this.t;
    if (last < 0 || last >= t.n || !cues.last.has(t.hash[last]!)) return 0;
    let best = cues.phrases.has(phraseStep(PHRASE_SEED, t.hash[last]!)) ? 1 : 0;
    for (let w = 2; w <= cues.maxWords && last - w + 1 >= 0; w++) {
      const j = last - w + 1;
      if (!this.spaced(j + 1) || t.kind[j] === NUM) break;
      let ph = PHRASE_SEED;
      for (let k = j; k <= last; k++) ph = phraseStep(ph, t.hash[k]!);
      if (cues.phrases.has(ph)) best = w;
    }
    return best;
  }

  emailParts(): HashSet {
    if (this.parts) return this.parts;
    const text = this.text;
    let at = text.indexOf("@");
    if (at < 0) return (this.parts = NO_PARTS);
    const parts = (this.parts = new tokens_.SmallSet());
    while (at > 0) {
      let s = at;
      while (s > 0 && at - s < 64 && isLocalChar(text.charCodeAt(s - 1))) s--;
      // alphabetic runs of the local part
      let r = s;
      for (let j = s; j <= at; j++) {
        const c = j < at ? text.charCodeAt(j) | 32 : 0;
        if (c >= 97 && c <= 122) continue;
        if (j - r >= 2) {
          parts.add(hashRange(text, r, j));
          // every stretch of four letters or more, hashed incrementally (ASCII letters only here)
          for (let a = r; a + 4 <= j; a++) {
            let h = HASH_SEED;
            for (let b = a; b < j; b++) {
              h = Math.imul(h ^ (text.charCodeAt(b) | 32), 16777619);
              if (b + 1 - a >= 4 && (a > r || b + 1 < j)) parts.add(h & 0x3fffffff);
            }
          }
        }
        r = j + 1;
      }
      at = text.indexOf("@", at + 1);
    }
    return parts;
  }

  german(): boolean {
    // at least 3 German function words, and at least one in 25 words
    this.isGerman ??= this.t.germanWords >= 3 && this.t.germanWords * 25 >= this.t.n;
    return this.isGerman;
  }
}

const NO_PARTS: HashSet = new tokens_.SmallSet();

const isLocalChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 45 || c === 43;

/** Whether a name word occurs in an e-mail local part of the text (jan.nowak@, jnowak@). */
export function inEmail(doc: NameDoc, word: string): boolean {
  return word.length >= 3 && doc.emailParts().has(wordHash(word));
}
