// custos incident open|list|show|report: incidents (reference §1.7, §1.9, §4.6) from the
// command line, on the services the console and /api/incidents use. Opening freezes the
// evidence (a legal hold on the events, the policy bundle and configuration hash, a checkpoint
// signed and anchored now); `show` prints the deadlines and what is next or overdue; `report`
// writes one regime's report or, with --evidence, the tar of reports and inclusion proofs.
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { holdView } from "../../compliance/holds.ts";
import { nextDue } from "../../incidents/deadlines.ts";
import { AI_ACT_CASES, REGIMES, type AiActCase, type Deadline, type IncidentView, type Regime } from "../../incidents/types.ts";
import { foldIncident } from "../../incidents/fold.ts";
import { deadlinesOf } from "../../incidents/service.ts";
import type { ServerHandle } from "../../runtime/node-files.ts";
import type { Storage } from "../../storage/types.ts";
import { withAdminStorage } from "../admin-storage.ts";
import { byFlag, CliFailure, reported, serverJson, timeOpt, usageError } from "../audit/compliance-ctx.ts";
import { directExport, directOpen, viaServerExport, type ExportOp, type OpenOp } from "../audit/incident-ops.ts";
import type { CliIo, ExitCode } from "../io.ts";

export const INCIDENT_USAGE = `custos incident open --event ID… --title T --regime R… [--case C] --aware-at T [--description D] [--team T] [--time-zone Z] [--by NAME] [--json]
      regimes: ${REGIMES.join(", ")}; --case (required with ai_act_art73): ${AI_ACT_CASES.join(", ")}
  custos incident list [--json]
  custos incident show ID [--json]
  custos incident report ID [--regime R] [--format json|html] [--out FILE_OR_DIR] [--by NAME]
  custos incident report ID --evidence [--out FILE_OR_DIR] [--by NAME]   the tar of every regime's report, the events and their inclusion proofs`;

/** What /api/incidents/:id answers, and what `show` and `open` print. */
export interface IncidentAnswer {
  incident: IncidentView;
  deadlines: Deadline[];
  next_due: Deadline | null;
  overdue: number;
  holds: Record<string, unknown>[];
}

type ListRow = { id: string; title: string; status: string; regimes: string[]; aware_at: string; events: number; next_due: Deadline | null; overdue: number };

const OPTIONS = {
  event: { type: "string", multiple: true },
  title: { type: "string" },
  regime: { type: "string", multiple: true },
  case: { type: "string" },
  "aware-at": { type: "string" },
  description: { type: "string" },
  team: { type: "string" },
  "time-zone": { type: "string" },
  format: { type: "string" },
  out: { type: "string" },
  evidence: { type: "boolean" },
  by: { type: "string" },
  json: { type: "boolean" },
} as const;

