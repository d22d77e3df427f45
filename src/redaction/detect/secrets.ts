// API_KEY: credentials recognised by their issuer's format (OpenAI, Anthropic, AWS, GitHub,
// Slack, Stripe, Google, GitLab, SendGrid, Twilio, Hugging Face, npm, Groq, xAI), JWTs, PEM
// private-key blocks, "Bearer <token>", and values given to a secret-named key (see
// secret-assignments.ts). Patterns follow secretlint's recommended rules. Keys are found as
// runs of 15+ token characters (runs.ts); each run's start is checked against the rules.
// Placeholders (sk-xxxx…, ${TOKEN}) are not reported.
import { isWordChar } from "./chars.ts";
import { looksRandom, notPlaceholder } from "./randomness.ts";
import { ALNUM, charTable, forEachRun } from "./runs.ts";
import { assignmentFinder } from "./secret-assignments.ts";
import type { Candidate, Recognizer } from "./types.ts";

interface Rule {
  /** The rule is tried on runs starting with one of these. */
  prefixes: readonly string[];
  /** Anchored (sticky) pattern for the whole key. */
  re: RegExp;
  score: number;
  /** The variable part must look machine-generated (letters and digits, entropy). */
  random?: boolean;
}

const rules = (): Rule[] => [
  { prefixes: ["sk-ant-"], re: /sk-ant-(?:api|admin|sid)\d\d-[A-Za-z0-9_-]{32,200}/y, score: 0.95 },
  { prefixes: ["sk-"], re: /sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,200}/y, score: 0.9, random: true },
  { prefixes: ["AKIA", "ASIA"], re: /A(?:KIA|SIA)[A-Z2-7]{16}/y, score: 0.95 },
  { prefixes: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], re: /gh[pousr]_[A-Za-z0-9]{36,251}/y, score: 0.95 },
  { prefixes: ["github_pat_"], re: /github_pat_[A-Za-z0-9_]{22,255}/y, score: 0.95 },
  { prefixes: ["xox"], re: /xox[abposr]-[A-Za-z0-9-]{10,250}/y, score: 0.95, random: true },
  { prefixes: ["sk_live_", "rk_live_", "pk_live_"], re: /[spr]k_live_[A-Za-z0-9]{16,247}/y, score: 0.95 },
  { prefixes: ["sk_test_", "rk_test_", "pk_test_"], re: /[spr]k_test_[A-Za-z0-9]{16,247}/y, score: 0.9 },
  { prefixes: ["AIza"], re: /AIza[A-Za-z0-9_-]{35}/y, score: 0.95 },
  { prefixes: ["glpat-"], re: /glpat-[A-Za-z0-9_-]{20,}/y, score: 0.95 },
  { prefixes: ["SG."], re: /SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/y, score: 0.95 },
  { prefixes: ["SK"], re: /SK[0-9a-f]{32}/y, score: 0.85 },
  { prefixes: ["hf_"], re: /hf_[A-Za-z0-9]{34}/y, score: 0.9, random: true },
  { prefixes: ["npm_"], re: /npm_[A-Za-z0-9]{36}/y, score: 0.95 },
  { prefixes: ["gsk_"], re: /gsk_[A-Za-z0-9]{48,52}/y, score: 0.95 },
  { prefixes: ["xai-"], re: /xai-[A-Za-z0-9]{70,90}/y, score: 0.95 },
  { prefixes: ["eyJ"], re: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/y, score: 0.95 },
];

/** Characters of the keys above; '=', '/', '+' and ':' end a run, so "key=sk-…" starts one at "sk-". */
const KEY_CHARS = charTable(ALNUM + "_-.");
const MIN_KEY = 15;
const BEARER = /[A-Za-z0-9._~+/-]{16,}=*/y;
const PEM_HEADER = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;
/** How far a PEM block may run before its END line is given up on. */
const PEM_MAX = 65_536;
const PEM_SCORE = 0.95;
const BEARER_SCORE = 0.9;

type Emit = (c: Candidate) => void;

