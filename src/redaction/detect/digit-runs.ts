// The maximal runs of ASCII digits in a text, found once and shared by the identifier
// recognizers (and the IBAN recognizer): every identifier contains digits, so each recognizer
// looks only at the runs (checking lengths and the characters around them, then a sticky
// regex at a run where the shape fits) instead of scanning the whole text with a regex of its
// own. Twenty scans of a 4 KB prompt become one.
//
// Sharing goes through a cache of the last text's runs that identifierRecognizers() builds
// for the recognizers it returns, or that shippedRecognizers() builds for those and the IBAN
// recognizer (the detector calls each of them on one text in turn), so the cache belongs to
// that list, not to this module; keyed by the text itself, it is never stale. A recognizer
// built alone finds the runs itself.

export interface DigitRuns {
  readonly text: string;
  /** Start (inclusive) and end (exclusive) of run k: starts[k], ends[k], k < count. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly count: number;
}

/** How a recognizer gets a text's digit runs. */
export type RunsOf = (text: string) => DigitRuns;

/**
 * A RunsOf that keeps the last text's runs, for recognizers that run on the same text in turn.
 * Its arrays are reused from text to text (a typed array of more than a few dozen bytes is
 * allocated outside the heap, which costs more than finding a short prompt's runs), so the
 * runs of a text are valid until the cache is asked for another text's.
 */
export function digitRunsCache(): RunsOf {
  let last: DigitRuns | undefined;
  const scratch: Scratch = { starts: new Int32Array(64), ends: new Int32Array(64) };
  return (text) => {
    if (last === undefined || last.text !== text) last = findDigitRuns(text, scratch);
    return last;
  };
}

/** Arrays findDigitRuns() may fill (and replaces with larger ones when they are too small). */
interface Scratch {
  starts: Int32Array;
  ends: Int32Array;
}

/** Finds the first digit of each run (a regex skips the text between runs fastest). */
const DIGIT = /\d/g;

export function findDigitRuns(text: string, scratch?: Scratch): DigitRuns {
  let starts: Int32Array = scratch?.starts ?? new Int32Array(16);
  let ends: Int32Array = scratch?.ends ?? new Int32Array(16);
  let count = 0;
  const n = text.length;
  DIGIT.lastIndex = 0;
  while (DIGIT.test(text)) {
    const s = DIGIT.lastIndex - 1;
    let i = s + 1;
    while (i < n && ((text.charCodeAt(i) - 48) >>> 0) < 10) i++;
    if (count === starts.length) {
      starts = grow(starts);
      ends = grow(ends);
    }
    starts[count] = s;
    ends[count] = i;
    count++;
    DIGIT.lastIndex = i;
  }
  if (scratch !== undefined) {
    scratch.starts = starts;
    scratch.ends = ends;
  }
  return { text, starts, ends, count };
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Whether runs k, k+1, … have the given lengths and are each separated by exactly one
 * character from `seps`, the same one throughout. Returns that separator ("" for a single
 * run), or undefined.
 */
export function groupsAt(runs: DigitRuns, k: number, lengths: readonly number[], seps: string): string | undefined {
  if (k + lengths.length > runs.count) return undefined;
  let sep = "";
  for (let g = 0; g < lengths.length; g++) {
    const s = runs.starts[k + g]!;
    if (runs.ends[k + g]! - s !== lengths[g]) return undefined;
    if (g === 0) continue;
    const prevEnd = runs.ends[k + g - 1]!;
    if (s !== prevEnd + 1) return undefined;
    const ch = runs.text[prevEnd]!;
    if (g === 1) {
      if (!seps.includes(ch)) return undefined;
      sep = ch;
    } else if (ch !== sep) return undefined;
  }
  return sep;
}
