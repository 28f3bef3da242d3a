// End-to-end tests against the built site in dist/ (run `npm run build` first;
// `npm run test:e2e` does both). The site is served by Python's plain `http.server`, which maps
// no clean URLs: every link must work on the simplest static host (preserveExtension in the config).
import {existsSync} from "node:fs";
import {defineConfig, devices} from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 4173);
const baseURL = `http://127.0.0.1:${port}`;

// Browser: $CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own
// download (`npx playwright install chromium`) on machines that can fetch it.
const executablePath = process.env.CHROMIUM_PATH || (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  reporter: "list",
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // No retries: a flaky test is a defect to find (the last one was a check-then-click race on Pause, now pauseRun in helpers.ts).
  retries: 0,
  timeout: 60_000,
  expect: {timeout: 15_000},
  use: {
    ...devices["Desktop Chrome"],
    baseURL,
    viewport: {width: 1280, height: 900},
    trace: "off",
    launchOptions: {
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--enable-unsafe-swiftshader"],
    },
  },
  webServer: {
    command: `python3 -m http.server ${port} --bind 127.0.0.1 --directory dist`,
    url: `${baseURL}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
    stdout: "ignore",
    stderr: "ignore",
  },
});
