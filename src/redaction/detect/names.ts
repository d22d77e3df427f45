// PERSON and LOCATION recognizers (no model): gazetteers of names and places of the nine
// languages plus cues around capitalised words. Both share one tokenization per text.
import { findLocations } from "./location.ts";
import { type NameDoc, nameDoc } from "./name-doc.ts";
import { findPersons } from "./person.ts";
import { TokenBuffer } from "./tokens.ts";
import type { Candidate, Recognizer } from "./types.ts";

/** Texts with no capital letter outside ASCII punctuation cannot hold a name. */
function mayHoldNames(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0x24f) || (c >= 0x370 && c < 0x530)) return true;
  }
  return false;
}

/**
 * The two recognizers of one instance; the PERSON and LOCATION passes on one text tokenize it
 * once. The pair shares its cache (the last text and its tokens, in a token buffer reused from
 * text to text); nothing is shared between instances, and there is no module-level state.
 */
export function nameRecognizers(): Recognizer[] {
  const shared = new Shared();
  const person: Recognizer = {
    name: "person",
    types: ["PERSON"],
    find(text, emit) {
      const doc = shared.docFor(text, 1);
      if (doc) findPersons(doc, (start, end, score) => emit({ type: "PERSON", start, end, score } satisfies Candidate));
    },
  };
  const location: Recognizer = {
    name: "location",
    types: ["LOCATION"],
    find(text, emit) {
      const doc = shared.docFor(text, 2);
      if (doc) findLocations(doc, (start, end, score) => emit({ type: "LOCATION", start, end, score } satisfies Candidate));
    },
  };
  return [person, location];
}

/** One instance's cache: the doc of the last text, kept until both passes have used it. */
class Shared {
  private readonly buffer = new TokenBuffer();
  private text: string | undefined;
  private doc: NameDoc | undefined;
  /** Which passes (1 person, 2 location) have used the cached doc. */
  private used = 0;

  docFor(text: string, pass: number): NameDoc | undefined {
    if (this.text !== text || (this.used & pass) !== 0) {
      // a new text, or the same text again for the same pass (a new request): start over
      this.text = text;
      this.used = 0;
      this.doc = mayHoldNames(text) ? nameDoc(text, this.buffer) : undefined;
    }
    this.used |= pass;
    const doc = this.doc;
    if (this.used === 3) {
      // both passes are done: do not keep the text alive
      this.text = undefined;
      this.doc = undefined;
      this.used = 0;
    }
    return doc;
  }
}

export const NAMES: Recognizer[] = nameRecognizers();
