// /api/audit/saved-searches (role auditor): a reader's own named searches, kept under their
// audit pseudonym; nobody lists or deletes another's. The console's search page uses the
// same helpers (saveSearchFor, savedSearchesOf, deleteSavedSearchOf) through its forms.
import { Hono } from "hono";
import { z } from "zod";
import type { Deps } from "../../deps.ts";
import { CustosError } from "../../errors/errors.ts";
import { errorResponse } from "../../errors/to-response.ts";
import { rfc3339Millis } from "../../audit/canonical-json.ts";
import { issueMessage, queryString, SearchQuery, UUID } from "../../console/search-form.ts";
import type { Principal } from "../../identity/principal.ts";
import type { SavedSearchRecord } from "../../storage/types.ts";
import type { AppEnv } from "../app-env.ts";
import { requireRole } from "../middleware/api-auth.ts";

type Env = AppEnv & { Variables: { principal: Principal } };

export const SavedSearchBody = z.object({ name: z.string().trim().min(1, "a name").max(100, "at most 100 characters"), query: z.string().max(4000) }).strict();

/** The query string of a search as kept: the filters only (no cursor), validated like a search. */
export function normalQuery(query: string): { ok: true; query: string } | { ok: false; message: string; param: string } {
  const raw = Object.fromEntries(new URLSearchParams(query.replace(/^\?/, "")));
  const q = SearchQuery.safeParse(raw);
  if (!q.success) return { ok: false, ...issueMessage(q.error.issues) };
  const { before: _b, count: _c, limit, ...filters } = q.data;
  return { ok: true, query: queryString({ ...Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, v === undefined ? undefined : String(v)])), ...(limit === 100 ? {} : { limit: String(limit) }) }) };
}

export async function saveSearchFor(deps: Deps, owner: string, name: string, query: string): Promise<SavedSearchRecord> {
  const existing = (await deps.storage.console.savedSearches(owner)).find((s) => s.name === name);
  const row: SavedSearchRecord = { id: existing?.id ?? deps.newId(), owner, name, query, createdAt: new Date(deps.clock.now()) };
  await deps.storage.console.saveSearch(row);
  return (await deps.storage.console.savedSearches(owner)).find((s) => s.name === name) ?? row;
}

export const savedView = (s: SavedSearchRecord) => ({ id: s.id, name: s.name, query: s.query, created_at: rfc3339Millis(s.createdAt.getTime()) });

export function savedSearchRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const problem = (requestId: string, e: CustosError) => errorResponse("problem", e, requestId);
  const owner = async (p: Principal) => deps.pseudonym(p.issuer, p.subject);
  app.use("*", async (c, next) => requireRole(c, "auditor") ?? next());

  app.get("/", async (c) => c.json({ saved_searches: (await deps.storage.console.savedSearches(await owner(c.get("principal")))).map(savedView) }));

  app.post("/", async (c) => {
    const rid = c.get("requestId");
    const body = SavedSearchBody.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) {
      const i = issueMessage(body.error.issues);
      return problem(rid, new CustosError("invalid_request", i.message, { param: i.param }));
    }
    const q = normalQuery(body.data.query);
    if (!q.ok) return problem(rid, new CustosError("invalid_request", `query: ${q.message}`, { param: "query" }));
    const row = await saveSearchFor(deps, await owner(c.get("principal")), body.data.name, q.query);
    return c.json(savedView(row), 201);
  });

  app.delete("/:id", async (c) => {
    const rid = c.get("requestId");
    const id = UUID.safeParse(c.req.param("id"));
    if (!id.success) return problem(rid, new CustosError("invalid_request", "id: a UUID", { param: "id" }));
    const gone = await deps.storage.console.deleteSavedSearch(await owner(c.get("principal")), id.data.toLowerCase());
    if (!gone) return problem(rid, new CustosError("not_found", "You have no saved search with that id."));
    return c.body(null, 204);
  });
  return app;
}
