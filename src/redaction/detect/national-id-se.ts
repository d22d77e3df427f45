// Swedish personnummer / samordningsnummer (coordination number: day + 60): YYMMDD, a
// separator ('-', '+' once the holder turns 100), three serial digits and a Luhn check
// over the ten digits; or twelve digits with the century. The date must exist and be past.
// Written with its separator it is distinctive and stands alone; a bare 10- or 12-digit
// run (12 digits look like a YYYYMMDDhhmm timestamp) needs "personnummer" nearby.
import { findDigitRuns, type RunsOf } from "./digit-runs.ts";
import { isPastDate, isolated, luhnValid, pastCentury } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

/** Whether a personnummer is valid; century "19"/"20" or undefined, sep "-", "+" or "". */
export function personnummerValid(century: string | undefined, yymmdd: string, sep: string, serial: string, now: Date = new Date()): boolean {
  if (!luhnValid(yymmdd + serial)) return false;
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  let dd = Number(yymmdd.slice(4, 6));
  if (dd > 60) dd -= 60;
  let year: number;
  if (century !== undefined) {
    if (century !== "18" && century !== "19" && century !== "20") return false;
    if (sep === "+") return false;
    year = Number(century) * 100 + yy;
  } else {
    year = pastCentury(yy, now);
    if (sep === "+") year -= 100;
  }
  return isPastDate(year, mm, dd, now);
}

export function personnummerRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "national-id-se",
    types: ["NATIONAL_ID"],
    context: ["personnummer", "personnumret", "personnr", "pnr", "samordningsnummer", "samordningsnumret", "födelsenummer"],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const start = runs.starts[k]!;
        const e = runs.ends[k]!;
        const len = e - start;
        let sep = "";
        let end = e;
        let digits = text.slice(start, e);
        if ((len === 6 || len === 8) && (text[e] === "-" || text[e] === "+") && runs.starts[k + 1] === e + 1 && runs.ends[k + 1] === e + 5) {
          sep = text[e]!; // 850709-9805, 19850709-9805
          end = e + 5;
          digits += text.slice(e + 1, end);
        } else if (len !== 10 && len !== 12) continue;
        if (!isolated(text, start, end)) continue;
        const century = digits.length === 12 ? digits.slice(0, 2) : undefined;
        const rest = digits.slice(digits.length - 10);
        if (!personnummerValid(century, rest.slice(0, 6), sep, rest.slice(6))) continue;
        const score = sep ? (century ? 0.8 : 0.6) : century ? 0.4 : 0.3;
        emit({ type: "NATIONAL_ID", start, end, score });
      }
    },
  };
}
