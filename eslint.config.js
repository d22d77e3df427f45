// Lint keeps the layers honest (STYLE.md point 10): no node:* outside the runtime, CLI
// and storage drivers; no Hono in pipeline stages; database drivers only in storage;
// and the async rules that catch promises nobody awaits.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const nodeBuiltins = { group: ["node:*"], message: "Core code uses Web standards only; Node APIs belong in src/runtime/, src/cli/ or the storage drivers." };
const hono = { group: ["hono", "hono/*", "@hono/*"], message: "Pipeline stages know nothing about HTTP frameworks; Hono belongs in src/http/, src/app.ts and src/runtime/." };
const databases = { group: ["drizzle-orm", "drizzle-orm/*", "postgres", "@electric-sql/*"], message: "Database drivers stay inside src/storage/." };
const nodeOnlyLibs = { group: ["undici", "pino", "pino-pretty", "tsx", "tsx/*"], message: "Node-only libraries belong in src/runtime/ or src/cli/." };

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "dist-worker/", ".wrangler/", ".custos/", "bench/results/", "worker-configuration.d.ts", "src/types/workers/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/return-await": ["error", "in-try-catch"],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error",
    },
  },
  {
    // Core: everything under src/ except the runtime, CLI, storage and HTTP layers (the console is HTTP).
    files: ["src/**/*.ts"],
    ignores: ["src/runtime/**", "src/cli/**", "src/storage/**", "src/http/**", "src/console/**", "src/app.ts", "src/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [nodeBuiltins, hono, databases, nodeOnlyLibs] }] },
  },
  {
    files: ["src/http/**/*.ts", "src/console/**/*.ts", "src/console/**/*.tsx", "src/app.ts"],
    ignores: ["src/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [nodeBuiltins, databases, nodeOnlyLibs] }] },
  },
  {
    files: ["src/storage/**/*.ts"],
    ignores: ["src/storage/pglite.ts", "src/storage/migrate.ts", "src/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [nodeBuiltins, hono, nodeOnlyLibs, { group: ["@electric-sql/*"], message: "PGlite stays in src/storage/pglite.ts so it never enters the Worker bundle." }] }] },
  },
  {
    files: ["src/runtime/worker*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [{ group: ["@electric-sql/*", "undici", "pino", "pino-pretty", "tsx", "tsx/*"], message: "Not in the Worker bundle." }] }] },
  },
  {
    files: ["src/cli/**/*.ts", "test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts", "*.ts"],
    rules: { "no-console": "off" },
  },
  {
    // The Worker side is type-checked against workers-types, not @types/node.
    files: ["src/runtime/worker*.ts", "src/types/*.d.ts"],
    languageOptions: { parserOptions: { projectService: false, project: "./tsconfig.worker.json", tsconfigRootDir: import.meta.dirname } },
    rules: { "no-console": "off" }, // the Worker's logger writes JSON lines to console.log
  },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setImmediate: "readonly", Buffer: "readonly", AbortController: "readonly", fetch: "readonly", performance: "readonly" },
    },
    rules: { "no-console": "off" },
  },
);
