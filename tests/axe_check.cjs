#!/usr/bin/env node
// Runs axe-core on each page given as a URL, in Debian's headless Chromium driven by
// playwright-core, and prints one JSON object:
//   {"axe": "<version>", "pages": {"<url>": [violation, ...], ...}}
// Used by tests/test_conformance.py; the tools come from .tools/ (scripts/setup --test).
//   node tests/axe_check.cjs http://127.0.0.1:8000/index.html ...
// Exit status: 0 when the pages were checked (whatever they contain), 2 on a failure to check.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { createRequire } = require("module");

const TOOLS = process.env.WINBACK_TOOLS || path.resolve(__dirname, "..", ".tools");
const tools = createRequire(path.join(TOOLS, "package.json"));
const { chromium } = tools("playwright-core");
const AXE_SOURCE = fs.readFileSync(tools.resolve("axe-core/axe.min.js"), "utf8");

const CHROMIUM = process.env.WINBACK_CHROMIUM || "/usr/bin/chromium";
const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run",
];

async function main(urls) {
  if (urls.length === 0) {
    throw new Error("usage: axe_check.cjs URL...");
  }
  // A fresh profile each run, removed afterwards: nothing carries over between runs.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "winback-axe-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
      // WINBACK_COLOR_SCHEME=dark checks the pages as a reader in dark mode sees them.
      colorScheme: process.env.WINBACK_COLOR_SCHEME || "light",
      timeout: 60000,
    });
    const results = { axe: null, pages: {} };
    for (const url of urls) {
      const page = await context.newPage();
      const response = await page.goto(url, { waitUntil: "load", timeout: 30000 });
      if (response && !response.ok()) {
        throw new Error(`${url}: HTTP ${response.status()}`);
      }
      await page.evaluate(AXE_SOURCE);
      // axe's default rule set: WCAG 2.0 to 2.2, A and AA, plus its best practices.
      const outcome = await page.evaluate(async () => {
        const result = await window.axe.run(document, { resultTypes: ["violations"] });
        return { version: window.axe.version, violations: result.violations };
      });
      results.axe = outcome.version;
      results.pages[url] = outcome.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
      }));
      await page.close();
    }
    process.stdout.write(JSON.stringify(results, null, 1) + "\n");
  } finally {
    if (context) {
      await context.close();
    }
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`axe_check: ${error && error.stack ? error.stack : error}\n`);
  process.exit(2);
});
