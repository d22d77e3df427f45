// In a real Chromium: an auditor signs in and lands on the Overview (totals, SVG charts
// with a tooltip per bar, breakdowns), changes the window with the form, opens Policies
// (rules in words, shadow would-be denials) and follows a would-be denial to its event.
// Markup from the log creates no elements, and the pages log no errors (the CSP would
// report an inline style or script). Screenshots: "overview", "policies".
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeBrowser, launchBrowser, newPage, screenshot } from "../helpers/browser.ts";
import { startTraffic, stopTraffic, type Traffic } from "./stats-fixture.ts";

let t: Traffic;
let browser: Browser;

describeBrowser("the Overview and Policies views in a browser", () => {
  beforeAll(async () => {
    t = await startTraffic();
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopTraffic(t);
  });

  it("shows the overview, switches the window, and shows the policies", async () => {
    const { page, context, errors } = await newPage(browser, { baseURL: t.custos.url });
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(await t.custos.consoleLink("ann", ["auditor"]));
    await page.waitForURL(/\/console$/);
    expect((await page.textContent("#total-requests .n"))!.trim()).toBe(String(t.calls));
    expect((await page.textContent("#total-denials .n"))!.trim()).toBe(String(t.denials));
    expect(await page.$$eval("#chart-requests rect.bar", (rs) => rs.length)).toBe(24);
    // The last hour's bar says what it counts when hovered.
    expect(await page.$$eval("#chart-requests rect.bar", (rs) => rs.at(-1)!.querySelector("title")!.textContent)).toMatch(new RegExp(`: ${t.calls} requests$`));
    expect(await page.textContent("#by-team")).toContain("alpha");
    // The markup team and model are text: no element was made from them.
    expect(await page.$("#xss-team")).toBeNull();
    expect(await page.$('img[src="x"]')).toBeNull();
    expect(await page.textContent("#by-model")).toContain("<img src=x onerror=alert(1)>");
    await screenshot(page, "overview");

    await page.selectOption("#window", "7d");
    await page.click("#window-form button[type=submit]");
    await page.waitForURL(/\/console\?window=7d$/);
    expect(await page.$$eval("#chart-requests rect.bar", (rs) => rs.length)).toBe(7);

    await page.click('header nav a[href="/console/policies"]');
    await page.waitForURL(/\/console\/policies$/);
    expect((await page.textContent("#policy-version"))!.trim()).toBe(t.custos.server.deps.policies.current.version);
    expect(await page.textContent('#rules-baseline tr[data-rule="base.no-gpt41"]')).toContain("denies models gpt-4.1");
    expect(await page.textContent('#rules-alpha tr[data-rule="alpha.no-mini"]')).toContain("shadow");
    expect(await page.textContent("#shadow-rules")).toContain("alpha.no-mini: 1 call");
    expect(await page.$("svg[onload]")).toBeNull();
    await screenshot(page, "policies");

    const link = page.locator("#shadow-latest tr", { hasText: "alpha.no-mini" }).locator('a[href^="/console/events/"]');
    const href = (await link.getAttribute("href"))!;
    await link.click();
    await page.waitForURL(new RegExp(`${href}$`));
    expect(dialogs).toEqual([]);
    expect(errors.filter((e) => !e.includes("/console/events/"))).toEqual([]);
    await context.close();
  });
});
