// Creating, listing and revoking Custos API keys: the one place these operations live,
// used by the CLI (directly on the database) and by /api/admin/keys.
import { CustosError } from "../errors/errors.ts";
import { err, ok, type Result } from "../errors/result.ts";
import type { ApiKeyRecord, Storage } from "../storage/types.ts";
import type { AuditSink } from "../audit/writer.ts";
import { generateApiKey, type KeyHasher } from "./api-keys.ts";

/** Who did it and where it is recorded: every key change is an audit event. */
export interface KeyAudit {
  audit: AuditSink;
  /** The actor as entries record it (pseudonym, issuer, credential kind). */
  actor: Record<string, unknown>;
}

/** What may be shown about a key: everything but its hash. */
export type KeyInfo = Omit<ApiKeyRecord, "hash">;

export const TEAM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const keyInfo = ({ hash: _hash, ...info }: ApiKeyRecord): KeyInfo => info;

export interface CreateKeyInput {
  team: string;
  name: string;
  /** Days until it expires; none: it does not. */
  expiresInDays?: number;
  createdBy: string;
}

const invalid = (message: string, param: string) => err(new CustosError("invalid_request", message, { param }));

export async function createKey(
  storage: Storage,
  hash: KeyHasher,
  input: CreateKeyInput,
  ctx: { now: number; newId: () => string } & KeyAudit,
): Promise<Result<{ key: string; info: KeyInfo }, CustosError>> {
  if (!TEAM_NAME.test(input.team)) return invalid("team must be letters, digits, '.', '_' or '-' (at most 64).", "team");
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) return invalid("name must be 1 to 100 characters.", "name");
  if (input.expiresInDays !== undefined && !(Number.isInteger(input.expiresInDays) && input.expiresInDays > 0 && input.expiresInDays <= 3650)) {
    return invalid("expires_in_days must be a whole number of days from 1 to 3650.", "expires_in_days");
  }
  const key = generateApiKey();
  const record: ApiKeyRecord = {
    id: ctx.newId(),
    name,
    team: input.team,
    prefix: key.slice(0, 10),
    hash: await hash(key),
    createdAt: new Date(ctx.now),
    createdBy: input.createdBy,
    expiresAt: input.expiresInDays === undefined ? null : new Date(ctx.now + input.expiresInDays * 86_400_000),
    revokedAt: null,
    lastUsedAt: null,
  };
  await storage.createApiKey(record);
  const event = ctx.audit.emit({ type: "key.create", ts: ctx.now, fields: { actor: { ...ctx.actor, team: record.team }, key: keyFacts(record) } }, { urgent: true });
  await event.committed.catch(() => {}); // spooled if not committed: the key exists either way
  return ok({ key, info: keyInfo(record) });
}

export async function listKeys(storage: Storage): Promise<KeyInfo[]> {
  return (await storage.listApiKeys()).map(keyInfo);
}

export async function revokeKey(storage: Storage, id: string, now: number, ctx: KeyAudit): Promise<Result<KeyInfo, CustosError>> {
  const r = await storage.revokeApiKey(id, new Date(now));
  if (!r) return err(new CustosError("not_found", "There is no API key with that id.", { param: "id" }));
  const event = ctx.audit.emit({ type: "key.revoke", ts: now, fields: { actor: { ...ctx.actor, team: r.team }, key: keyFacts(r) } }, { urgent: true });
  await event.committed.catch(() => {});
  return ok(keyInfo(r));
}

/** What the log says about a key: never its hash. */
function keyFacts(r: ApiKeyRecord): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    created: r.createdAt.toISOString(),
    ...(r.expiresAt ? { expires: r.expiresAt.toISOString() } : {}),
    ...(r.revokedAt ? { revoked: r.revokedAt.toISOString() } : {}),
  };
}
