// GET /api/audit/export (role auditor): the signed bundle of `custos audit export` for a
// search, as one tar download. A bundle proves its own completeness only for a contiguous
// range of the log, so it is scoped by the search's time range and team (exactly the CLI's
// --from/--to/--team); the search's other filters cannot narrow it without breaking that
// proof. They are written next to the bundle as search.json (unsigned, outside the bundle,
// so the verifier ignores it) and in the file name. The archive holds
//   custos-audit-export/bundle/…   (verify: custos audit verify --bundle …/bundle --trust T)
//   custos-audit-export/search.json
// The bundle is built in memory, so the console exports at most MAX_LEAVES leaves; larger
// ranges are for the CLI, which streams to a directory. The /api middleware audits the call.
import { Hono } from "hono";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import { exportBundle } from "../../audit/export.ts";
import { memoryBundleSink } from "../../audit/memory-bundle.ts";
import { ustar, type TarFile } from "../../audit/ustar.ts";
import { rfc3339Millis } from "../../audit/canonical-json.ts";
import { FILTER_KEYS, issueMessage, SearchQuery } from "../../console/search-form.ts";
import type { Principal } from "../../identity/principal.ts";
import type { AppEnv } from "../app-env.ts";
import { requireRole } from "../middleware/api-auth.ts";

type Env = AppEnv & { Variables: { principal: Principal } };

/** The most leaves one console export holds (the CLI has no limit). */
export const MAX_LEAVES = 50_000;
export const EXPORT_DIR = "custos-audit-export";

const utf8 = new TextEncoder();

const slug = (v: string) => v.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 40);

export function auditExportRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const problem = (requestId: string, e: CustosError) => errorResponse("problem", e, requestId);
  app.use("*", async (c, next) => requireRole(c, "auditor") ?? next());

  app.get("/", async (c) => {
    const rid = c.get("requestId");
    const { format = "jsonl", ...query } = c.req.query();
    if (format !== "jsonl" && format !== "csv") return problem(rid, new CustosError("invalid_request", "format: jsonl or csv", { param: "format" }));
    const q = SearchQuery.safeParse(query);
    if (!q.success) {
      const i = issueMessage(q.error.issues);
      return problem(rid, new CustosError("invalid_request", i.message, { param: i.param }));
    }
    const key = deps.auditSigningKey;
    const origin = deps.logKey?.origin ?? deps.config.server.audit.origin;
    if (!key) return problem(rid, new CustosError("unavailable", "This server does not hold the log's signing key (audit.integrate is false): run `custos audit export` where the signer runs."));
    const store = deps.storage.audit;
    const cp = await store.latestCheckpoint();
    if (!cp) return problem(rid, new CustosError("not_found", "The log has no checkpoint yet: nothing can be exported verifiably."));
    const from = q.data.from ? new Date(q.data.from) : undefined;
    const to = q.data.to ? new Date(q.data.to) : undefined;
    const range = from || to ? await store.indexRange(from, to, cp.size) : { from: 0, to: cp.size };
    if (range.to - range.from > MAX_LEAVES) {
      return problem(rid, new CustosError("invalid_request", `The time range holds ${range.to - range.from} log entries; the console exports at most ${MAX_LEAVES}. Narrow the time range, or run \`custos audit export\`.`, { param: "from" }));
    }

    const files: { path: string; data: Uint8Array }[] = [];
    const now = deps.clock.now();
    const summary = await exportBundle(store, memoryBundleSink(deps.sha256, (path, data) => files.push({ path, data })), { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(q.data.team === undefined ? {} : { team: q.data.team }), format, key, origin, now });
    const others = Object.fromEntries(FILTER_KEYS.filter((k) => k !== "from" && k !== "to" && k !== "team" && q.data[k] !== undefined).map((k) => [k, String(q.data[k])]));
    const search = {
      note: "The bundle holds every entry of the time range (of the team, when one is given) so that its completeness can be proven; the search's other filters select nothing in it and are recorded here only. This file is not signed.",
      scope: { ...(q.data.from ? { from: q.data.from } : {}), ...(q.data.to ? { to: q.data.to } : {}), ...(q.data.team ? { team: q.data.team } : {}) },
      other_filters: others,
      format,
      exported_at: rfc3339Millis(now),
      log: { origin, key_id: key.kid, from_index: summary.fromIndex, to_index: summary.toIndex, tree_size: summary.treeSize, entries: summary.entries, omitted_other_teams: summary.omitted, not_yet_covered: summary.uncovered },
      verify: `tar -xf FILE && custos audit verify --bundle ${EXPORT_DIR}/bundle --trust trust.json`,
    };
    const mtime = Math.floor(now / 1000);
    const tar: TarFile[] = [...files.map((f) => ({ name: `${EXPORT_DIR}/bundle/${f.path}`, data: f.data, mtime })), { name: `${EXPORT_DIR}/search.json`, data: utf8.encode(`${JSON.stringify(search, null, 2)}\n`), mtime }];
    const stamp = rfc3339Millis(now).replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    const name = ["custos-audit", stamp, ...(q.data.team ? [`team-${slug(q.data.team)}`] : []), ...Object.entries(others).map(([k, v]) => `${k}-${slug(v)}`), format].join("_").slice(0, 180);
    const body = ustar(tar);
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/x-tar",
      "content-disposition": `attachment; filename="${name}.tar"`,
      "x-custos-export-entries": String(summary.entries),
      "x-custos-export-range": `${summary.fromIndex}-${summary.toIndex}/${summary.treeSize}`,
      "cache-control": "no-store",
    });
  });
  return app;
}
