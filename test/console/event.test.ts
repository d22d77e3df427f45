// The event page (/console/events/:id): every recorded field and the stored bytes, the
// decision with each rule's description from the active bundle (or that the rule is gone),
// the redaction summary, the trace id, the call's other events, and what the in-browser
// proof check needs (the API adds the entry's bytes and the log's key, and checks the same
// proof on the server for browsers without Web Crypto). Markup from the log stays text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leafHash } from "../../src/audit/merkle.ts";
import { nodeSha256 } from "../../src/runtime/node-audit.ts";
import { generateSigningKey, importSigningKey } from "../../src/audit/checkpoint.ts";
import { signInWithLink, type ConsoleClient } from "../helpers/console.ts";
import { startLog, stopLog, XSS_MODEL, XSS_TEAM, type Log } from "./search-fixture.ts";

let log: Log;
let ann: ConsoleClient;

const b64u = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

beforeAll(async () => {
  log = await startLog("console_event");
  ann = await signInWithLink(log.custos, "ann", ["auditor"]);
}, 180_000);

afterAll(async () => {
  await stopLog(log);
});

describe("the event page", () => {
  it("shows a denial's rule with its description, every field, the stored bytes, and the trace id", async () => {
    const denied = log.calls[2]!;
    const res = await ann.get(`/console/events/${denied}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const body = text(html);
    expect(body).toContain("base.no-gpt41");
    expect(body).toContain("denied the call");
    expect(body).toContain("GPT-4.1 is not approved for use");
    expect(body).toContain("org.yaml");
    const api = (await (await ann.api("GET", `/api/audit/events/${denied}`)).json()) as { entry_b64url: string; event: { entry: { trace?: { trace_id: string } } } };
    const stored = new TextDecoder().decode(b64u(api.entry_b64url));
    expect(text(/<pre id="raw-entry">([\s\S]*?)<\/pre>/.exec(html)![1]!)).toBe(stored);
    expect(body).toContain("request.model");
    expect(body).toContain("gpt-4.1");
    const traceId = api.event.entry.trace?.trace_id;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(/<span class="mono" id="trace-id">([0-9a-f]+)<\/span>/.exec(html)?.[1]).toBe(traceId);
    expect(html).toContain(`data-event-id="${denied}"`);
    expect(html).toContain('<ol class="steps" id="proof-steps"></ol>');
    expect(html).toContain('<script type="module" src="/console/assets/event-page.js"></script>');
    expect(/id="log-key-id">([^<]+)</.exec(html)?.[1]).toBe(log.custos.server.deps.logKey!.publicJwk.kid);
  });

  it("shows shadow rules, the redaction summary and the call's other events", async () => {
    const call = log.calls[1]!;
    const html = await (await ann.get(`/console/events/${call}`)).text();
    const body = text(html);
    expect(body).toContain("alpha.no-mini");
    expect(body).toContain("would have denied (shadow");
    expect(body).toContain("Alpha is moving off gpt-4o-mini (watching first)");
    expect(body).toContain("base.pii");
    expect(body).toContain("E-mail addresses are redacted before they leave");
    expect(/<div class="card" id="redaction">[\s\S]*?EMAIL[\s\S]*?<td class="num">1<\/td>[\s\S]*?redact/.test(html)).toBe(true);
    // The response event links back to its request, and the request to the response.
    const response = (await log.custos.server.deps.storage.audit.eventsOfRequest(call)).find((e) => e.type === "llm.response")!;
    expect(html).toContain(`href="/console/events/${response.eventId}"`);
    const back = await (await ann.get(`/console/events/${response.eventId}`)).text();
    expect(back).toContain(`href="/console/events/${call}"`);
  });

  it("says when a rule is no longer in the active bundle", async () => {
    const html = text(await (await ann.get(`/console/events/${log.xss}`)).text());
    expect(html).toContain("gone.rule");
    expect(html).toContain("rule no longer in the active bundle");
  });

  it("renders markup from the log as text", async () => {
    const html = await (await ann.get(`/console/events/${log.xss}`)).text();
    expect(html).not.toContain(XSS_TEAM);
    expect(html).not.toContain(XSS_MODEL);
    expect(html).toContain('<dd id="event-team">&lt;b id=&quot;xss-team&quot;&gt;t&lt;/b&gt;</dd>');
    expect(html).toContain('<dd id="event-model">&lt;img src=x id=&quot;xss-model&quot; onerror=alert(1)&gt;</dd>');
    // The call with markup in its prompt: the prompt is not in the log at all.
    const prompt = await (await ann.get(`/console/events/${log.calls[3]}`)).text();
    expect(prompt).not.toContain("xss-prompt");
  });

  it("is a 404 page for an unknown or malformed id, and needs a session", async () => {
    expect((await ann.get("/console/events/00000000-0000-7000-8000-000000000000")).status).toBe(404);
    expect((await ann.get("/console/events/nope")).status).toBe(404);
    const anon = await fetch(`${log.custos.url}/console/events/${log.calls[0]}`, { redirect: "manual" });
    expect(anon.status).toBe(302);
  });
});

describe("the proof behind the page's check", () => {
  it("gives the stored bytes (which hash to the proven leaf) and the log's key", async () => {
    const body = (await (await ann.api("GET", `/api/audit/events/${log.calls[0]}`)).json()) as { entry_b64url: string; log_key: { origin: string; public_jwk: { kid: string; x: string } }; proof: { leaf: string } };
    expect(Buffer.from(leafHash(nodeSha256, b64u(body.entry_b64url))).toString("base64url")).toBe(body.proof.leaf);
    expect(body.log_key).toEqual({ origin: log.custos.server.deps.logKey!.origin, public_jwk: log.custos.server.deps.logKey!.publicJwk });
  });

  it("is checked by the server on request, step by step, and fails at the signature for another key", async () => {
    const ok = (await (await ann.api("GET", `/api/audit/events/${log.calls[0]}/proof-check`)).json()) as { ok: boolean; checked_by: string; steps: { id: string; ok: boolean | null; detail: string }[] };
    expect(ok).toMatchObject({ ok: true, checked_by: "server" });
    expect(ok.steps.map((s) => [s.id, s.ok])).toEqual([
      ["leaf", true],
      ["path", true],
      ["checkpoint", true],
      ["jws", true],
      ["note", true],
    ]);
    const deps = log.custos.server.deps;
    const real = deps.logKey!;
    const other = await importSigningKey(await generateSigningKey());
    if (!other.ok) throw other.error;
    deps.logKey = { origin: real.origin, publicJwk: other.value.publicJwk };
    try {
      const bad = (await (await ann.api("GET", `/api/audit/events/${log.calls[0]}/proof-check`)).json()) as typeof ok;
      expect(bad.ok).toBe(false);
      expect(bad.steps.map((s) => s.ok)).toEqual([true, true, true, false, false]);
    } finally {
      deps.logKey = real;
    }
  });
});
