import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // Each file starts its own servers on random loopback ports; two at a time suits a 2-core machine.
    maxWorkers: 2,
    pool: "forks",
  },
});
