// Pipeline stages: redact the prompt before it leaves, and the answer before the app
// sees it. The walking skeleton passes both through unchanged; the redaction issue
// implements detection, masking and placeholder restoration behind the same signatures.
import type { CustosError } from "../errors/errors.ts";
import { ok, type Result } from "../errors/result.ts";
import type { Exchange } from "../pipeline/exchange.ts";
import type { Bytes } from "../providers/types.ts";

export interface RedactionSummary {
  /** Detected entities by PII type (EMAIL, PHONE, …). */
  counts: Record<string, number>;
}

export function redactPrompt(_ex: Exchange): Result<RedactionSummary, CustosError> {
  return ok({ counts: {} });
}

/** The answer stream as the app will receive it. */
export function redactAnswerStream(_ex: Exchange, stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return stream;
}

export function redactAnswerBody(_ex: Exchange, body: Bytes): Bytes {
  return body;
}
