// The Integrity and Admin views in a real Chromium: an auditor runs verify from the page and
// watches it pass, sees each checkpoint's consistency with the one before checked (✓) by the
// browser itself; an admin suspends a model through the form and sees the reason's markup as
// text. Screenshots "integrity" and "admin" for the README's tour.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeBrowser, launchBrowser, newPage, screenshot } from "../helpers/browser.ts";
import { startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { startFakeProvider, type FakeProvider } from "../helpers/fake-provider.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeBrowser("the Integrity and Admin views in Chromium", () => {
  let browser: Browser;
  let custos: TestCustos;
  let fake: FakeProvider;

  beforeAll(async () => {
    fake = await startFakeProvider();
    custos = await startCustos({ providers: testProviders(fake.url), env: { CUSTOS_AUDIT_CHECKPOINT_INTERVAL_MS: "150", CUSTOS_AUDIT_INTEGRATE_INTERVAL_MS: "30" } });
    const token = await custos.token("alice", ["demo"]);
    for (let b = 0; b < 4; b++) {
      await Promise.all(
        Array.from({ length: 3 }, async () => {
          const res = await fetch(`${custos.url}/v1/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ model: "custos-echo", messages: [{ role: "user", content: "hello" }] }),
          });
          await res.arrayBuffer();
        }),
      );
      await sleep(300);
    }
    await custos.server.deps.audit.flush();
    await custos.server.deps.checkpointNow!();
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await custos?.close();
    await fake?.close();
  });

  it("an auditor runs verify from the page, sees it pass with its checks, and the history's consistency checked in the browser", async () => {
    const { page, context, errors } = await newPage(browser);
    try {
      await page.goto(await custos.consoleLink("ann", ["auditor"]));
      // The newest checkpoint is anchored just after it is stored (each page view is an event, so one is signed often).
      for (let i = 0; i < 10; i++) {
        await page.goto(`${custos.url}/console/integrity`);
        if ((await page.locator("#anchor-status").textContent())?.includes("is anchored")) break;
      }
      // Every consecutive pair on the page is marked consistent by the browser's own check.
      const rows = page.locator("#checkpoints tbody tr[data-size]");
      const n = await rows.count();
      expect(n).toBeGreaterThanOrEqual(3);
      await page.waitForFunction((count) => document.querySelectorAll("#checkpoints td.consistency[data-ok]").length === count - 1, n, { timeout: 15_000 });
      expect(await page.locator("#checkpoints td.consistency[data-ok='false']").count()).toBe(0);
      expect(await page.locator("#checkpoints td.consistency.ok").first().textContent()).toMatch(/^\u2713 consistent with [\d,]+/);
      await expect.poll(() => page.locator("#consistency-summary").textContent()).toMatch(/checked consistent in your browser/);
      expect(await page.locator("#anchor-status").textContent()).toContain("is anchored outside the database");

      await page.click("#verify-run");
      await page.waitForFunction(() => document.getElementById("verify-status")?.dataset.state === "passed" || document.getElementById("verify-status")?.dataset.state === "failed", undefined, { timeout: 60_000 });
      expect(await page.locator("#verify-status").textContent()).toMatch(/^Passed: the log is intact/);
      expect(await page.locator("#verify-progress").evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);
      const checks = await page.locator("#verify-checks li").allTextContents();
      expect(checks.length).toBeGreaterThanOrEqual(10);
      expect(checks.some((t) => t.includes("entry hashes"))).toBe(true);
      expect(await page.locator("#verify-checks li.bad").count()).toBe(0);
      await screenshot(page, "integrity");
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it("marks a pair ✗ when a root does not match its proof: the check is the browser's own (the page's HTML altered in transit)", async () => {
    const { page, context } = await newPage(browser);
    try {
      await page.goto(await custos.consoleLink("ann", ["auditor"]));
      let altered = "";
      await page.route("**/console/integrity", async (route) => {
        const res = await route.fetch();
        let html = await res.text();
        // The second row's root, one character changed (still 32 bytes of base64url).
        const roots = [...html.matchAll(/data-root="([A-Za-z0-9_-]{43})"/g)].map((m) => m[1]!);
        const root = roots[1]!;
        altered = `${root.slice(0, 10)}${root[10] === "A" ? "B" : "A"}${root.slice(11)}`;
        html = html.replace(`data-root="${root}"`, `data-root="${altered}"`);
        await route.fulfill({ response: res, body: html });
      });
      await page.goto(`${custos.url}/console/integrity`);
      expect(altered).not.toBe("");
      await page.waitForFunction(() => document.querySelectorAll("#checkpoints td.consistency[data-ok='false']").length > 0, undefined, { timeout: 15_000 });
      const bad = await page.locator("#checkpoints td.consistency[data-ok='false']").allTextContents();
      expect(bad[0]).toMatch(/^\u2717 NOT consistent with/);
      await expect.poll(() => page.locator("#consistency-summary").textContent()).toMatch(/NOT consistent/);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("an admin suspends a model from the form (the reason's markup stays text) and resumes it", async () => {
    const { page, context, errors } = await newPage(browser);
    try {
      const admin = await custos.token("root", ["demo"], { roles: ["admin"] });
      for (const [team, name] of [["demo", "nightly batch"], ["research", "notebook"]]) {
        const res = await fetch(`${custos.url}/api/admin/keys`, { method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify({ team, name, expires_in_days: 90 }) });
        expect(res.status).toBe(201);
      }
      await page.goto(await custos.consoleLink("root", ["admin"]));
      await page.goto(`${custos.url}/console/admin`);
      await page.selectOption("#suspend-form select[name=kind]", "model");
      await page.fill("#suspend-form input[name=name]", "gpt-4o-mini");
      await page.fill("#suspend-form input[name=reason]", "incident <img src=x onerror=alert(1)>");
      await page.click("#suspend");
      await page.waitForURL(/\/console\/admin\?done=suspended$/);
      const row = page.locator('#suspensions tr[data-name="gpt-4o-mini"]');
      expect(await row.locator("td").nth(2).textContent()).toBe("incident <img src=x onerror=alert(1)>");
      expect(await page.locator("#suspensions img").count()).toBe(0);
      await screenshot(page, "admin");
      await row.locator("button", { hasText: "Resume" }).click();
      await page.waitForURL(/\/console\/admin\?done=resumed$/);
      expect(await page.locator("#no-suspensions").count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
