// custos keys create|list|revoke: Custos API keys for services. On a real database the
// CLI works on it directly; on the embedded one it goes through the running server's
// /api (with the admin token the server wrote), or opens it itself when no server runs.
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { cliAudit, cliRetention } from "../../runtime/node-audit.ts";
import { loadNodeServerSettings } from "../../runtime/node.ts";
import { jsonLogger } from "../../telemetry/logger.ts";
import { systemClock } from "../../deps.ts";
import { keyHasher } from "../../identity/api-keys.ts";
import { createKey, listKeys, revokeKey, type KeyInfo } from "../../identity/key-admin.ts";
import { uuidv7 } from "../../ids.ts";
import { apiKeyPepper, resolvePaths, type ServerHandle } from "../../runtime/node-files.ts";
import type { Storage } from "../../storage/types.ts";
import { adminCall, withAdminStorage } from "../admin-storage.ts";
import type { CliIo, ExitCode } from "../io.ts";

export const KEYS_USAGE = "custos keys create --team T --name N [--expires 90d] | keys list [--json] | keys revoke ID";

type Op =
  | { kind: "create"; team: string; name: string; expiresInDays?: number }
  | { kind: "list"; json: boolean }
  | { kind: "revoke"; id: string };

function parse(argv: string[]): Op | string {
  const [sub, ...rest] = argv;
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: { team: { type: "string" }, name: { type: "string" }, expires: { type: "string" }, json: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    return (e as Error).message;
  }
  if (sub === "create") {
    if (typeof values.team !== "string" || typeof values.name !== "string") return "--team and --name are required";
    if (values.expires === undefined) return { kind: "create", team: values.team, name: values.name };
    // Days, not the token command's TTL (capped at 30 days): keys live for months.
    const m = /^(\d{1,4})d$/.exec(String(values.expires).trim());
    const days = m ? Number(m[1]) : undefined;
    if (days === undefined || days < 1 || days > 3650) return "--expires must be a number of days from 1d to 3650d, such as 90d";
    return { kind: "create", team: values.team, name: values.name, expiresInDays: days };
  }
  if (sub === "list") return { kind: "list", json: values.json === true };
  if (sub === "revoke") return positionals.length === 1 ? { kind: "revoke", id: positionals[0]! } : "give the id of the key to revoke";
  return sub ? `unknown keys command: ${sub}` : "which keys command?";
}

type Outcome = { ok: true; created?: { key: string; info: KeyInfo }; keys?: KeyInfo[]; revoked?: KeyInfo } | { ok: false; message: string };

/** Keys changed from the command line are recorded as done by the operating-system user at this machine. */
const CLI_ACTOR = { kind: "service", auth: { method: "cli" }, os_user: userInfo().username.slice(0, 64) };

async function direct(storage: Storage, pepper: string, op: Op, io: CliIo): Promise<Outcome> {
  if (op.kind === "list") return { ok: true, keys: await listKeys(storage) };
  const paths = resolvePaths(io.cwd, io.env);
  const config = await loadNodeServerSettings(paths, io.env);
  // The policy's retention classes, so these events carry the class the log's own events have.
  const audit = await cliAudit(storage, config, jsonLogger("error", (line) => io.err(line)), await cliRetention(paths.policiesDir, io.env, (l) => io.err(l)));
  try {
    if (op.kind === "revoke") {
      const r = await revokeKey(storage, op.id, systemClock.now(), { audit, actor: CLI_ACTOR });
      return r.ok ? { ok: true, revoked: r.value } : { ok: false, message: r.error.message };
    }
    const r = await createKey(
      storage,
      await keyHasher(pepper),
      { team: op.team, name: op.name, createdBy: "cli", ...(op.expiresInDays === undefined ? {} : { expiresInDays: op.expiresInDays }) },
      { now: systemClock.now(), newId: () => uuidv7(), audit, actor: CLI_ACTOR },
    );
    return r.ok ? { ok: true, created: r.value } : { ok: false, message: r.error.message };
  } finally {
    await audit.close();
  }
}

async function viaServer(handle: ServerHandle, op: Op): Promise<Outcome> {
  const base = "/api/admin/keys";
  const r =
    op.kind === "list"
      ? await adminCall(handle, base)
      : op.kind === "revoke"
        ? await adminCall(handle, `${base}/${encodeURIComponent(op.id)}`, { method: "DELETE" })
        : await adminCall(handle, base, { method: "POST", body: { team: op.team, name: op.name, ...(op.expiresInDays === undefined ? {} : { expires_in_days: op.expiresInDays }) } });
  if (!r.ok) return { ok: false, message: r.message };
  // Dates arrive as ISO strings; printing takes either.
  if (op.kind === "list") return { ok: true, keys: r.body.keys as KeyInfo[] };
  if (op.kind === "revoke") return { ok: true, revoked: r.body as unknown as KeyInfo };
  return { ok: true, created: r.body as unknown as { key: string; info: KeyInfo } };
}


const iso = (d: Date | string | null) => (d === null ? "-" : new Date(d).toISOString().replace(/\.\d{3}Z$/, "Z"));

export async function keysCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const op = parse(argv);
  if (typeof op === "string") {
    io.err(`${op}\nusage: ${KEYS_USAGE}`);
    return 2;
  }
  let outcome: Outcome;
  try {
    outcome = await run(op, io);
  } catch (e) {
    io.err(`could not run: ${(e as Error).message}`);
    return 2;
  }
  if (!outcome.ok) {
    io.err(outcome.message);
    return 1;
  }
  if (outcome.created) {
    const { key, info } = outcome.created;
    io.out(key);
    io.err(`created API key ${info.id} '${info.name}' for team ${info.team}${info.expiresAt ? `, expires ${iso(info.expiresAt)}` : ""}. Store it now: it is not shown again.`);
  } else if (outcome.revoked) {
    io.out(`revoked ${outcome.revoked.id} (${outcome.revoked.name}, team ${outcome.revoked.team})`);
  } else if (outcome.keys) {
    if (op.kind === "list" && op.json) io.out(JSON.stringify(outcome.keys));
    else {
      io.out(["id", "prefix", "team", "name", "created", "expires", "revoked", "last used"].join("\t"));
      for (const k of outcome.keys) io.out([k.id, `${k.prefix}…`, k.team, k.name, iso(k.createdAt), iso(k.expiresAt), iso(k.revokedAt), iso(k.lastUsedAt)].join("\t"));
    }
  }
  return 0;
}

async function run(op: Op, io: CliIo): Promise<Outcome> {
  return withAdminStorage(io, "custos keys", {
    direct: async (storage, embedded) => {
      const stateDir = resolvePaths(io.cwd, io.env).stateDir;
      const pepper = await apiKeyPepper(io.env, stateDir, embedded ? (file) => io.err(`warning: generated the development API key pepper at ${file}`) : () => {});
      return direct(storage, pepper, op, io);
    },
    viaServer: (handle) => viaServer(handle, op),
  });
}
