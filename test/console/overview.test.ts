// The Overview (/console) and /api/audit/stats: real calls through Custos counted by
// window, team, model and region, PII types and tokens (from the log's own response
// entries), the latest checkpoint and the last verification; who may see it; markup from
// the log rendered as text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEntry } from "../../src/audit/summary.ts";
import { eventually } from "../helpers/custos.ts";
import { signInWithLink, type ConsoleClient } from "../helpers/console.ts";
import { startTraffic, stopTraffic, XSS_MODEL, XSS_TEAM, type Traffic } from "./stats-fixture.ts";

let t: Traffic;
let ann: ConsoleClient;

type Counts = { name: string | null; requests: number; denials: number; redactions: number; tokens_input: number; tokens_output: number; tokens: number };
type Stats = {
  window: string;
  from: string;
  to: string;
  bucket_seconds: number;
  totals: Omit<Counts, "name">;
  series: (Omit<Counts, "name"> & { at: string })[];
  by_team: Counts[];
  by_model: Counts[];
  by_region: Counts[];
  pii: { type: string; events: number }[];
  checkpoint: { size: number; created_at: string; root: string } | null;
  last_verify: { ok: boolean; tree_size?: number; duration_ms?: number; problems?: number; at: string } | null;
};

const bearer = async (roles: ("user" | "auditor" | "admin")[], path: string) => fetch(`${t.custos.url}${path}`, { headers: { authorization: `Bearer ${await t.custos.token("olivia", ["alpha"], { roles })}` } });
/** The bars of one chart's first series. */
const bars = (html: string, id: string) => {
  const fig = html.slice(html.indexOf(`id="${id}"`));
  return (fig.slice(0, fig.indexOf("</figure>")).match(/<rect class="bar"/g) ?? []).length;
};
const stat = (html: string, id: string) => /<div class="n[^"]*"[^>]*>([^<]*)</.exec(html.slice(html.indexOf(`id="${id}"`)))?.[1];

beforeAll(async () => {
  t = await startTraffic();
  ann = await signInWithLink(t.custos, "ann", ["auditor"]);
}, 120_000);
afterAll(() => stopTraffic(t));

describe("/api/audit/stats", () => {
  it("counts requests, denials, redactions and tokens in the window, by team, model and region", async () => {
    const res = await ann.api("GET", "/api/audit/stats");
    expect(res.status).toBe(200);
    const s = (await res.json()) as Stats;
    expect(s.window).toBe("24h");
    expect(s.bucket_seconds).toBe(3600);
    expect(s.series).toHaveLength(24);
    expect(Date.parse(s.to) - Date.parse(s.from)).toBe(24 * 3600 * 1000);
    expect(s.totals).toMatchObject({ requests: t.calls, denials: t.denials, redactions: 1 });
    // Tokens: exactly what the log's llm.response entries recorded.
    const responses = await t.custos.server.deps.storage.audit.search({ type: "llm.response", limit: 10 });
    const usage = responses.map((r) => (decodeEntry(r).response as { usage?: { input?: number; output?: number } } | undefined)?.usage ?? {});
    const input = usage.reduce((n, u) => n + (u.input ?? 0), 0);
    const output = usage.reduce((n, u) => n + (u.output ?? 0), 0);
    expect(input).toBeGreaterThan(0);
    expect(s.totals).toMatchObject({ tokens_input: input, tokens_output: output, tokens: input + output });
    // The series adds up to the totals, and the last bucket (this hour) holds them.
    expect(s.series.reduce((n, b) => n + b.requests, 0)).toBe(t.calls);
    expect(s.series.at(-1)!.requests).toBe(t.calls);
    const team = (name: string) => s.by_team.find((b) => b.name === name);
    expect(team("alpha")).toMatchObject({ requests: 2, denials: 0, redactions: 1 });
    expect(team("beta")).toMatchObject({ requests: 2, denials: 1, redactions: 0 });
    expect(team(XSS_TEAM)).toMatchObject({ requests: 1, denials: 1 });
    expect(s.by_model.find((b) => b.name === "gpt-4o")).toMatchObject({ requests: 2, denials: 0 });
    expect(s.by_model.find((b) => b.name === "gpt-4.1")).toMatchObject({ requests: 1, denials: 1 });
    // Denied calls never reached routing: they have no region.
    expect(s.by_region.find((b) => b.name === "eu-west-1")).toMatchObject({ requests: 3, denials: 0, tokens: input + output });
    expect(s.by_region.find((b) => b.name === null)).toMatchObject({ requests: 2, denials: 2 });
    expect(s.pii).toEqual([{ type: "EMAIL", events: 1 }]);
  });

  it("has daily buckets for 7 and 30 days, and refuses any other window", async () => {
    const week = (await (await ann.api("GET", "/api/audit/stats?window=7d")).json()) as Stats;
    expect(week.series).toHaveLength(7);
    expect(week.bucket_seconds).toBe(86_400);
    expect(week.totals.requests).toBe(t.calls);
    const month = (await (await ann.api("GET", "/api/audit/stats?window=30d")).json()) as Stats;
    expect(month.series).toHaveLength(30);
    const bad = await ann.api("GET", "/api/audit/stats?window=1y");
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
  });

  it("shows the latest checkpoint, and the last verification once there is one", async () => {
    const s = await eventually(async () => {
      const b = (await (await ann.api("GET", "/api/audit/stats")).json()) as Stats;
      return b.checkpoint ? b : undefined;
    });
    expect(s!.checkpoint!.size).toBeGreaterThan(0);
    expect(s!.checkpoint!.root).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s!.last_verify).toBeNull();
    expect(await (await ann.get("/console")).text()).toContain("never verified");
    t.custos.server.deps.audit.emit({ type: "audit.verify", fields: { verify: { ok: true, tree_size: 42, duration_ms: 17, problems: 0 } } }, { urgent: true });
    const after = await eventually(async () => {
      const b = (await (await ann.api("GET", "/api/audit/stats")).json()) as Stats;
      return b.last_verify ? b : undefined;
    });
    expect(after!.last_verify).toMatchObject({ ok: true, tree_size: 42, duration_ms: 17, problems: 0 });
    const html = await (await ann.get("/console")).text();
    expect(stat(html, "last-verify")).toBe("verified");
    expect(html).toContain("42 entries");
  });

  it("is for auditors (administrators include the auditor's rights): 401 without credentials, 403 for a user", async () => {
    expect((await fetch(`${t.custos.url}/api/audit/stats`)).status).toBe(401);
    const user = await bearer(["user"], "/api/audit/stats");
    expect(user.status).toBe(403);
    expect(user.headers.get("content-type")).toContain("application/problem+json");
    expect((await bearer(["admin"], "/api/audit/stats")).status).toBe(200);
    expect((await bearer(["auditor"], "/api/audit/stats")).status).toBe(200);
  });

  it("is itself an audit event", async () => {
    await ann.api("GET", "/api/audit/stats?window=7d");
    const found = await eventually(async () => {
      const rows = await t.custos.server.deps.storage.audit.search({ type: "audit.access", limit: 50 });
      return rows.map(decodeEntry).find((e) => (e.access as { path?: string } | undefined)?.path === "/api/audit/stats");
    });
    expect(found).toBeTruthy();
  });
});

