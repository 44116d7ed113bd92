#!/usr/bin/env node
// Measures pages as a reader's browser shows them, in Debian's headless Chromium driven by
// playwright-core, and prints one JSON object. Used by tests/test_conformance.py.
//   node tests/browser_check.cjs layout WIDTH URL...   width of each page against the
//       window, the smallest chart label, and the account table (names on more than
//       one line, overflow of its box, rows or cards), at a window WIDTH pixels wide
//   node tests/browser_check.cjs table URL             what portfolio.js does to the
//       account table: filter option names, sorting with empty cells, no-match message
//   node tests/browser_check.cjs search URL QUERY      the search box: its label, the
//       count before and after typing QUERY, the accounts left, Enter on one match; and
//       the page without JavaScript (no box, every row shown)
//   node tests/browser_check.cjs details URL SELECTOR  the items of a bounded list
//       (SELECTOR, a section) shown before and after opening its "Show all", with
//       JavaScript and without
// Exit status: 0 when the pages were measured, 2 on a failure to measure.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { createRequire } = require("module");

const TOOLS = process.env.WINBACK_TOOLS || path.resolve(__dirname, "..", ".tools");
const tools = createRequire(path.join(TOOLS, "package.json"));
const { chromium } = tools("playwright-core");

const CHROMIUM = process.env.WINBACK_CHROMIUM || "/usr/bin/chromium";
const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run",
];

async function withBrowser(width, work, options) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "winback-browser-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: ARGS,
      viewport: { width: width, height: 800 }, timeout: 60000, ...options,
    });
    return await work(context);
  } finally {
    if (context) { await context.close(); }
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function open(context, url) {
  const page = await context.newPage();
  const response = await page.goto(url, { waitUntil: "load", timeout: 30000 });
  if (response && !response.ok()) { throw new Error(`${url}: HTTP ${response.status()}`); }
  return page;
}

async function layout(width, urls) {
  return withBrowser(width, async (context) => {
    const pages = {};
    for (const url of urls) {
      const page = await open(context, url);
      pages[url] = await page.evaluate(() => {
        const sizes = Array.from(document.querySelectorAll("svg.chart text"))
          .map((text) => text.getBoundingClientRect().height > 0 ?
            parseFloat(getComputedStyle(text).fontSize) : null)
          .filter((size) => size !== null);
        const table = document.querySelector("table.portfolio");
        const names = table ? Array.from(table.querySelectorAll("tbody th a")) : [];
        return {
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
          smallestChartText: sizes.length ? Math.min.apply(null, sizes) : null,
          // The account table: names that take more than one line, and how much wider
          // than its box it is (a box that scrolls sideways hides its last columns).
          accountTable: table && {
            rows: names.length,
            wrappedNames: names.filter((a) => a.getClientRects().length > 1).length,
            overflow: table.scrollWidth - table.parentElement.clientWidth,
            display: getComputedStyle(table.tBodies[0].rows[0]).display,
          },
        };
      });
      await page.close();
    }
    return pages;
  });
}

async function table(url) {
  return withBrowser(1366, async (context) => {
    const page = await open(context, url);
    const labels = await page.$$eval('select[name="data-status"] option', (options) =>
      options.map((option) => option.textContent));
    const sortBy = async (heading) => {
      await page.click(`th >> button.sort:text-is("${heading}")`);
      return page.$$eval("table.portfolio tbody tr", (rows, name) => {
        const column = Array.from(rows[0].closest("table").tHead.rows[0].cells)
          .findIndex((th) => th.textContent === name);
        return rows.map((row) => row.cells[column].textContent);
      }, heading);
    };
    const ascending = await sortBy("Next meeting");
    const descending = await sortBy("Next meeting");
    const emptyBefore = await page.isVisible(".empty-filter");
    await page.selectOption('select[name="data-status"]', "won-back");
    await page.selectOption('select[name="data-reasons"]', "price");
    const emptyAfter = await page.isVisible(".empty-filter");
    const message = await page.textContent(".empty-filter");
    const dateCell = await page.$eval("table.portfolio td:nth-child(5)", (cell) =>
      getComputedStyle(cell).whiteSpace);
    return { labels, ascending, descending, emptyBefore, emptyAfter, message, dateCell };
  });
}

const visibleNames = (page) => page.$$eval("table.portfolio tbody tr", (rows) =>
  rows.filter((row) => row.offsetParent !== null).map((row) => row.cells[0].textContent));

async function search(url, query) {
  const typed = await withBrowser(1366, async (context) => {
    const page = await open(context, url);
    const box = page.getByRole("searchbox", { name: "Find an account" });
    const count = () => page.textContent(".filters [role=status]");
    const before = await count();
    await box.focus();
    await page.keyboard.type(query);
    const after = await count();
    const names = await visibleNames(page);
    if (names.length === 1) {
      await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    }
    return { before, after, names, opened: new URL(page.url()).pathname };
  });
  const plain = await withBrowser(1366, async (context) => {
    const page = await open(context, url);
    return {
      boxes: await page.locator("input[type=search]").count(),
      rows: (await visibleNames(page)).length,
    };
  }, { javaScriptEnabled: false });
  return { ...typed, withoutScript: plain };
}

async function details(url, selector) {
  const count = (page) => page.$$eval(`${selector} li`, (items) =>
    items.filter((item) => item.checkVisibility()).length);
  const measure = async (context) => {
    const page = await open(context, url);
    const before = await count(page);
    const summary = await page.textContent(`${selector} summary`);
    await page.click(`${selector} summary`);
    return { before, summary, after: await count(page) };
  };
  return {
    script: await withBrowser(1366, measure),
    withoutScript: await withBrowser(1366, measure, { javaScriptEnabled: false }),
  };
}

async function main(argv) {
  const [mode, ...rest] = argv;
  let result;
  if (mode === "layout") {
    result = await layout(parseInt(rest[0], 10), rest.slice(1));
  } else if (mode === "table") {
    result = await table(rest[0]);
  } else if (mode === "details") {
    result = await details(rest[0], rest[1]);
  } else if (mode === "search") {
    result = await search(rest[0], rest[1]);
  } else {
    throw new Error("usage: browser_check.cjs layout WIDTH URL... | table URL | search URL QUERY | details URL SELECTOR");
  }
  process.stdout.write(JSON.stringify(result, null, 1) + "\n");
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`browser_check: ${error && error.stack ? error.stack : error}\n`);
  process.exit(2);
});
