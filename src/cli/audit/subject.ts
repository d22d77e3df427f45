// custos audit subject | erase: a person's pseudonym and events (for a data-subject
// request; the look-up is itself an audit event), and crypto-shredding erasure: their
// content keys and pseudonym mapping are destroyed, the log stays intact and verifiable.
import { userInfo } from "node:os";
import { parseKek, subjectLookup } from "../../audit/pseudonym.ts";
import { summarize } from "../../audit/summary.ts";
import { DEV_ISSUER } from "../../config/identity.ts";
import { cliAudit } from "../../runtime/node-audit.ts";
import { kekText, resolvePaths } from "../../runtime/node-files.ts";
import { nodeHashing } from "../../runtime/node-hashing.ts";
import { loadNodeConfig, loadNodeServerSettings } from "../../runtime/node.ts";
import { jsonLogger } from "../../telemetry/logger.ts";
import type { Flags } from "../commands/audit.ts";
import type { CliIo, ExitCode } from "../io.ts";
import { withStorage } from "../open-storage.ts";

const actor = () => ({ kind: "service", auth: { method: "cli" }, os_user: userInfo().username.slice(0, 64) });

export async function auditSubject(flags: Flags, io: CliIo): Promise<ExitCode> {
  const byEmail = typeof flags.email === "string" && flags.email !== "";
  if (!byEmail && (typeof flags.sub !== "string" || flags.sub === "")) {
    io.err("--sub S or --email E is required: the person's subject identifier at their identity provider (with --iss to name the issuer), or the email address their tokens carried");
    return 2;
  }
  const paths = resolvePaths(io.cwd, io.env);
  const config = await loadNodeConfig(paths, io.env);
  const issuers = typeof flags.iss === "string" ? [flags.iss] : [DEV_ISSUER, "custos", ...config.identity.issuers.map((i) => i.issuer)];
  const lookups = await subjectLookup(parseKek(await kekText(io.env, paths.stateDir, () => {})), nodeHashing);
  return withStorage(io, "custos audit subject", async (storage): Promise<ExitCode> => {
    const audit = await cliAudit(storage, config, jsonLogger("error", (l) => io.err(l)));
    try {
      const found: { iss: string; pseudonym: string }[] = [];
      if (byEmail) {
        for (const p of await storage.audit.findByAlias(await lookups.email(flags.email as string))) found.push({ iss: "email", pseudonym: p });
      } else {
        for (const iss of issuers) {
          const p = await storage.audit.findPseudonym(await lookups.lookup(iss, flags.sub as string));
          if (p) found.push({ iss, pseudonym: p });
        }
      }
      // Looking someone up is recorded: who asked, how, and which pseudonyms it revealed (never the email or subject).
      await audit.emit({ type: "audit.access", fields: { actor: actor(), access: { kind: "subject_lookup", by: byEmail ? "email" : "subject", issuers: byEmail ? 0 : issuers.length, found: found.map((f) => f.pseudonym) } } }, { urgent: true }).committed;
      if (found.length === 0) {
        io.err("no pseudonym for that subject (never seen, or erased)");
        return 1;
      }
      for (const f of found) {
        const events = await storage.audit.search({ subject: f.pseudonym, limit: 1000 });
        io.out(`${f.iss}\t${f.pseudonym}\t${events.length}${events.length === 1000 ? "+" : ""} events`);
        const calls = new Map<string, typeof events>();
        for (const e of events) {
          const id = e.requestEventId ?? e.eventId;
          calls.set(id, [...(calls.get(id) ?? []), e]);
        }
        for (const [id, evs] of calls) {
          const s = summarize(id, evs.slice().reverse());
          if (s) io.out(`  ${evs.at(-1)!.receivedAt.toISOString()}\t${id}\t${s.team ?? "-"}\t${s.model ?? "-"}\t${s.status ?? "-"}\t${s.events.join("+")}`);
        }
      }
      return 0;
    } finally {
      await audit.close();
    }
  });
}

export async function auditErase(flags: Flags, io: CliIo): Promise<ExitCode> {
  const p = flags.subject;
  if (typeof p !== "string" || !/^[A-Za-z0-9_-]{16,64}$/.test(p)) {
    io.err("--subject PSEUDONYM is required (`custos audit subject --sub S` finds it)");
    return 2;
  }
  const paths = resolvePaths(io.cwd, io.env);
  const settings = await loadNodeServerSettings(paths, io.env);
  return withStorage(io, "custos audit erase", async (storage): Promise<ExitCode> => {
    const audit = await cliAudit(storage, settings, jsonLogger("error", (l) => io.err(l)));
    try {
      await audit.emit({ type: "erasure.request", fields: { actor: actor(), erasure: { subject: p } } }, { urgent: true }).committed;
      const destroyed = await storage.audit.eraseSubject(p);
      await audit.emit({ type: "erasure.completed", fields: { actor: actor(), erasure: { subject: p, keys_destroyed: destroyed, mapping_destroyed: true } } }, { urgent: true }).committed;
      io.out(`erased ${p}: ${destroyed} content key(s) destroyed and the pseudonym mapping removed; the log itself is unchanged and still verifies`);
      return 0;
    } finally {
      await audit.close();
    }
  });
}