describe("the Overview page", () => {
  it("shows the same totals, the charts and the breakdowns", async () => {
    const res = await ann.get("/console");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(stat(html, "total-requests")).toBe(String(t.calls));
    expect(stat(html, "total-denials")).toBe(String(t.denials));
    expect(stat(html, "total-redactions")).toBe("1");
    expect(html).toContain('id="chart-requests"');
    expect(html).toContain('id="chart-tokens"');
    expect(bars(html, "chart-requests")).toBe(24);
    expect(html).toMatch(/<table id="by-team">[\s\S]*alpha[\s\S]*<\/table>/);
    expect(html).toMatch(/<table id="by-pii">[\s\S]*EMAIL[\s\S]*<\/table>/);
    // The page's only scripts are its own files; no inline script, no style attributes.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\sstyle=/);
  });

  it("switches to a 7-day window with a GET form", async () => {
    const html = await (await ann.get("/console?window=7d")).text();
    expect(html).toMatch(/<option value="7d" selected/);
    expect(bars(html, "chart-requests")).toBe(7);
    expect(await (await ann.get("/console?window=nope")).text()).toContain("Unknown window");
  });

  it("renders markup from the log as text", async () => {
    const html = await (await ann.get("/console")).text();
    expect(html).not.toContain(XSS_MODEL);
    expect(html).not.toContain(XSS_TEAM);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("&lt;b id=&quot;xss-team&quot;&gt;t&lt;/b&gt;");
  });

  it("needs a session, an auditor role, and a CSRF token for anything but GET", async () => {
    const anon = await fetch(`${t.custos.url}/console?window=7d`, { redirect: "manual" });
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toMatch(/^\/console\/login\?/);
    expect(new URL(anon.headers.get("location")!, t.custos.url).searchParams.get("return_to")).toBe("/console?window=7d");
    const admin = await signInWithLink(t.custos, "adam", ["admin"]);
    expect((await admin.get("/console")).status).toBe(200);
    const content = await signInWithLink(t.custos, "carol", ["auditor_content"]);
    expect((await content.get("/console")).status).toBe(200);
    expect((await content.api("GET", "/api/audit/stats")).status).toBe(200);
    const post = await ann.post("/console", {}, { csrf: false });
    expect(post.status).toBe(403);
    expect(post.headers.get("x-custos-error-code")).toBe("csrf_rejected");
  });

  it("refuses to sign in someone who only has the user role", async () => {
    const res = await fetch(await t.custos.consoleLink("uma", ["user"]), { redirect: "manual" });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().join("")).not.toContain("custos_console=");
  });
});
