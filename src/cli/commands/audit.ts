// custos audit …: the compliance officer's and operator's tools on the log.
//   verify     check the log (or a bundle, offline) against the trust file
//   export     write a signed bundle of a time range (optionally one team)
//   proof      the inclusion proof of one event (C2SP tlog-proof)
//   integrate  run the integrator and checkpoint signer as their own process
//   trust      print the trust file for this deployment's key and anchor
//   keygen     a new Ed25519 signing key (for CUSTOS_SIGNING_KEY)
//   subject    a person's pseudonym and events (justified, audited)
//   erase      crypto-shredding erasure of a subject (refused under a legal hold)
//   purge      the retention run: expire content keys, purge the months that may go
//   hold       place, release and list legal holds
import { parseArgs } from "node:util";
import type { CliIo, ExitCode } from "../io.ts";
import { auditExport } from "../audit/export.ts";
import { auditVerify } from "../audit/verify.ts";
import { auditProof } from "../audit/proof.ts";
import { auditIntegrate } from "../audit/integrate.ts";
import { auditKeygen, auditTrust } from "../audit/keys.ts";
import { auditErase, auditSubject, ERASE_USAGE, SUBJECT_USAGE } from "../audit/subject.ts";
import { auditPurge, PURGE_USAGE } from "../audit/purge.ts";
import { auditHold, HOLD_USAGE } from "../audit/hold.ts";

export const AUDIT_USAGE = `custos audit verify --trust F [--bundle DIR] [--from T] [--to T] [--json]
  custos audit export [--from T] [--to T] [--team T] [--format jsonl|csv] --out DIR
  custos audit proof --id ID [--json]
  custos audit integrate [--once]
  custos audit trust [--out F]
  custos audit keygen
  ${SUBJECT_USAGE}
  ${ERASE_USAGE}
  ${PURGE_USAGE}
  ${HOLD_USAGE}`;

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
  justification: { type: "string" },
  by: { type: "string" },
  month: { type: "string" },
  "dry-run": { type: "boolean" },
  shred: { type: "boolean" },
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
  purge: auditPurge,
};

/** Subcommands with their own verbs and options (hold place|release|list). */
const OWN_PARSERS: Record<string, (argv: string[], io: CliIo) => Promise<ExitCode>> = { hold: auditHold };

export async function auditCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  if (sub === "help" || sub === "--help" || sub === "-h") {
    io.out(`usage: ${AUDIT_USAGE}`);
    return 0;
  }
  const own = sub ? OWN_PARSERS[sub] : undefined;
  if (own) return own(rest, io);
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

export { timeFlag } from "../audit/compliance-ctx.ts";