export function secretsRecognizer(): Recognizer {
  const all = rules();
  // The rules to try for a run, by its first character.
  const byFirst = new Map<number, Rule[]>();
  for (const r of all) {
    for (const first of new Set(r.prefixes.map((p) => p.charCodeAt(0)))) byFirst.set(first, [...(byFirst.get(first) ?? []), r]);
  }
  const bearer = new RegExp(BEARER.source, "y");
  const pemHeader = new RegExp(PEM_HEADER.source, "y");
  const findAssignments = assignmentFinder();
  return {
    name: "secrets",
    types: ["API_KEY"],
    find(text, emit) {
      forEachRun(text, MIN_KEY, KEY_CHARS, (s) => {
        if (s > 0 && isWordChar(text.charCodeAt(s - 1))) return;
        const candidates = byFirst.get(text.charCodeAt(s));
        if (candidates && matchRules(text, s, candidates, emit)) return;
        if (afterBearer(text, s)) {
          // "Bearer <token>": the token may go on with '/', '+', '~' and '=' padding.
          bearer.lastIndex = s;
          const m = bearer.exec(text);
          const end = bearer.lastIndex;
          if (m !== null && (end === text.length || !isWordChar(text.charCodeAt(end))) && looksRandom(text, s, end, false)) {
            emit({ type: "API_KEY", start: s, end, score: BEARER_SCORE });
          }
        }
      });
      const endLines = { from: -1, at: -1 };
      for (let i = text.indexOf("-----BEGIN "); i !== -1; ) {
        const end = pemEnd(text, i, pemHeader, endLines);
        if (end !== -1) emit({ type: "API_KEY", start: i, end, score: PEM_SCORE });
        i = text.indexOf("-----BEGIN ", end !== -1 ? end : i + 11);
      }
      findAssignments(text, emit);
    },
  };
}

/** Whether a key with an issuer prefix this recognizer knows starts at i (the entropy recognizer leaves those to it). */
export function hasKnownPrefix(text: string, i: number): boolean {
  for (const p of KNOWN_PREFIXES) if (text.startsWith(p, i)) return true;
  return false;
}
const KNOWN_PREFIXES = [...new Set(rules().flatMap((r) => r.prefixes))];

/** Whether "Bearer" (or "bearer") and blanks come right before i. */
function afterBearer(text: string, i: number): boolean {
  let j = i;
  while (j > 0 && i - j < 4 && (text.charCodeAt(j - 1) === 32 || text.charCodeAt(j - 1) === 9)) j--;
  if (j === i || j < 6) return false;
  const b = text.charCodeAt(j - 6);
  return (b === 66 || b === 98) && text.startsWith("earer", j - 5) && (j === 6 || !isWordChar(text.charCodeAt(j - 7)));
}

/** Tries the rules at `at`; emits the first that matches and says whether one did. */
function matchRules(text: string, at: number, candidates: Rule[], emit: Emit): boolean {
  for (const rule of candidates) {
    const prefix = rule.prefixes.find((p) => text.startsWith(p, at));
    if (prefix === undefined) continue;
    rule.re.lastIndex = at;
    const m = rule.re.exec(text);
    if (m === null) continue;
    const end = at + m[0].length;
    if (end < text.length && isWordChar(text.charCodeAt(end))) continue;
    const bodyStart = at + prefix.length;
    if (!notPlaceholder(text, bodyStart, end)) continue;
    if (rule.random && !looksRandom(text, bodyStart, end, false)) continue;
    emit({ type: "API_KEY", start: at, end, score: rule.score });
    return true;
  }
  return false;
}

/**
 * The end of a PEM private-key block starting at `at` (through its END line), or -1.
 * `endLines` remembers the last search for an END line, so many BEGIN lines without one
 * do not each search the rest of the text again.
 */
function pemEnd(text: string, at: number, header: RegExp, endLines: { from: number; at: number }): number {
  header.lastIndex = at;
  const h = header.exec(text);
  if (h === null) return -1;
  const bodyStart = at + h[0].length;
  if (endLines.from === -1 || bodyStart < endLines.from || (endLines.at !== -1 && endLines.at < bodyStart)) {
    endLines.from = bodyStart;
    endLines.at = text.indexOf("-----END ", bodyStart);
  }
  const endLine = endLines.at;
  if (endLine !== -1 && endLine - bodyStart <= PEM_MAX) {
    const close = text.indexOf("-----", endLine + 9);
    return close !== -1 && close - endLine < 80 ? close + 5 : endLine + 9;
  }
  // No END line (cut off): the block runs over base64 and line breaks, literal "\n" included.
  let i = bodyStart;
  let last = bodyStart;
  while (i < text.length && i - bodyStart <= PEM_MAX) {
    const c = text.charCodeAt(i);
    if (isWordChar(c) || c === 43 || c === 47 || c === 61) last = ++i;
    else if (c === 10 || c === 13 || c === 32 || c === 9 || c === 58 || c === 44 || c === 45) i++;
    else if (c === 92 && (text.charCodeAt(i + 1) === 110 || text.charCodeAt(i + 1) === 114)) i += 2;
    else break;
  }
  return last > bodyStart ? last : -1;
}
