// The whole corpus as fixture lines: each language's records, numbered in order
// (de-001, de-002, …), with pii_free and names_source derived from the spans.
import type { Entry } from "./dsl.ts";
import type { FixtureLine, Lang } from "./fixture.ts";
import { de } from "./de.ts";
import { en } from "./en.ts";
import { es } from "./es.ts";
import { fr } from "./fr.ts";
import { it } from "./it.ts";
import { nl } from "./nl.ts";
import { pl } from "./pl.ts";
import { pt } from "./pt.ts";
import { sv } from "./sv.ts";

export const RECORDS: Readonly<Record<Lang, readonly Entry[]>> = { en, de, fr, es, it, nl, pl, pt, sv };

/** What names_source says for lines with PERSON or LOCATION spans (README.md explains it). */
export const NAMES_SOURCE = "handwritten";

export function corpusLines(lang: Lang): FixtureLine[] {
  return RECORDS[lang].map(([kind, draft], i) => {
    const named = draft.spans.some((s) => s.type === "PERSON" || s.type === "LOCATION");
    const line: FixtureLine = {
      id: `${lang}-${String(i + 1).padStart(3, "0")}`,
      lang,
      kind,
      text: draft.text,
      spans: draft.spans,
      pii_free: draft.spans.length === 0,
      names_source: named ? NAMES_SOURCE : "none",
    };
    if (draft.decoys.length > 0) line.decoys = draft.decoys;
    return line;
  });
}

/** A language's .jsonl body, exactly as the generator writes it. */
export const jsonl = (lines: readonly FixtureLine[]) => lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
