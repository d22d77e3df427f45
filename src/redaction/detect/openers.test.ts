// The words a sentence opens with are never the start of a name or a place: the detector
// leaves them out of PERSON and LOCATION spans (what lets a stream emit them at once).
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { afterLeadingOpener, isOpener } from "./openers.ts";
import { shippedRecognizers } from "./recognizers.ts";

const d = detector(shippedRecognizers());
const found = (text: string) => d.detect(text).map((s) => `${s.type} ${text.slice(s.start, s.end)}`);

describe("openers", () => {
  it("recognises opener words in any case, with a trailing , ! : ;", () => {
    for (const w of ["Sure", "sure", "SURE", "Hello,", "Voici", "Gerne!", "Oczywiście", "Här", "I’m"]) expect(isOpener(w), w).toBe(true);
    for (const w of ["Anna", "Sure.", "Le", "San", "New", "St", "Surely", "", "Hello,,"]) expect(isOpener(w), w).toBe(false);
  });

  it("moves a span's start past a leading opener and the space after it", () => {
    const t = "Certainly van der Berg";
    expect(afterLeadingOpener(t, 0, t.length)).toBe(10);
    expect(afterLeadingOpener(t, 10, t.length)).toBe(10);
    expect(afterLeadingOpener("Sure", 0, 4)).toBe(4); // nothing left: the span was only the opener
  });

  it("keeps openers out of names and places the detector finds", () => {
    expect(found("Certainly van der Berg will call.")).toEqual(["PERSON van der Berg"]);
    expect(found("Der Anna Schmidt gehört das Auto.")).toEqual(["PERSON Anna Schmidt"]);
    expect(found("Please Straße 5, 10115 Berlin")).not.toContainEqual(expect.stringContaining("Please"));
    // articles places and names start with are not openers
    expect(found("Wir fliegen nach Los Angeles und San Francisco.").join(" ")).toContain("Los Angeles");
  });
});
