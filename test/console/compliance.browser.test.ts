// In a real Chromium: an auditor_content officer looks a person up by email, places a legal
// hold on their pseudonym, is refused when erasing them (the refusal names the hold),
// reveals a call's prompt (markup in it stays text), releases the hold, erases the person
// (the page says what was destroyed) and sees the content is now destroyed. The pages log no
// errors and open no dialogs. Screenshots: "holds", "subjects", "subjects-refused",
// "reveal", "subjects-erased", "reveal-destroyed" (in test-artifacts/screenshots/; the
// README's docs/console/holds.png and subjects.png are copies).
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generateSigningKey } from "../../src/audit/checkpoint.ts";
import { mintDevToken } from "../../src/identity/dev-issuer.ts";
import { devIssuerKey } from "../../src/runtime/node-files.ts";
import { describeBrowser, launchBrowser, newPage, screenshot } from "../helpers/browser.ts";
import { eventually, openPolicies, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { DATABASE_URL, freshDatabase, type FreshDb } from "../helpers/pg.ts";
import { XSS, EMAIL, PROMPT, HR } from "./compliance-fixture.ts";


let custos: TestCustos;
let db: FreshDb | undefined;
let browser: Browser;
let call: string;

describeBrowser("holds, data subjects and content reveal in a browser", () => {
  beforeAll(async () => {
    db = DATABASE_URL ? await freshDatabase("custos_console_compliance") : undefined;
    const pg: Record<string, string> = db ? { DATABASE_URL: db.url, CUSTOS_API_KEY_PEPPER: randomBytes(24).toString("base64url"), CUSTOS_KEK: randomBytes(32).toString("hex"), CUSTOS_SIGNING_KEY: JSON.stringify(await generateSigningKey()) } : {};
    custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), policies: { ...openPolicies(["demo"]), "teams/hr.yaml": HR }, env: pg });
    const key = await devIssuerKey(path.join(custos.dir, ".custos"), () => {});
    const token = await mintDevToken(key, { sub: "erin-0042", teams: ["hr"], roles: ["user"], ttl: 600, email: EMAIL });
    for (const content of [PROMPT, "Draft a reply to Erin about her leave request."]) {
      const res = await fetch(`${custos.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ model: "custos-echo", messages: [{ role: "user", content }] }) });
      expect(res.status).toBe(200);
      call ||= res.headers.get("x-request-id")!;
    }
    await custos.server.deps.audit.flush();
    expect(await eventually(async () => (await custos.server.deps.storage.audit.content(call)).length > 0, { timeoutMs: 10_000 })).toBe(true);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await custos?.close();
    await db?.drop();
  });

  it("looks a person up, holds them, is refused erasure, reveals a prompt, releases the hold and erases them", async () => {
    const { page, context, errors } = await newPage(browser, { baseURL: custos.url });
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(await custos.consoleLink("carla", ["auditor_content"]));
    await page.waitForURL(/\/console$/);

    const lookUp = async () => {
      await page.goto("/console/subjects");
      await page.fill('#lookup-form input[name="email"]', EMAIL);
      await page.fill('#lookup-form input[name="justification"]', "DSAR ticket 2026-0042 (GDPR Art. 15)");
      await page.click("#lookup");
      await page.waitForURL(/\/console\/subjects\/lookup$/);
    };
    await lookUp();
    const pseudonym = (await page.getAttribute("div.subject", "data-pseudonym"))!;
    expect(pseudonym).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(await page.textContent(`#subject-${pseudonym}`)).toContain("2 calls");
    expect(await page.$(`#subject-${pseudonym} a[href="/console/events/${call}"]`)).not.toBeNull();

    // Hold the person from the Holds view (reached from the navigation).
    await page.click('header nav a[href="/console/holds"]');
    await page.waitForURL(/\/console\/holds$/);
    await page.fill('#place-form input[name="reason"]', `Employment tribunal claim ET-2026-311 ${XSS}`);
    await page.fill('#place-form input[name="subject"]', pseudonym);
    await page.click("#place");
    await page.waitForURL(/\/console\/holds\?done=placed$/);
    const row = page.locator("#holds tbody tr").first();
    const hold = (await row.getAttribute("data-id"))!;
    expect(await row.textContent()).toContain(`subject ${pseudonym}`);
    expect(await row.locator(".reason").textContent()).toBe(`Employment tribunal claim ET-2026-311 ${XSS}`);
    expect(await page.$('img[src="x"]')).toBeNull();
    await screenshot(page, "holds");

    // The look-up now names the hold, and erasure is refused, naming it.
    await lookUp();
    expect(await page.textContent(`#subject-${pseudonym} ul.holds`)).toContain(hold);
    await screenshot(page, "subjects");
    const erase = async () => {
      await page.fill(`#subject-${pseudonym} .erase-form input[name="justification"]`, "Art. 17 request 2026-0042");
      await page.check(`#subject-${pseudonym} .erase-form input[name="confirm"]`);
      await page.click(`#subject-${pseudonym} .erase-form button[type="submit"]`);
      await page.waitForURL(new RegExp(`/console/subjects/${pseudonym}/erase$`));
    };
    await erase();
    expect(await page.textContent("#flash")).toContain(`Legal hold ${hold} covers this person's events`);
    await screenshot(page, "subjects-refused");

    // Reveal the first call's prompt: shown as text.
    await page.goto(`/console/subjects/reveal?event=${call}`);
    expect(await page.inputValue('#reveal-form input[name="event"]')).toBe(call);
    await page.fill('#reveal-form input[name="justification"]', "Reviewing what was shared for the tribunal");
    await page.click("#reveal");
    await page.waitForURL(/\/console\/subjects\/reveal$/);
    expect(await page.textContent('#revealed section[data-part="input"] pre')).toContain(PROMPT);
    expect(await page.$('img[src="x"]')).toBeNull();
    await screenshot(page, "reveal");
    // The answer is the call's llm.response event, revealed on its own.
    await page.click('#other-events a:text("the answer")');
    await page.waitForURL(/\/console\/subjects\/reveal\?event=/);
    await page.fill('#reveal-form input[name="justification"]', "Reviewing what was answered for the tribunal");
    await page.click("#reveal");
    await page.waitForURL(/\/console\/subjects\/reveal$/);
    expect(await page.textContent('#revealed section[data-part="output"] pre')).toContain("Summarise ticket 4711");
    expect(await page.$('img[src="x"]')).toBeNull();

    // Release the hold (a reason is required), then erasure goes through.
    await page.goto("/console/holds");
    await page.fill(`tr[data-id="${hold}"] form.release input[name="reason"]`, "Claim withdrawn on 2026-11-30");
    await page.click(`tr[data-id="${hold}"] form.release button`);
    await page.waitForURL(/\/console\/holds\?done=released$/);
    expect(await page.textContent(`#released tr[data-id="${hold}"]`)).toContain("Claim withdrawn on 2026-11-30");
    await lookUp();
    expect(await page.textContent(`#subject-${pseudonym}`)).toContain("None: erasure is possible.");
    await erase();
    expect(await page.textContent("#erased")).toMatch(new RegExp(`Erased ${pseudonym}: [1-9]\\d* content keys? destroyed`));
    await screenshot(page, "subjects-erased");
    await lookUp();
    expect(await page.$("#none-found")).not.toBeNull();

    await page.goto(`/console/subjects/reveal?event=${call}`);
    await page.fill('#reveal-form input[name="justification"]', "Confirming the erasure took effect");
    await page.click("#reveal");
    await page.waitForURL(/\/console\/subjects\/reveal$/);
    expect(await page.textContent('#revealed section[data-part="input"]')).toContain("destroyed (erasure or retention)");
    await screenshot(page, "reveal-destroyed");

    expect(dialogs).toEqual([]);
    // The refusal is a 409 page, which Chromium reports as a failed load; nothing else.
    expect(errors).toEqual([expect.stringMatching(new RegExp(`status of 409 \\(Conflict\\) \\(http://[^/]+/console/subjects/${pseudonym}/erase\\)$`))]);
    await context.close();
  }, 90_000);
});
