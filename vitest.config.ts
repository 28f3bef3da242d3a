// Unit tests only: tests/unit/**/*.test.ts. The Playwright specs in tests/e2e/
// (*.spec.ts) run under `playwright test` and must never be collected here.
import {defineConfig} from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/unit/**/*.test.ts"],
    exclude: ["tests/e2e/**", "node_modules/**", "dist/**", "src/.observablehq/**"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
