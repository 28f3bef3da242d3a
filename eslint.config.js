// ESLint flat config: @eslint/js recommended + typescript-eslint recommended (syntactic rules only,
// no type information, so it stays fast), with eslint-config-prettier last so no ESLint rule fights
// Prettier over formatting. `npm run lint` runs ESLint and `prettier --check`.
import js from "@eslint/js";
import {defineConfig} from "eslint/config";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: [
      "dist/",
      "src/.observablehq/",
      "node_modules/",
      "bench/node_modules/",
      "bench/results/",
      "test-results/",
      "playwright-report/",
      "shots/",
      // generated from src/components/nn/simd/kernel.as.ts by bin/build-wasm.ts
      "src/components/nn/simd/kernel-bytes.ts",
      // AssemblyScript (compiled by asc, not tsc)
      "**/*.as.ts",
    ],
  },
  {
    files: ["**/*.{ts,js,mjs}"],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    linterOptions: {reportUnusedDisableDirectives: "error"},
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", {argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_"}],
    },
  },
  // The workbook's pages and components run in the browser, some of them in Web Workers.
  {files: ["src/**/*.{ts,js}"], languageOptions: {globals: {...globals.browser, ...globals.worker}}},
  // Command-line tools, benchmarks, tests and config files run in Node.
  {files: ["bin/**", "bench/**", "tests/**", "*.{ts,js,mjs}"], languageOptions: {globals: {...globals.node}}},
  // End-to-end tests also hand functions to the page (page.evaluate), which run in the browser.
  {files: ["tests/e2e/**"], languageOptions: {globals: {...globals.browser}}},
  // A run can stop by itself between any check of its Pause button and a click on it (the MNIST
  // page's three epochs take about 1.5 s); a plain click then waits for an aria-disabled button
  // until the test times out. Specs pause through helpers.ts's race-free pauseRun().
  {
    files: ["tests/e2e/**/*.spec.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='click'] > MemberExpression.callee > CallExpression.object Literal[value=/^Pause/]",
          message: "Pause a run with pauseRun() from ./helpers.js: a run that stops by itself leaves a clicked Pause waiting until the test times out.",
        },
      ],
    },
  },
  prettier,
);