const ALLOWED: Record<string, string[]> = {
  open: ["event", "title", "regime", "case", "aware-at", "description", "team", "time-zone", "by", "json"],
  list: ["json"],
  show: ["json"],
  report: ["regime", "format", "out", "evidence", "by"],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const list = (v: string[] | undefined) => (v ?? []).flatMap((x) => x.split(",")).map((x) => x.trim()).filter((x) => x !== "");

function regimeOf(r: string): Regime {
  if (!(REGIMES as readonly string[]).includes(r)) throw usageError(`unknown regime "${r.slice(0, 40)}": one of ${REGIMES.join(", ")}`);
  return r as Regime;
}

type Values = Record<string, string | boolean | string[] | undefined>;

function parseOpen(v: Values): OpenOp {
  const title = typeof v.title === "string" ? v.title.trim() : "";
  if (title === "") throw usageError("--title T is required");
  const regimes = [...new Set(list(v.regime as string[] | undefined).map(regimeOf))];
  if (regimes.length === 0) throw usageError(`--regime R is required (one or more of ${REGIMES.join(", ")})`);
  const c = v.case as string | undefined;
  if (c !== undefined && !(AI_ACT_CASES as readonly string[]).includes(c)) throw usageError(`unknown --case "${c.slice(0, 40)}": one of ${AI_ACT_CASES.join(", ")}`);
  if (regimes.includes("ai_act_art73") && c === undefined) throw usageError(`--case is required with ai_act_art73 (it sets the deadline): one of ${AI_ACT_CASES.join(", ")}`);
  if (c !== undefined && !regimes.includes("ai_act_art73")) throw usageError("--case goes with --regime ai_act_art73");
  const eventIds = [...new Set(list(v.event as string[] | undefined))];
  if (eventIds.length === 0) throw usageError("--event ID is required: the audit event(s) the incident is about (`custos audit proof --id`, the console or /api/audit/events show their ids)");
  const badId = eventIds.find((e) => !UUID.test(e));
  if (badId !== undefined) throw usageError(`--event "${badId.slice(0, 40)}" is not an event id (a UUID)`);
  if (v["aware-at"] === undefined) throw usageError("--aware-at T is required: when the organisation became aware (RFC 3339, e.g. 2026-11-30T09:15:00Z); the deadlines count from it");
  const awareAt = timeOpt(v["aware-at"] as string, "aware-at")!;
  const by = byFlag(v.by as string | undefined);
  const opt = (k: string) => (typeof v[k] === "string" && (v[k] as string).trim() !== "" ? (v[k] as string).trim() : undefined);
  const [description, team, timeZone] = [opt("description"), opt("team"), opt("time-zone")];
  return {
    title,
    regimes,
    eventIds,
    awareAt,
    description: description ?? "",
    ...(c ? { aiActCase: c as AiActCase } : {}),
    ...(team ? { team } : {}),
    ...(timeZone ? { timeZone } : {}),
    by,
  };
}

function parseExport(id: string, v: Values): ExportOp {
  const format = (v.format as string | undefined) ?? "json";
  if (format !== "json" && format !== "html") throw usageError(`--format json or html, not "${format.slice(0, 20)}"`);
  if (v.evidence === true && (v.format !== undefined || v.regime !== undefined)) throw usageError("--evidence holds every regime's report in JSON and HTML; it takes no --regime or --format");
  const regimes = list(v.regime as string[] | undefined).map(regimeOf);
  if (regimes.length > 1) throw usageError("--regime: one regime per report (--evidence holds them all)");
  const by = byFlag(v.by as string | undefined);
  return { id, format, evidence: v.evidence === true, ...(regimes[0] ? { regime: regimes[0] } : {}), ...(typeof v.out === "string" ? { out: v.out } : {}), by };
}

const when = (iso: string) => iso.replace(/\.\d{3}Z$/, "Z");
const dueText = (d: Deadline | null | undefined) => (d ? `${d.regime} ${d.stage} ${d.due ? when(d.due) : "-"}${d.status === "overdue" ? " OVERDUE" : ""}` : "-");

function printIncident(io: CliIo, a: IncidentAnswer): void {
  const i = a.incident;
  io.out(`${i.id}\t${i.title}`);
  io.out(`status ${i.status}; regimes ${i.regimes.join(", ")}${i.aiActCase ? ` (case ${i.aiActCase})` : ""}; aware ${when(i.awareAt)}; deadlines counted in ${i.timeZone}`);
  io.out(`opened ${when(i.openedAt)} by ${i.openedBy}; ${i.eventIds.length} event(s) under hold ${i.freeze.holdId}; policy ${i.freeze.policy.version}; checkpoint of ${i.freeze.checkpoint.size} entries${i.freeze.checkpoint.anchors.length ? ` anchored at ${i.freeze.checkpoint.anchors.map((x) => x.ref).join(", ")}` : ""}`);
  io.out(`next due: ${dueText(a.next_due)}; overdue: ${a.overdue}`);
  io.out("deadlines:");
  for (const d of a.deadlines) {
    const mark = d.status === "overdue" ? "OVERDUE" : a.next_due && d.regime === a.next_due.regime && d.stage === a.next_due.stage ? "NEXT" : "";
    io.out(["  " + d.status, d.due ? when(d.due) : "-", d.regime, d.stage, d.label, d.basis, mark].join("\t").trimEnd());
  }
}

async function answerOf(storage: Storage, i: IncidentView): Promise<IncidentAnswer> {
  const deadlines = deadlinesOf(i, Date.now());
  return { incident: i, deadlines, next_due: nextDue(deadlines) ?? null, overdue: deadlines.filter((d) => d.status === "overdue").length, holds: (await storage.compliance.holds({ all: true, incidentId: i.id })).map(holdView) };
}

// Reads write no audit event here (as `custos audit proof` and `export` do not): the folds are read straight from storage.
async function show(storage: Storage, id: string): Promise<IncidentAnswer> {
  const row = await storage.compliance.incident(id);
  if (!row) throw new CliFailure(`there is no incident ${id.slice(0, 80)} (\`custos incident list\` shows them)`, 2);
  return answerOf(storage, foldIncident(row, await storage.compliance.incidentActions([id])));
}

async function listDirect(storage: Storage): Promise<ListRow[]> {
  const now = Date.now();
  const rows = await storage.compliance.incidents(200);
  const actions = await storage.compliance.incidentActions(rows.map((r) => r.id));
  return rows.map((r) => foldIncident(r, actions.filter((a) => a.incidentId === r.id))).map((i) => {
    const d = deadlinesOf(i, now);
    return { id: i.id, title: i.title, status: i.status, regimes: i.regimes, aware_at: i.awareAt, events: i.eventIds.length, next_due: nextDue(d) ?? null, overdue: d.filter((x) => x.status === "overdue").length };
  });
}

/** --out: a directory (existing, or ending in "/") gets the default name; anything else is the file. */
export async function outPath(io: CliIo, out: string | undefined, name: string): Promise<string> {
  if (out === undefined) return path.resolve(io.cwd, name);
  const p = path.resolve(io.cwd, out);
  const isDir = out.endsWith("/") || (await stat(p).then((s) => s.isDirectory(), () => false));
  if (isDir) {
    await mkdir(p, { recursive: true });
    return path.join(p, name);
  }
  return p;
}

export async function incidentCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  return reported(io, INCIDENT_USAGE, async () => {
    const [action, ...rest] = argv;
    if (action === "help" || action === "--help" || action === "-h") {
      io.out(`usage: ${INCIDENT_USAGE}`);
      return 0;
    }
    if (!action || !(action in ALLOWED)) throw usageError(action ? `unknown incident command: ${action}` : "incident needs open, list, show or report");
    let parsed: { values: Values; positionals: string[] };
    try {
      parsed = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: true });
    } catch (e) {
      throw usageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    const extra = Object.keys(values).find((k) => !ALLOWED[action]!.includes(k));
    if (extra) throw usageError(`--${extra} does not go with incident ${action}`);
    const wantsId = action === "show" || action === "report";
    if (positionals.length !== (wantsId ? 1 : 0)) throw usageError(wantsId ? `incident ${action} takes one incident id` : `unexpected argument: ${positionals[0]!.slice(0, 40)}`);
    const json = values.json === true;

    if (action === "list") {
      const rows = await withAdminStorage(io, "custos incident list", { direct: listDirect, viaServer: async (h) => (await serverJson<{ incidents: ListRow[] }>(h, "/api/incidents")).incidents });
      if (json) io.out(JSON.stringify(rows));
      else if (rows.length === 0) io.err("no incidents");
      else {
        io.out(["id", "status", "regimes", "aware_at", "events", "next_due", "overdue", "title"].join("\t"));
        for (const r of rows) io.out([r.id, r.status, r.regimes.join(","), when(r.aware_at), r.events, dueText(r.next_due), r.overdue, r.title].join("\t"));
      }
      return 0;
    }
    if (action === "show") {
      const id = positionals[0]!;
      const a = await withAdminStorage(io, "custos incident show", { direct: (s) => show(s, id), viaServer: (h: ServerHandle) => serverJson<IncidentAnswer>(h, `/api/incidents/${encodeURIComponent(id)}`) });
      if (json) io.out(JSON.stringify(a));
      else printIncident(io, a);
      return 0;
    }
    if (action === "open") {
      const op = parseOpen(values);
      const a = await withAdminStorage(io, "custos incident open", {
        direct: async (s) => answerOf(s, await directOpen(s, io, op)),
        viaServer: (h) => serverJson<IncidentAnswer>(h, "/api/incidents", { method: "POST", body: openBody(op) }),
      });
      if (json) io.out(JSON.stringify(a));
      else {
        io.err(`opened incident ${a.incident.id}: legal hold ${a.incident.freeze.holdId} freezes its ${a.incident.eventIds.length} event(s)`);
        printIncident(io, a);
      }
      return 0;
    }
    const op = parseExport(positionals[0]!, values);
    const written = await withAdminStorage(io, "custos incident report", { direct: (s) => directExport(s, io, op), viaServer: (h) => viaServerExport(h, op) });
    if (written.file === undefined) io.write(written.text!);
    else {
      const file = await outPath(io, op.out, written.file);
      await writeFile(file, written.bytes!, { mode: 0o600 });
      io.err(`wrote ${path.relative(io.cwd, file) || file}${written.summary ? `: ${written.summary}` : ""}`);
    }
    for (const w of written.warnings) io.err(w);
    return 0;
  });
}

const openBody = (op: OpenOp) => ({
  title: op.title,
  description: op.description,
  regimes: op.regimes,
  aware_at: op.awareAt.toISOString(),
  event_ids: op.eventIds,
  ...(op.aiActCase ? { ai_act_case: op.aiActCase } : {}),
  ...(op.team ? { team: op.team } : {}),
  ...(op.timeZone ? { time_zone: op.timeZone } : {}),
  by: op.by,
});
