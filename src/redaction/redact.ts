// Pipeline stages: redact the prompt before it leaves, and the answer before the app sees
// it, per the actions the policy decided for each PII type (separately for prompts and
// answers). One vault per request: the prompt's pseudonyms are numbered across all its
// messages and given back in the answer. Counts per type go to the audit record; values
// never leave the request.
import { riskRoutes } from "../policy/engine.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import { setBody, type Exchange } from "../pipeline/exchange.ts";
import type { PiiType } from "../policy/schema.ts";
import type { Bytes } from "../providers/types.ts";
import { mapAnswerTexts, mapRequestTexts } from "./body-texts.ts";
import type { ServerSettings } from "../config/server.ts";
import { detector, type Detector } from "./detect/detect.ts";
import { shippedRecognizers } from "./detect/recognizers.ts";
import { answerStreamRewriter, type AnswerStreamRewriter } from "./answer-stream.ts";
import { redactWhole, textRedactor, type TextRedactor } from "./text-redactor.ts";
import { vault, type Vault } from "./vault.ts";

/** What redaction did to one request (kept on the exchange for the answer and the record). */
export interface Redaction {
  vault: Vault;
  prompt: TextRedactor;
  answer: TextRedactor;
  /** Types a block action stopped, in the prompt or the answer. */
  blocked?: { side: "prompt" | "answer"; types: PiiType[] };
}

export interface RedactionSettings {
  detector: Detector;
  /** Minimum detection score per type (server.yaml redaction.thresholds). */
  thresholds?: Partial<Record<PiiType, number>>;
}

/** The detector and thresholds a runtime builds once from server.yaml's redaction settings. */
export function redactionSettings(s: ServerSettings["redaction"]): RedactionSettings {
  const ip = { ignoreLoopback: s.ip.ignore_loopback, ignoreDocumentation: s.ip.ignore_documentation, ignorePrivate: s.ip.ignore_private };
  return { detector: detector(shippedRecognizers({ ip })), thresholds: s.thresholds };
}

const blockedError = (side: "prompt" | "answer", types: PiiType[]) =>
  new CustosError("pii_blocked", `The ${side} contains personal data that policy blocks (${types.join(", ")}); ${side === "prompt" ? "nothing was sent to the model" : "the answer was withheld"}.`);

export function redactPrompt(ex: Exchange, settings: RedactionSettings): Result<true, CustosError> {
  const pii = ex.decision?.obligations?.pii;
  if (!pii) return ok(true);
  const v = vault();
  // Types a risk-aware routing rule asks about are looked for even where policy allows them.
  const routed = ex.teamPolicy ? riskRoutes(ex.teamPolicy).flatMap((r) => r.when) : [];
  const red: Redaction = {
    vault: v,
    prompt: textRedactor(settings.detector, pii.prompt, v, settings.thresholds, routed),
    answer: textRedactor(settings.detector, pii.answer, v, settings.thresholds),
  };
  ex.redaction = red;
  if (!red.prompt.active) return ok(true);
  let blocked: PiiType[] | undefined;
  const json = mapRequestTexts(ex.operation, ex.json, (s) => {
    if (blocked) return s;
    const a = redactWhole(red.prompt, s);
    if (a.blocked) blocked = a.blocked.types;
    return a.text;
  });
  if (blocked) {
    red.blocked = { side: "prompt", types: blocked };
    return err(blockedError("prompt", blocked));
  }
  if (json !== ex.json) setBody(ex, json);
  return ok(true);
}

/** Whether the answer needs rewriting at all (something to detect, or pseudonyms to give back). */
const rewrites = (red: Redaction | undefined): red is Redaction => red !== undefined && (red.answer.active || red.vault.size > 0);

/** A JSON answer as the app will receive it, or pii_blocked in its place. */
export function redactAnswerBody(ex: Exchange, body: Bytes): Result<Bytes, CustosError> {
  const red = ex.redaction;
  if (!rewrites(red)) return ok(body);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return ok(body); // not JSON: not an answer we can read (the provider's own error pages)
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return ok(body);
  let blocked: PiiType[] | undefined;
  const mapped = mapAnswerTexts(ex.operation, json as Record<string, unknown>, (s) => {
    if (blocked) return s;
    const a = redactWhole(red.answer, s);
    if (a.blocked) blocked = a.blocked.types;
    return red.vault.restore(a.text);
  });
  if (blocked) {
    red.blocked = { side: "answer", types: blocked };
    return err(blockedError("answer", blocked));
  }
  return ok(mapped === json ? body : (new TextEncoder().encode(JSON.stringify(mapped)) as Bytes));
}

/** The rewriter for a streamed answer, or undefined when the stream passes untouched. */
export function answerStream(ex: Exchange): AnswerStreamRewriter | undefined {
  const red = ex.redaction;
  return rewrites(red) ? answerStreamRewriter(ex.operation, red.answer, red.vault) : undefined;
}

/** Counts per type for the record: the prompt's on llm.request, the answer's on llm.response. */
export function piiFacts(red: Redaction | undefined, side: "prompt" | "answer"): Record<string, unknown> | undefined {
  if (!red) return undefined;
  const counts = side === "prompt" ? red.prompt.counts : red.answer.counts;
  const out: Record<string, unknown> = {};
  if (Object.keys(counts).length > 0) out.counts = { ...counts };
  if (red.blocked?.side === side) out.blocked = red.blocked.types;
  return Object.keys(out).length > 0 ? out : undefined;
}
