// The README's reference tables are checked against the code, so they cannot drift.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ServerSettingsSchema, SERVER_ENV_OVERRIDES } from "../src/config/server.ts";
import { ERROR_CODES } from "../src/errors/errors.ts";
import { PACKAGE_ROOT } from "../src/runtime/node-files.ts";

const readme = await readFile(path.join(PACKAGE_ROOT, "README.md"), "utf8");
const rows = readme.split("\n").filter((l) => l.startsWith("| `"));

describe("README", () => {
  it("documents every server environment override with its real default", () => {
    const defaults = ServerSettingsSchema.parse({}) as unknown as Record<string, Record<string, unknown>>;
    for (const [name, keys] of SERVER_ENV_OVERRIDES) {
      const row = rows.find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      const value = keys.length === 1 ? defaults[keys[0]!] : defaults[keys[0]!]![keys[1]!];
      expect(row, name).toContain(`\`${String(value)}\``);
      expect(row, name).toContain(`\`${keys.join(".")}\``);
    }
  });

  it("lists only real error codes, each with its status", () => {
    const table = rows.filter((l) => /^\| `[a-z_]+`( \/ `[a-z_]+`)* \| \d{3} \|/.test(l));
    expect(table.length).toBeGreaterThan(10);
    for (const line of table) {
      const [codes, status] = line.split("|").slice(1, 3).map((s) => s.trim());
      for (const code of codes!.match(/`([a-z_]+)`/g)!.map((c) => c.slice(1, -1))) {
        expect(ERROR_CODES, code).toHaveProperty(code);
        expect(ERROR_CODES[code as keyof typeof ERROR_CODES], code).toBe(Number(status));
      }
    }
  });
});
