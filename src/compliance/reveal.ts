// Content reveal (reference §4.2): decrypting a call's stored prompt or answer (audit level
// `encrypted`) takes the auditor_content role and a typed justification, and, where the
// server says so, a second person's approval. Every request, approval and reveal is an
// audit event; shredded or erased content shows as such, never as an error.
import type { ContentSealer } from "../audit/content.ts";
import { base64url } from "../crypto/hashing.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import type { RevealRequest } from "../storage/compliance-types.ts";
import type { ComplianceCtx, Operator } from "./context.ts";

/** An approved request may be used this long after its approval. */
export const APPROVAL_VALID_MS = 60 * 60_000;

export interface RevealedPart {
  part: string;
  /** revealed: text holds it; shredded: its key was destroyed (erasure or retention); absent: nothing was stored. */
  state: "revealed" | "shredded";
  text?: string;
}

export interface RevealOptions {
  approval: "none" | "second_person";
  /** With second_person: the approved request this reveal uses. */
  requestId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const unknownEvent = (id: string) => err(new CustosError("not_found", `There is no audit event ${id.slice(0, 40)}.`));
const newRequestId = () => `rev_${base64url(crypto.getRandomValues(new Uint8Array(12)))}`;

/** Asks for a reveal that a second person must approve; recorded. */
export async function requestReveal(ctx: ComplianceCtx, who: Operator, eventId: string, justification: string): Promise<Result<RevealRequest, CustosError>> {
  if (!UUID.test(eventId) || !(await ctx.storage.audit.event(eventId))) return unknownEvent(eventId);
  const r = await ctx.storage.compliance.createRevealRequest({ id: newRequestId(), eventId, requestedBy: who.by, justification });
  await ctx.audit.emit({ type: "audit.access", fields: { actor: who.actor, access: { kind: "reveal_request", event_id: eventId, request: r.id, justification } } }, { urgent: true }).committed;
  return ok(r);
}

/** A second person approves a pending request (never the requester themself). */
export async function approveReveal(ctx: ComplianceCtx, who: Operator, requestId: string): Promise<Result<RevealRequest, CustosError>> {
  const r = await ctx.storage.compliance.revealRequest(requestId);
  if (!r) return err(new CustosError("not_found", `There is no reveal request ${requestId.slice(0, 80)}.`));
  if (r.requestedBy === who.by) return err(new CustosError("forbidden", "A reveal must be approved by a second person, not by whoever asked for it."));
  if (!(await ctx.storage.compliance.approveRevealRequest(requestId, who.by))) return err(new CustosError("conflict", `Reveal request ${requestId} was approved already.`));
  await ctx.audit.emit({ type: "audit.access", fields: { actor: who.actor, access: { kind: "reveal_approve", event_id: r.eventId, request: r.id } } }, { urgent: true }).committed;
  return ok((await ctx.storage.compliance.revealRequest(requestId))!);
}

/** Decrypts an event's stored content for the operator. */
export async function revealContent(ctx: ComplianceCtx, sealer: ContentSealer, who: Operator, eventId: string, justification: string, o: RevealOptions): Promise<Result<RevealedPart[], CustosError>> {
  if (!UUID.test(eventId) || !(await ctx.storage.audit.event(eventId))) return unknownEvent(eventId);
  let request: RevealRequest | undefined;
  if (o.approval === "second_person") {
    request = o.requestId ? await ctx.storage.compliance.revealRequest(o.requestId) : undefined;
    const usable = request && request.eventId === eventId && request.requestedBy === who.by && request.approval && ctx.now() - request.approval.at.getTime() <= APPROVAL_VALID_MS;
    if (!usable) return err(new CustosError("approval_required", "Revealing content here needs a second person's approval: ask for it (a reveal request), have another auditor_content approve it, then reveal within an hour of the approval.", { param: "request_id" }));
  }
  const rows = await ctx.storage.audit.content(eventId);
  const parts: RevealedPart[] = [];
  for (const row of rows) {
    const plain = await sealer.open(row.jwe).catch(() => undefined);
    parts.push(plain === undefined ? { part: row.part, state: "shredded" } : { part: row.part, state: "revealed", text: new TextDecoder().decode(plain) });
  }
  const access: Record<string, unknown> = { kind: "content_reveal", event_id: eventId, parts: parts.map((p) => `${p.part}:${p.state}`), justification };
  if (request) access.request = request.id;
  await ctx.audit.emit({ type: "audit.access", fields: { actor: who.actor, access } }, { urgent: true }).committed;
  return ok(parts);
}
