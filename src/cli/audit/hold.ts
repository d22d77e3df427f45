// custos audit hold place|release|list: legal holds (reference §1.8). While a hold is in
// force nothing it covers can be purged, expired or erased. Placing and releasing are audit
// events (hold.place, hold.release); on the embedded database a running server does it
// through /api/holds with its admin token.
import { parseArgs } from "node:util";
import { holdView, placeHold, releaseHold, type HoldInput } from "../../compliance/holds.ts";
import type { ServerHandle } from "../../runtime/node-files.ts";
import type { Storage } from "../../storage/types.ts";
import { withAdminStorage } from "../admin-storage.ts";
import type { CliIo, ExitCode } from "../io.ts";
import { byFlag, directCompliance, failureOf, reported, serverJson, timeOpt, usageError } from "./compliance-ctx.ts";

export const HOLD_USAGE = `custos audit hold place --reason R [--team T] [--subject PSEUDONYM] [--from T] [--to T] [--event ID]… [--by NAME]
  custos audit hold release --id HOLD --reason R [--by NAME]
  custos audit hold list [--all] [--json]`;

type View = Record<string, unknown> & { id: string; reason: string; scope: Record<string, unknown>; placed_by: string; placed_at: string; active: boolean; released?: { reason: string; by: string; at: string } };

type Op =
  | { kind: "list"; all: boolean; json: boolean }
  | { kind: "place"; input: HoldInput; by: string }
  | { kind: "release"; id: string; reason: string; by: string };

const OPTIONS = {
  reason: { type: "string" },
  team: { type: "string" },
  subject: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  event: { type: "string", multiple: true },
  id: { type: "string" },
  by: { type: "string" },
  all: { type: "boolean" },
  json: { type: "boolean" },
} as const;

const ALLOWED: Record<Op["kind"], string[]> = {
  list: ["all", "json"],
  place: ["reason", "team", "subject", "from", "to", "event", "by"],
  release: ["id", "reason", "by"],
};

function parse(argv: string[]): Op {
  const [action, ...rest] = argv;
  if (action !== "place" && action !== "release" && action !== "list") throw usageError(action ? `unknown hold command: ${action}` : "hold needs place, release or list");
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true; allowPositionals: false }>>["values"];
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    throw usageError((e as Error).message);
  }
  const extra = Object.keys(values).find((k) => !ALLOWED[action].includes(k));
  if (extra) throw usageError(`--${extra} does not go with hold ${action}`);
  if (action === "list") return { kind: "list", all: values.all === true, json: values.json === true };
  const reason = values.reason?.trim() ?? "";
  if (reason === "") throw usageError(`--reason is required: ${action === "place" ? "the matter, case or incident the hold preserves evidence for" : "why the hold may go (for the record)"}`);
  const by = byFlag(values.by);
  if (action === "release") {
    if (!values.id?.trim()) throw usageError("--id HOLD is required (`custos audit hold list` shows them)");
    return { kind: "release", id: values.id.trim(), reason, by };
  }
  if (values.subject !== undefined && !/^[A-Za-z0-9_-]{16,64}$/.test(values.subject)) throw usageError("--subject takes a pseudonym (16–64 letters, digits, '-' or '_'; `custos audit subject` finds it; write --subject=PSEUDONYM when it starts with '-')");
  if (values.team !== undefined && values.team.trim() === "") throw usageError("--team needs a name");
  const eventIds = (values.event ?? []).flatMap((e) => e.split(",")).map((e) => e.trim()).filter((e) => e !== "");
  const from = timeOpt(values.from, "from");
  const to = timeOpt(values.to, "to");
  const input: HoldInput = { reason, eventIds, ...(values.team ? { team: values.team.trim() } : {}), ...(values.subject ? { subject: values.subject } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
  if (eventIds.length === 0 && !input.team && !input.subject && !from && !to) throw usageError("--event, --team, --subject, --from or --to: a hold needs a scope");
  return { kind: "place", input, by };
}

async function direct(storage: Storage, io: CliIo, op: Op): Promise<View[]> {
  if (op.kind === "list") return (await storage.compliance.holds({ all: op.all })).map(holdView) as View[];
  const c = await directCompliance(storage, io, op.by);
  try {
    const r = op.kind === "place" ? await placeHold(c.ctx, c.who, op.input) : await releaseHold(c.ctx, c.who, op.id, op.reason);
    if (!r.ok) throw failureOf(r.error);
    return [holdView(r.value) as View];
  } finally {
    await c.close();
  }
}

async function viaServer(handle: ServerHandle, op: Op): Promise<View[]> {
  if (op.kind === "list") return (await serverJson<{ holds: View[] }>(handle, `/api/holds${op.all ? "?all=1" : ""}`)).holds;
  if (op.kind === "release") return [(await serverJson<{ hold: View }>(handle, `/api/holds/${encodeURIComponent(op.id)}/release`, { method: "POST", body: { reason: op.reason, by: op.by } })).hold];
  const i = op.input;
  const body = {
    reason: i.reason,
    ...(i.team ? { team: i.team } : {}),
    ...(i.subject ? { subject: i.subject } : {}),
    ...(i.from ? { from: i.from.toISOString() } : {}),
    ...(i.to ? { to: i.to.toISOString() } : {}),
    ...(i.eventIds?.length ? { event_ids: i.eventIds } : {}),
    by: op.by,
  };
  return [(await serverJson<{ hold: View }>(handle, "/api/holds", { method: "POST", body })).hold];
}

const scopeText = (s: Record<string, unknown>) =>
  Object.entries(s)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : String(v)}`)
    .join(" ") || "-";

export async function auditHold(argv: string[], io: CliIo): Promise<ExitCode> {
  return reported(io, HOLD_USAGE, async () => {
    if (argv[0] === "help" || argv[0] === "--help" || argv[0] === "-h") {
      io.out(`usage: ${HOLD_USAGE}`);
      return 0;
    }
    const op = parse(argv);
    const holds = await withAdminStorage(io, "custos audit hold", { direct: (s) => direct(s, io, op), viaServer: (h) => viaServer(h, op) });
    if (op.kind === "list") {
      if (op.json) io.out(JSON.stringify(holds));
      else if (holds.length === 0) io.err(op.all ? "no legal holds" : "no legal hold is in force");
      else {
        io.out(["id", "state", "placed_at", "placed_by", "scope", "reason"].join("\t"));
        for (const h of holds) io.out([h.id, h.active ? "active" : `released ${h.released?.at ?? ""}`, h.placed_at, h.placed_by, scopeText(h.scope), h.reason.replace(/\s+/g, " ")].join("\t"));
      }
      return 0;
    }
    const h = holds[0]!;
    io.out(
      op.kind === "place"
        ? `placed legal hold ${h.id} (${scopeText(h.scope)}): nothing it covers can be purged, expired or erased until it is released`
        : `released legal hold ${h.id} (${scopeText(h.scope)}); what it covered follows its retention class again`,
    );
    return 0;
  });
}
