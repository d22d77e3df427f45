// Suspending and resuming endpoints, models and teams (the kill switch): the one place these
// operations live, used by the CLI (directly on the database) and by /api/admin/suspensions.
// Every change is an audit event (routing.suspend / routing.resume); a suspension that was
// already in force, or a resume of nothing, changes nothing and writes none.
import type { AuditSink } from "../audit/writer.ts";
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import { TEAM_NAME } from "../identity/key-admin.ts";
import { SUSPENSION_KINDS, type Storage, type SuspensionKind, type SuspensionRecord } from "../storage/types.ts";

export interface SuspensionAudit {
  audit: AuditSink;
  /** The actor as entries record it (pseudonym, issuer, credential kind; the OS user from the CLI). */
  actor: Record<string, unknown>;
}

export interface SuspendInput {
  kind: SuspensionKind;
  name: string;
  reason?: string;
  /** Who, as the operator named themselves (--by, the OS user, or the API caller's pseudonym). */
  by: string;
}

// Endpoint and model names may hold '/', ':' or '@' (catalogue ids, provider model names);
// no control characters, so a name prints and logs as one line.
const TARGET_NAME = /^[^\p{Cc}\s][^\p{Cc}]{0,199}$/u;
const ONE_LINE = /^[^\p{Cc}]*$/u;

const invalid = (message: string, param: string) => err(new CustosError("invalid_request", message, { param }));

/** Checks a target as given (CLI flags or an API body); the error names the field. */
export function checkTarget(kind: string, name: string): Result<{ kind: SuspensionKind; name: string }, CustosError> {
  if (!(SUSPENSION_KINDS as readonly string[]).includes(kind)) return invalid(`kind must be one of ${SUSPENSION_KINDS.join(", ")}.`, "kind");
  const k = kind as SuspensionKind;
  if (k === "team" ? !TEAM_NAME.test(name) : !TARGET_NAME.test(name) || name !== name.trim()) {
    return invalid(k === "team" ? "team must be letters, digits, '.', '_' or '-' (at most 64)." : `${k} must be 1 to 200 characters on one line, without leading or trailing spaces.`, "name");
  }
  return ok({ kind: k, name });
}

export async function suspendTarget(
  storage: Storage,
  input: SuspendInput,
  ctx: { now: number } & SuspensionAudit,
): Promise<Result<{ created: boolean; record: SuspensionRecord }, CustosError>> {
  const target = checkTarget(input.kind, input.name);
  if (!target.ok) return target;
  const reason = input.reason?.trim();
  if (reason !== undefined && (reason.length > 500 || !ONE_LINE.test(reason))) return invalid("reason must be at most 500 characters on one line.", "reason");
  const by = input.by.trim();
  if (by.length === 0 || by.length > 100 || !ONE_LINE.test(by)) return invalid("by must be 1 to 100 characters on one line.", "by");
  const r = await storage.suspend({ ...target.value, reason: reason || null, suspendedBy: by, suspendedAt: new Date(ctx.now) });
  if (r.created) await record(ctx, "routing.suspend", ctx.now, r.record);
  return ok(r);
}

export async function resumeTarget(
  storage: Storage,
  input: { kind: SuspensionKind; name: string; by: string },
  ctx: { now: number } & SuspensionAudit,
): Promise<Result<SuspensionRecord, CustosError>> {
  const target = checkTarget(input.kind, input.name);
  if (!target.ok) return target;
  const removed = await storage.resume(target.value.kind, target.value.name);
  if (!removed) return err(new CustosError("not_found", `${target.value.kind} ${target.value.name} is not suspended.`, { param: "name" }));
  await record(ctx, "routing.resume", ctx.now, removed, input.by.trim().slice(0, 100));
  return ok(removed);
}

export const listSuspensions = (storage: Storage): Promise<SuspensionRecord[]> => storage.listSuspensions();

async function record(ctx: SuspensionAudit, type: "routing.suspend" | "routing.resume", now: number, r: SuspensionRecord, resumedBy?: string): Promise<void> {
  // A team's events carry it as actor.team, so a search by team finds them (like key events).
  const actor = r.kind === "team" ? { ...ctx.actor, team: r.name } : ctx.actor;
  const suspension: Record<string, unknown> = { kind: r.kind, name: r.name, by: r.suspendedBy, at: r.suspendedAt.toISOString() };
  if (r.reason !== null) suspension.reason = r.reason;
  if (resumedBy) suspension.resumed_by = resumedBy;
  const event = ctx.audit.emit({ type, ts: now, fields: { actor, suspension } }, { urgent: true });
  await event.committed.catch(() => {}); // spooled if not committed: the change is made either way
}
