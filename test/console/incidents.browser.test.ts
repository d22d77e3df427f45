// The Incidents views in a real Chromium: an auditor opens an incident from an event page's
// link (the form comes prefilled with the event), sees its deadlines, adds a note and a
// submission through the forms, opens the printable report and downloads the evidence tar
// (reports per regime and an inclusion proof per event). Markup typed in the form renders as
// text. Screenshots "incidents-list", "incident-new", "incident-detail", "incident-report";
// the README's docs/console/incidents.png and incident-report.png are copies of the last two.
import type { Browser } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import { describeBrowser, launchBrowser, newPage, screenshot } from "../helpers/browser.ts";
import { signInWithLink } from "../helpers/console.ts";
import { eventually, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";
import { DATABASE_URL, freshDatabase, type FreshDb } from "../helpers/pg.ts";

const XSS = `<img src=x id="xss-title" onerror=alert(1)>`;

describeBrowser("the Incidents views in Chromium", () => {
  let browser: Browser;
  let custos: TestCustos;
  let fake: FakeProvider;
  let db: FreshDb | undefined;
  const calls: string[] = [];

  beforeAll(async () => {
    fake = await startFakeProvider();
    db = DATABASE_URL ? await freshDatabase("console_incidents_browser") : undefined;
    const pg: Record<string, string> = db
      ? { DATABASE_URL: db.url, CUSTOS_API_KEY_PEPPER: "console-incidents-pepper-0123456789abcdef", CUSTOS_KEK: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", CUSTOS_SIGNING_KEY: JSON.stringify(await generateSigningKey()) }
      : {};
    custos = await startCustos({ providers: testProviders(fake.url), env: { CUSTOS_AUDIT_CHECKPOINT_INTERVAL_MS: "100", CUSTOS_AUDIT_INTEGRATE_INTERVAL_MS: "20", ...pg } });
    for (const [team, content] of [["demo", "Summarise the contract"], ["research", "Draft a reply to ann@example.com"], ["demo", "Hello"]]) {
      const res = await fetch(`${custos.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${await custos.token("alice", [team!])}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content }] }),
      });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      calls.push(res.headers.get("x-request-id")!);
    }
    const store = custos.server.deps.storage.audit;
    await eventually(async () => (await Promise.all(calls.map((id) => store.event(id)))).every(Boolean), { timeoutMs: 30_000 });
    // An older incident through /api, so the list has one that is overdue.
    const officer = await signInWithLink(custos, "olga", ["auditor"]);
    const old = await officer.api("POST", "/api/incidents", { title: "Model answered with another customer's data", regimes: ["gdpr_art33", "nis2_art23"], aware_at: new Date(Date.now() - 4 * 86_400_000).toISOString(), event_ids: [calls[2]], team: "demo" });
    expect(old.status).toBe(201);
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await custos?.close();
    await fake?.close();
    await db?.drop();
  });

  it("opens an incident from the event page, works it through the forms, prints a report and downloads the evidence", async () => {
    const { page, context, errors } = await newPage(browser, { baseURL: custos.url });
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(await custos.consoleLink("ann", ["auditor"]));

    await page.goto("/console/incidents");
    const oldRow = page.locator("#incidents tbody tr").first();
    expect(await oldRow.locator(".dl-overdue").textContent()).toBe("OVERDUE");
    expect(await oldRow.locator(".overdue-count").textContent()).toBe("3"); // GDPR 72 h, NIS2 24 h and 72 h
    await screenshot(page, "incidents-list");

    // From the event page's link: the form arrives with the event filled in.
    await page.goto(`/console/events/${calls[1]}`);
    await page.click("#open-incident");
    await page.waitForURL(/\/console\/incidents\?event=/);
    expect((await page.inputValue("#o-events")).trim()).toBe(calls[1]);
    await page.fill("#o-title", `Personal data sent to the model ${XSS}`);
    await page.fill("#o-description", "A prompt carried a customer's e-mail address to an upstream model.\nRedaction was off for the research team.");
    await page.check('input[name="regimes"][value="gdpr_art33"]');
    await page.check('input[name="regimes"][value="ai_act_art73"]');
    await page.selectOption("#o-case", "fundamental_rights");
    await page.fill("#o-aware", new Date(Date.now() - 3 * 3600_000).toISOString().slice(0, 16));
    await page.fill("#o-team", "research");
    await page.fill("#o-states", "DE, AT");
    await page.locator("#open").scrollIntoViewIfNeeded();
    await screenshot(page, "incident-new");
    await page.click("#open-submit");
    await page.waitForURL(/\/console\/incidents\/inc_[\w-]+\?done=opened$/);
    const id = /\/console\/incidents\/(inc_[\w-]+)/.exec(page.url())![1]!;

    // The title is text, not an element; the deadlines of both regimes are there, due.
    expect(await page.textContent("#incident-title")).toBe(`Personal data sent to the model ${XSS}`);
    expect(await page.locator("#xss-title").count()).toBe(0);
    expect(await page.locator('#deadlines tr[data-regime="gdpr_art33"][data-stage="notification"] .dl-due').textContent()).toBe("due");
    expect(await page.locator('#deadlines tr[data-regime="ai_act_art73"][data-stage="report"]').getAttribute("data-status")).toBe("due");
    expect(await page.textContent("#next-due")).toContain("GDPR Art. 33 notification");
    expect(await page.locator(`#linked-events a[href="/console/events/${calls[1]}"]`).count()).toBe(1);

    // A note, then the GDPR notification as filed.
    await page.fill('#note-form textarea[name="text"]', "DPO informed by phone; upstream provider asked to delete the request.");
    await page.click('#note-form button[type="submit"]');
    await page.waitForURL(/\?done=note$/);
    expect(await page.locator('#timeline tr[data-kind="note"]').textContent()).toContain("DPO informed by phone");
    await page.selectOption('#submission-form select[name="regime"]', "gdpr_art33");
    await page.selectOption('#submission-form select[name="stage"]', "notification");
    await page.fill('#submission-form input[name="reference"]', "BfDI-2026-0412");
    await page.click('#submission-form button[type="submit"]');
    await page.waitForURL(/\?done=submission$/);
    expect(await page.locator('#deadlines tr[data-regime="gdpr_art33"][data-stage="notification"]').getAttribute("data-status")).toBe("met");
    expect(await page.locator('#timeline tr[data-kind="submission"]').textContent()).toContain("BfDI-2026-0412");
    await page.fill('textarea[name="detail.likely_consequences"]', "Low: one address, no further processing by the provider.");
    await page.click('#update-form button[type="submit"]');
    await page.waitForURL(/\?done=update$/);
    expect(await page.inputValue('textarea[name="detail.likely_consequences"]')).toBe("Low: one address, no further processing by the provider.");
    await screenshot(page, "incident-detail");
    await screenshot(page, "incident-detail");

    // The evidence tar: a report per regime and an inclusion proof per linked event.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#evidence")]);
    expect(download.suggestedFilename()).toBe(`incident-${id}.tar`);
    const dir = await mkdtemp(path.join(tmpdir(), "custos-incident-"));
    try {
      await download.saveAs(path.join(dir, "evidence.tar"));
      const names = execFileSync("tar", ["-tf", path.join(dir, "evidence.tar")], { encoding: "utf8" }).split("\n");
      expect(names).toEqual(expect.arrayContaining([`incident-${id}/reports/gdpr_art33.json`, `incident-${id}/reports/ai_act_art73.json`, `incident-${id}/proofs/${calls[1]}.tlog-proof`]));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    expect(errors).toEqual([]);

    // The printable GDPR report: the incident's text escaped, marked initial while answers are missing.
    await page.click('#reports li[data-regime="gdpr_art33"] a.report-html');
    await page.waitForURL(/\/api\/incidents\/.+\/report\?regime=gdpr_art33&format=html$/);
    expect(await page.locator("h1").first().textContent()).toContain("GDPR");
    expect(await page.textContent("body")).toContain(`Personal data sent to the model ${XSS}`);
    expect(await page.locator("#xss-title").count()).toBe(0);
    expect(await page.textContent("body")).toContain("INITIAL — INCOMPLETE");
    await screenshot(page, "incident-report");

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
