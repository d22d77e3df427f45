// Real-browser tests with the system Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core, which never downloads a browser. Locally the browser tests skip when
// there is no Chromium; in CI they fail instead, so a missing browser is never mistaken
// for a pass.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { describe, it } from "vitest";

const MISSING = "Chromium is required in CI: apt-get install chromium (or set CHROMIUM_PATH)";

/** CHROMIUM_PATH, else /usr/bin/chromium, if the file exists. */
export function chromiumPath(): string | undefined {
  const p = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  return existsSync(p) ? p : undefined;
}

const inCi = () => !["", "0", "false"].includes((process.env.CI ?? "").toLowerCase());

/**
 * `describe.skipIf(browserTests.skip)`: skip only outside CI without Chromium. In CI
 * without Chromium the tests run and launchBrowser() throws saying what to install.
 */
export const browserTests = {
  chromium: chromiumPath(),
  ci: inCi(),
  get skip(): boolean {
    return !this.chromium && !this.ci;
  },
};

/** A describe block for browser tests: runs with Chromium, skips without it, fails in CI without it. */
export function describeBrowser(name: string, fn: () => void): void {
  if (browserTests.chromium) describe(name, fn);
  else if (browserTests.ci)
    describe(name, () => {
      it("has a Chromium to run in", () => {
        throw new Error(MISSING);
      });
    });
  else describe.skip(name, fn);
}

// The flags that work in this container (toolchain.md §7): no sandbox as root, no GPU, and
// nothing that phones home.
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"];

/** Headless Chromium; close it in afterAll. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(MISSING);
  return chromium.launch({ executablePath, headless: true, args: ARGS });
}

export interface TestPage {
  page: Page;
  /** A fresh context per page: its own cookies, so sign-ins do not leak between tests. */
  context: BrowserContext;
  /** console.error messages and uncaught page errors, in order: assert it stays empty. */
  errors: string[];
}

export async function newPage(browser: Browser, opts: { baseURL?: string } = {}): Promise<TestPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...(opts.baseURL ? { baseURL: opts.baseURL } : {}) });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const where = m.location().url;
    // Chromium asks every origin for /favicon.ico on its own; a 404 there is not the page's error.
    if (/^https?:\/\/[^/]+\/favicon\.ico$/.test(where)) return;
    errors.push(`console.error: ${m.text()}${where ? ` (${where})` : ""}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  return { page, context, errors };
}

const SHOTS = fileURLToPath(new URL("../../test-artifacts/screenshots/", import.meta.url));

/** Saves a full-page PNG to test-artifacts/screenshots/<name>.png; returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SHOTS, { recursive: true });
  const file = `${SHOTS}${name.replace(/[^\w.-]+/g, "-")}.png`;
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
