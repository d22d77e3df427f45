// custos suspend|resume|suspensions: the kill switch. Like `custos keys`: on a real
// database the CLI works on it directly; on the embedded one it goes through the running
// server's /api (with the admin token the server wrote), or opens it itself when no
// server runs. Every change is audited; a running server sees it within 5 s.
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { systemClock } from "../../deps.ts";
import { listSuspensions, resumeTarget, suspendTarget } from "../../routing/suspension-admin.ts";
import { cliAudit, cliRetention } from "../../runtime/node-audit.ts";
import { resolvePaths, type ServerHandle } from "../../runtime/node-files.ts";
import { loadNodeServerSettings } from "../../runtime/node.ts";
import type { Storage, SuspensionKind, SuspensionRecord } from "../../storage/types.ts";
import { jsonLogger } from "../../telemetry/logger.ts";
import { adminCall, withAdminStorage } from "../admin-storage.ts";
import type { CliIo, ExitCode } from "../io.ts";

const TARGET = "--endpoint E | --model M | --team T";
export const SUSPEND_USAGE = `custos suspend ${TARGET} [--reason TEXT] [--by NAME] | suspend --list [--json]`;
export const RESUME_USAGE = `custos resume ${TARGET} [--by NAME]`;
export const SUSPENSIONS_USAGE = "custos suspensions [--json]  what is suspended now (as suspend --list)";

type Op =
  | { kind: "list"; json: boolean }
  | { kind: "suspend"; target: SuspensionKind; name: string; reason?: string; by: string }
  | { kind: "resume"; target: SuspensionKind; name: string; by: string };

type Command = "suspend" | "resume" | "suspensions";

/** Who did it, when the operator does not say (--by): the operating-system user at this machine. */
const osUser = () => {
  try {
    return userInfo().username.slice(0, 64);
  } catch {
    return "unknown";
  }
};

function parse(command: Command, argv: string[]): Op | string {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        endpoint: { type: "string" },
        model: { type: "string" },
        team: { type: "string" },
        reason: { type: "string" },
        by: { type: "string" },
        list: { type: "boolean" },
        json: { type: "boolean" },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (e) {
    return (e as Error).message;
  }
  const targets = (["endpoint", "model", "team"] as const).filter((k) => values[k] !== undefined);
  const listing = command === "suspensions" || values.list === true;
  if (listing) {
    if (command === "resume") return "resume has no --list; use `custos suspend --list`";
    if (targets.length > 0 || values.reason !== undefined || values.by !== undefined) return "--list takes no target, --reason or --by";
    return { kind: "list", json: values.json === true };
  }
  if (values.json !== undefined) return "--json goes with --list";
  if (targets.length !== 1) return `give exactly one of --endpoint, --model or --team${targets.length > 1 ? ` (not ${targets.map((t) => `--${t}`).join(" and ")})` : ""}`;
  const target = targets[0]!;
  const name = String(values[target]).trim();
  if (name === "") return `--${target} needs a name`;
  const by = values.by === undefined ? osUser() : String(values.by).trim();
  if (by === "") return "--by needs a name";
  if (command === "resume") {
    if (values.reason !== undefined) return "resume takes no --reason (the suspension's reason stays in the audit log)";
    return { kind: "resume", target, name, by };
  }
  return { kind: "suspend", target, name, by, ...(values.reason === undefined ? {} : { reason: String(values.reason) }) };
}

type Outcome =
  | { ok: true; list?: SuspensionRecord[]; suspended?: { created: boolean; record: SuspensionRecord }; resumed?: SuspensionRecord }
  | { ok: false; notSuspended?: boolean; message: string };

