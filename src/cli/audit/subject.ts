// custos audit subject | erase: data-subject requests (GDPR Art. 15, 17). A person's
// pseudonym and calls found through the pseudonym mapping, and crypto-shredding erasure
// (their content keys and mapping destroyed; the log stays intact and verifiable), refused
// while a legal hold covers any of their events. Both need a typed justification and are
// audit events of their own; the services in src/compliance/subjects.ts decide, here or
// behind /api/subjects when a running server holds the embedded database.
import { parseKek, subjectLookup } from "../../audit/pseudonym.ts";
import { eraseSubject, findSubject, justificationOf, PSEUDONYM, type FoundSubject } from "../../compliance/subjects.ts";
import { DEV_ISSUER } from "../../config/identity.ts";
import { kekText, resolvePaths, type ServerHandle } from "../../runtime/node-files.ts";
import { nodeHashing } from "../../runtime/node-hashing.ts";
import { loadNodeConfig } from "../../runtime/node.ts";
import type { Storage } from "../../storage/types.ts";
import { withAdminStorage } from "../admin-storage.ts";
import type { Flags } from "../commands/audit.ts";
import type { CliIo, ExitCode } from "../io.ts";
import { byFlag, directCompliance, failureOf, reported, serverJson, usageError } from "./compliance-ctx.ts";

export const SUBJECT_USAGE = "custos audit subject (--sub S [--iss ISSUER] | --email E) --justification TEXT [--by NAME]";
export const ERASE_USAGE = "custos audit erase --subject=PSEUDONYM --justification TEXT [--by NAME]";

const str = (v: string | boolean | undefined) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

function justification(flags: Flags): string {
  if (flags.justification !== undefined && typeof flags.justification !== "string") throw usageError("--justification needs text");
  const j = justificationOf(flags.justification);
  if (!j.ok) throw usageError(`--justification TEXT is required: at least 10 characters naming the request, ticket or legal basis this access serves (it is recorded in the audit log)`);
  return j.value;
}

export async function auditSubject(flags: Flags, io: CliIo): Promise<ExitCode> {
  return reported(io, SUBJECT_USAGE, async () => {
    const email = str(flags.email);
    const sub = str(flags.sub);
    if ((email === undefined) === (sub === undefined)) throw usageError("give exactly one of --sub S (the person's subject identifier at their identity provider; --iss names the issuer) and --email E (the email address their tokens carried)");
    if (email && flags.iss !== undefined) throw usageError("--iss goes with --sub");
    const why = justification(flags);
    const by = byFlag(flags.by);
    const iss = str(flags.iss);
    const found = await withAdminStorage(io, "custos audit subject", {
      direct: async (storage: Storage) => {
        const paths = resolvePaths(io.cwd, io.env);
        const config = await loadNodeConfig(paths, io.env);
        const lookups = await subjectLookup(parseKek(await kekText(io.env, paths.stateDir, () => {})), nodeHashing);
        const c = await directCompliance(storage, io, by);
        try {
          const issuers = iss ? [iss] : [DEV_ISSUER, "custos", ...config.identity.issuers.map((i) => i.issuer)];
          return await findSubject(c.ctx, lookups, c.who, { ...(email ? { email } : { sub: sub! }), issuers }, why);
        } finally {
          await c.close();
        }
      },
      viaServer: async (h: ServerHandle) =>
        (await serverJson<{ subjects: FoundSubject[] }>(h, "/api/subjects/lookup", { method: "POST", body: { ...(email ? { email } : { sub }), ...(iss ? { iss } : {}), justification: why, by } })).subjects,
    });
    if (found.length === 0) {
      io.err("no pseudonym for that subject (never seen, or erased); the look-up is recorded");
      return 1;
    }
    for (const f of found) {
      io.out(`${f.via}\t${f.pseudonym}\t${f.events}${f.more ? "+" : ""} events`);
      for (const c of f.calls) io.out(`  ${c.at}\t${c.requestId}\t${c.team ?? "-"}\t${c.model ?? "-"}\t${c.status ?? "-"}\t${c.events.join("+")}`);
    }
    return 0;
  });
}

export async function auditErase(flags: Flags, io: CliIo): Promise<ExitCode> {
  return reported(io, ERASE_USAGE, async () => {
    const p = flags.subject;
    if (typeof p !== "string" || !PSEUDONYM.test(p)) throw usageError("--subject PSEUDONYM is required (`custos audit subject` finds it; write --subject=PSEUDONYM, as it may start with '-')");
    const why = justification(flags);
    const by = byFlag(flags.by);
    const destroyed = await withAdminStorage(io, "custos audit erase", {
      direct: async (storage: Storage) => {
        const c = await directCompliance(storage, io, by);
        try {
          const r = await eraseSubject(c.ctx, c.who, p, why);
          if (!r.ok) throw failureOf(r.error);
          return r.value.keysDestroyed;
        } finally {
          await c.close();
        }
      },
      viaServer: async (h: ServerHandle) =>
        (await serverJson<{ erased: { keys_destroyed: number } }>(h, `/api/subjects/${encodeURIComponent(p)}/erase`, { method: "POST", body: { justification: why, by } })).erased.keys_destroyed,
    });
    io.out(`erased ${p}: ${destroyed} content key(s) destroyed and the pseudonym mapping removed; the log itself is unchanged and still verifies`);
    return 0;
  });
}
