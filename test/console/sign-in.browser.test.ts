// Signing in to the console in Chromium through a real OpenID Provider on loopback: the
// sign-in page, the IdP's form, back in the console, sign-out; and a user without a
// console role is refused. Screenshots: test-artifacts/screenshots/sign-in*.png.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeBrowser, launchBrowser, newPage, screenshot } from "../helpers/browser.ts";
import { consoleIdentityYaml } from "../helpers/console.ts";
import { freePort, startCustos, testProviders, type TestCustos } from "../helpers/custos.ts";
import { startOidcProvider, type OidcOp } from "../helpers/oidc-op.ts";

describeBrowser("console sign-in in a browser", () => {
  let op: OidcOp;
  let custos: TestCustos;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    op = await startOidcProvider({
      clients: [{ client_id: "custos-console", redirect_uris: [`${base}/console/callback`] }],
      accounts: { ann: { email: "ann@example.test", groups: ["custos-auditors"] }, bob: { email: "bob@example.test", groups: ["grp-ai-demo"] } },
    });
    custos = await startCustos({ providers: testProviders("http://127.0.0.1:9"), port, identityYaml: consoleIdentityYaml(op.issuer, { id: "custos-console" }) });
    browser = await launchBrowser();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await custos?.close();
    await op?.close();
  });

  it("signs an auditor in with SSO (a public client with PKCE) and out again", async () => {
    const { page, errors } = await newPage(browser, { baseURL: base });
    await page.goto("/console/session");
    expect(new URL(page.url()).pathname).toBe("/console/login");
    await screenshot(page, "sign-in");
    await page.click("#sign-in-corp");
    await page.waitForSelector("#login");
    expect(page.url().startsWith(op.issuer)).toBe(true);
    await page.fill("#login", "ann");
    await page.click("#sign-in");
    await page.waitForURL(`${base}/console/session`);
    expect(await page.textContent("#signed-in-as")).toContain("ann@example.test");
    expect(await page.textContent("#session-roles")).toBe("auditor");
    await page.click("#sign-out");
    await page.waitForURL(`${base}/console/login`);
    await page.goto("/console/session");
    expect(new URL(page.url()).pathname).toBe("/console/login");
    expect(errors).toEqual([]);
  });

  it("refuses a user whose groups give no console role", async () => {
    const { page } = await newPage(browser, { baseURL: base });
    await page.goto("/console/login");
    await page.click("#sign-in-corp");
    await page.fill("#login", "bob");
    await page.click("#sign-in");
    await page.waitForSelector("#refusal");
    expect(await page.textContent("h1")).toBe("No access to the console");
    await screenshot(page, "sign-in-refused");
    const cookies = await page.context().cookies(base);
    expect(cookies.find((c) => c.name === "custos_console")).toBeUndefined();
  });
});