async function direct(storage: Storage, op: Op, io: CliIo): Promise<Outcome> {
  if (op.kind === "list") return { ok: true, list: await listSuspensions(storage) };
  const paths = resolvePaths(io.cwd, io.env);
  const config = await loadNodeServerSettings(paths, io.env);
  // The policy's retention classes, so these events carry the class the log's own events have.
  const audit = await cliAudit(storage, config, jsonLogger("error", (line) => io.err(line)), await cliRetention(paths.policiesDir, io.env, (l) => io.err(l)));
  // Recorded as done by the operator at this machine (never a credential).
  const ctx = { now: systemClock.now(), audit, actor: { kind: "service", auth: { method: "cli" }, os_user: osUser(), operator: op.by } };
  try {
    if (op.kind === "resume") {
      const r = await resumeTarget(storage, { kind: op.target, name: op.name, by: op.by }, ctx);
      return r.ok ? { ok: true, resumed: r.value } : { ok: false, notSuspended: r.error.code === "not_found", message: r.error.message };
    }
    const r = await suspendTarget(storage, { kind: op.target, name: op.name, by: op.by, ...(op.reason === undefined ? {} : { reason: op.reason }) }, ctx);
    return r.ok ? { ok: true, suspended: r.value } : { ok: false, message: r.error.message };
  } finally {
    await audit.close();
  }
}

async function viaServer(handle: ServerHandle, op: Op): Promise<Outcome> {
  const base = "/api/admin/suspensions";
  const r =
    op.kind === "list"
      ? await adminCall(handle, base)
      : op.kind === "resume"
        ? await adminCall(handle, `${base}/${op.target}/${encodeURIComponent(op.name)}?by=${encodeURIComponent(op.by)}`, { method: "DELETE" })
        : await adminCall(handle, base, { method: "POST", body: { kind: op.target, name: op.name, by: op.by, ...(op.reason === undefined ? {} : { reason: op.reason }) } });
  if (!r.ok) return { ok: false, notSuspended: r.status === 404 && op.kind === "resume", message: r.message };
  // Dates arrive as ISO strings; printing takes either.
  if (op.kind === "list") return { ok: true, list: r.body.suspensions as SuspensionRecord[] };
  if (op.kind === "resume") return { ok: true, resumed: r.body.resumed as SuspensionRecord };
  return { ok: true, suspended: { created: r.body.created === true, record: r.body.suspension as SuspensionRecord } };
}

const iso = (d: Date | string) => new Date(d).toISOString().replace(/\.\d{3}Z$/, "Z");
const describeRow = (r: SuspensionRecord) => `${r.kind} ${r.name}`;

export const suspendCommand = (argv: string[], io: CliIo): Promise<ExitCode> => runCommand("suspend", argv, io);
export const resumeCommand = (argv: string[], io: CliIo): Promise<ExitCode> => runCommand("resume", argv, io);
export const suspensionsCommand = (argv: string[], io: CliIo): Promise<ExitCode> => runCommand("suspensions", argv, io);

async function runCommand(command: Command, argv: string[], io: CliIo): Promise<ExitCode> {
  const op = parse(command, argv);
  if (typeof op === "string") {
    io.err(`${op}\nusage: ${command === "resume" ? RESUME_USAGE : command === "suspend" ? SUSPEND_USAGE : SUSPENSIONS_USAGE}`);
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
    // Nothing to resume is the one answer a script may branch on (1); a refused name is a usage error.
    return outcome.notSuspended ? 1 : 2;
  }
  if (outcome.list) {
    if (op.kind === "list" && op.json) io.out(JSON.stringify(outcome.list));
    else if (outcome.list.length === 0) io.err("nothing is suspended");
    else {
      io.out(["kind", "name", "since", "by", "reason"].join("\t"));
      for (const r of outcome.list) io.out([r.kind, r.name, iso(r.suspendedAt), r.suspendedBy, r.reason ?? "-"].join("\t"));
    }
  } else if (outcome.suspended) {
    const { created, record: r } = outcome.suspended;
    io.out(
      created
        ? `suspended ${describeRow(r)}; every instance refuses it within 5 s`
        : `${describeRow(r)} was already suspended since ${iso(r.suspendedAt)} by ${r.suspendedBy}${r.reason ? ` (${r.reason})` : ""}; kept as it was`,
    );
  } else if (outcome.resumed) {
    io.out(`resumed ${describeRow(outcome.resumed)} (suspended since ${iso(outcome.resumed.suspendedAt)} by ${outcome.resumed.suspendedBy}); every instance serves it again within 5 s`);
  }
  return 0;
}


async function run(op: Op, io: CliIo): Promise<Outcome> {
  return withAdminStorage(io, "custos suspend", {
    direct: (storage) => direct(storage, op, io),
    viaServer: (handle) => viaServer(handle, op),
  });
}
