// PERSON and LOCATION recognizers (no model): gazetteers of names and places of the nine
// languages plus cues around capitalised words. Both share one tokenization per text.
import { findLocations } from "./location.ts";
import { type NameDoc, nameDoc } from "./name-doc.ts";
import { findPersons } from "./person.ts";
import type { Recognizer } from "./types.ts";

/** Texts with no capital letter outside ASCII punctuation cannot hold a name. */
function mayHoldNames(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0x24f) || (c >= 0x370 && c < 0x530)) return true;
  }
  return false;
}

/** The two recognizers; the PERSON and LOCATION passes on one text tokenize it once. */
export function nameRecognizers(): Recognizer[] {
  let lastText: string | undefined;
  let lastDoc: NameDoc | undefined;
  const docFor = (text: string): NameDoc => {
    if (lastText !== text || !lastDoc) {
      lastDoc = nameDoc(text);
      lastText = text;
    }
    return lastDoc;
  };
  const person: Recognizer = {
    name: "person",
    types: ["PERSON"],
    find(text, emit) {
      if (!mayHoldNames(text)) return;
      findPersons(docFor(text), (start, end, score) => emit({ type: "PERSON", start, end, score }));
    },
  };
  const location: Recognizer = {
    name: "location",
    types: ["LOCATION"],
    find(text, emit) {
      if (!mayHoldNames(text)) return;
      findLocations(docFor(text), (start, end, score) => emit({ type: "LOCATION", start, end, score }));
      lastText = undefined; // the two passes are done: do not keep the text alive
      lastDoc = undefined;
    },
  };
  return [person, location];
}

export const NAMES: Recognizer[] = nameRecognizers();
