// custos audit …: the compliance officer's and operator's tools on the log.
//   verify     check the log (or a bundle, offline) against the trust file
//   export     write a signed bundle of a time range (optionally one team)
//   proof      the inclusion proof of one event (C2SP tlog-proof)
//   integrate  run the integrator and checkpoint signer as their own process
//   trust      print the trust file for this deployment's key and anchor
//   keygen     a new Ed25519 signing key (for CUSTOS_SIGNING_KEY)
//   subject    a person's pseudonym and events (audited)
//   erase      crypto-shredding erasure of a subject
import { parseArgs } from "node:util";
import type { CliIo, ExitCode } from "../io.ts";
import { auditExport } from "../audit/export.ts";
import { auditVerify } from "../audit/verify.ts";
import { auditProof } from "../audit/proof.ts";
import { auditIntegrate } from "../audit/integrate.ts";
import { auditKeygen, auditTrust } from "../audit/keys.ts";
import { auditErase, auditSubject } from "../audit/subject.ts";

export const AUDIT_USAGE = `custos audit verify --trust F [--bundle DIR] [--from T] [--to T] [--json]
  custos audit export [--from T] [--to T] [--team T] [--format jsonl|csv] --out DIR
  custos audit proof --id ID [--json]
  custos audit integrate [--once]
  custos audit trust [--out F]
  custos audit keygen
  custos audit subject --sub S [--iss ISSUER] | --email E
  custos audit erase --subject=PSEUDONYM`;

export type Flags = Record<string, string | boolean | undefined>;

const OPTIONS = {
  trust: { type: "string" },
  bundle: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  team: { type: "string" },
  format: { type: "string" },
  out: { type: "string" },
  id: { type: "string" },
  sub: { type: "string" },
  email: { type: "string" },
  iss: { type: "string" },
  subject: { type: "string" },
  json: { type: "boolean" },
  once: { type: "boolean" },
} as const;

const SUBCOMMANDS: Record<string, (flags: Flags, io: CliIo) => Promise<ExitCode>> = {
  verify: auditVerify,
  export: auditExport,
  proof: auditProof,
  integrate: auditIntegrate,
  trust: auditTrust,
  keygen: auditKeygen,
  subject: auditSubject,
  erase: auditErase,
};

export async function auditCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  const run = sub ? SUBCOMMANDS[sub] : undefined;
  if (!run) {
    io.err(`${sub ? `unknown audit command: ${sub}\n` : ""}usage: ${AUDIT_USAGE}`);
    return 2;
  }
  let flags: Flags;
  try {
    flags = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    io.err(`${(e as Error).message}\nusage: ${AUDIT_USAGE}`);
    return 2;
  }
  try {
    return await run(flags, io);
  } catch (e) {
    io.err(`could not run: ${(e as Error).message}`);
    return 2;
  }
}

/** A time flag: RFC 3339 or a date (YYYY-MM-DD, midnight UTC). */
export function timeFlag(v: string | boolean | undefined, name: string): Date | undefined {
  if (typeof v !== "string") return undefined;
  const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : Date.parse(v);
  if (!Number.isFinite(t) || !/^\d{4}-\d{2}-\d{2}/.test(v)) throw new Error(`--${name} must be a date (2026-11-01) or an RFC 3339 time (2026-11-01T12:00:00Z), not "${v.slice(0, 40)}"`);
  return new Date(t);
}
