// Data-subject requests (GDPR Art. 15 access, Art. 17 erasure): a person's events found
// through the pseudonym mapping (justified, audited), and crypto-shredding erasure of their
// content keys and mapping, refused while a legal hold covers any of their events.
import type { SubjectLookup } from "../audit/pseudonym.ts";
import { summarize } from "../audit/summary.ts";
import { rfc3339Millis } from "../audit/canonical-json.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import type { AuditEventRow } from "../storage/audit-types.ts";
import type { ComplianceCtx, Operator } from "./context.ts";

export const PSEUDONYM = /^[A-Za-z0-9_-]{16,64}$/;

export interface SubjectQuery {
  email?: string;
  sub?: string;
  /** The issuers to look the subject up under (a subject id is unique per issuer only). */
  issuers: string[];
}

export interface SubjectCall {
  requestId: string;
  at: string;
  team?: string;
  model?: string;
  status?: number;
  events: string[];
}

export interface FoundSubject {
  /** "email", or the issuer the subject was found under. */
  via: string;
  pseudonym: string;
  /** Events found (at most `limit`; `more` when there are more). */
  events: number;
  more: boolean;
  calls: SubjectCall[];
}

/** A justification as entries record it: trimmed, at most 500 characters, required. */
export function justificationOf(text: string | undefined): Result<string, CustosError> {
  const j = (text ?? "").trim();
  if (j.length < 10) return err(new CustosError("invalid_request", "A justification is required (at least 10 characters: the request, ticket or legal basis this access serves).", { param: "justification" }));
  return ok(j.slice(0, 500));
}

function callsOf(events: AuditEventRow[]): SubjectCall[] {
  const byCall = new Map<string, AuditEventRow[]>();
  for (const e of events) {
    const id = e.requestEventId ?? e.eventId;
    byCall.set(id, [...(byCall.get(id) ?? []), e]);
  }
  const out: SubjectCall[] = [];
  for (const [id, evs] of byCall) {
    const s = summarize(id, evs.slice().reverse());
    const first = evs.at(-1)!;
    out.push({ requestId: id, at: rfc3339Millis(first.receivedAt), events: s?.events ?? evs.map((e) => e.type), ...(s?.team ? { team: s.team } : {}), ...(s?.model ? { model: s.model } : {}), ...(s?.status !== undefined ? { status: s.status } : {}) });
  }
  return out;
}

/** Finds a person's pseudonyms and events; the look-up itself is an audit event (who, why, which pseudonyms it revealed — never the email or subject). */
export async function findSubject(ctx: ComplianceCtx, lookups: SubjectLookup, who: Operator, q: SubjectQuery, justification: string, limit = 1000): Promise<FoundSubject[]> {
  const found: { via: string; pseudonym: string }[] = [];
  if (q.email !== undefined && q.email !== "") {
    for (const p of await ctx.storage.audit.findByAlias(await lookups.email(q.email))) found.push({ via: "email", pseudonym: p });
  } else if (q.sub !== undefined && q.sub !== "") {
    for (const iss of q.issuers) {
      const p = await ctx.storage.audit.findPseudonym(await lookups.lookup(iss, q.sub));
      if (p && !found.some((f) => f.pseudonym === p)) found.push({ via: iss, pseudonym: p });
    }
  }
  await ctx.audit.emit(
    { type: "audit.access", fields: { actor: who.actor, access: { kind: "subject_lookup", by: q.email ? "email" : "subject", issuers: q.email ? 0 : q.issuers.length, found: found.map((f) => f.pseudonym), justification } } },
    { urgent: true },
  ).committed;
  const out: FoundSubject[] = [];
  for (const f of found) {
    const events = await ctx.storage.audit.search({ subject: f.pseudonym, limit: limit + 1 });
    const more = events.length > limit;
    const kept = events.slice(0, limit);
    out.push({ ...f, events: kept.length, more, calls: callsOf(kept) });
  }
  return out;
}

export interface Erased {
  pseudonym: string;
  keysDestroyed: number;
}

/**
 * Erases a person: their content keys and pseudonym mapping are destroyed (their content can
 * no longer be read, their events no longer tied to them; the log is unchanged and verifies).
 * Refused, naming the holds, while a legal hold covers any of their events.
 */
export async function eraseSubject(ctx: ComplianceCtx, who: Operator, pseudonym: string, justification: string): Promise<Result<Erased, CustosError>> {
  if (!PSEUDONYM.test(pseudonym)) return err(new CustosError("invalid_request", "subject: a pseudonym (16–64 letters, digits, '-' or '_'), as a subject look-up shows it.", { param: "subject" }));
  await ctx.audit.emit({ type: "erasure.request", fields: { actor: who.actor, erasure: { subject: pseudonym, justification } } }, { urgent: true }).committed;
  const refuse = async (holds: string[]) => {
    await ctx.audit.emit({ type: "erasure.refused", fields: { actor: who.actor, erasure: { subject: pseudonym, holds } } }, { urgent: true }).committed;
    return err(new CustosError("legal_hold", `Legal hold ${holds.join(", ")} covers this person's events: erasure is deferred until it is released (GDPR Art. 17(3)(e)).`));
  };
  const holds = await ctx.storage.compliance.holdsOnSubject(pseudonym);
  if (holds.length > 0) return refuse(holds);
  let destroyed: number;
  try {
    destroyed = await ctx.storage.audit.eraseSubject(pseudonym);
  } catch (e) {
    // A hold placed between the check and the erasure: the database refused, naming it.
    const m = /legal hold (.+) covers/.exec(e instanceof Error ? e.message : "");
    if (m) return refuse(m[1]!.split(", "));
    throw e;
  }
  await ctx.audit.emit({ type: "erasure.completed", fields: { actor: who.actor, erasure: { subject: pseudonym, keys_destroyed: destroyed, mapping_destroyed: true } } }, { urgent: true }).committed;
  return ok({ pseudonym, keysDestroyed: destroyed });
}
