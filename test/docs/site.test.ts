/**
 * The TypeDoc site, checked in a real browser: the test builds the site, serves it on
 * 127.0.0.1 and drives headless Chromium (Debian's `chromium`, through playwright-core, which
 * downloads no browser): the sidebar's groups in reading order, any function and any outcome
 * kind within two clicks of the index, the outcome pages' tables of kinds, and search.
 * Without Chromium the suite is skipped locally with one loud line, and fails under CI=true.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../scripts/prism.js";

const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(executablePath);
if (!haveChromium) {
  if (process.env.CI === "true") throw new Error(`The docs test needs Chromium at ${executablePath} (Debian package "chromium"); .ci/run installs it.`);
  console.warn(`\n!!! SKIPPED the docs site test: no Chromium at ${executablePath} (apt-get install chromium) !!!\n`);
}

/** The sidebar's groups, in the order a reader should meet them (Generated last). */
const readingOrder = ["Guides", "Client", "Conversation lifecycle", "Sending", "Outcomes", "Webhooks", "Fleet (Redis)", "Observability", "Testing", "Generated"];
const contentTypes: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };

let site: string;
let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  if (!haveChromium) return;
  site = mkdtempSync(join(tmpdir(), "ece-messaging-docs-"));
  execFileSync(process.execPath, [join(projectRoot, "node_modules", "typedoc", "bin", "typedoc"), "--out", site], { cwd: projectRoot, stdio: "pipe" });
  server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname));
    const file = path.endsWith("/") ? `${path}index.html` : path;
    readFile(join(site, file)).then(
      (body) => response.writeHead(200, { "Content-Type": contentTypes[extname(file)] ?? "application/octet-stream" }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (site) rmSync(site, { recursive: true, force: true });
});

/** A page of the site, once its script has built the sidebar. */
async function open(path: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${origin}${path}`);
  await page.waitForSelector("#tsd-nav-container summary");
  return page;
}

/** The sidebar's top-level group names, in order. */
async function groupsOf(page: Page): Promise<string[]> {
  return page.$$eval("#tsd-nav-container > li > details > summary", (summaries) => summaries.map((s) => s.textContent!.trim()));
}

describe.skipIf(!haveChromium)("the docs site in Chromium", () => {
  it("shows the sidebar's groups in reading order, Generated last", async () => {
    const page = await open("/");
    const groups = await groupsOf(page);
    expect(groups).toEqual(readingOrder.filter((group) => groups.includes(group)));
    expect(groups).toEqual(expect.arrayContaining(readingOrder.filter((group) => group !== "Fleet (Redis)")));
    expect(groups.at(-1)).toBe("Generated");
    await page.close();
  });

  it("reaches a function's page in two clicks: its group, then its name", async () => {
    const page = await open("/");
    await page.click('#tsd-nav-container summary[data-key="Client"]');
    await page.locator("#tsd-nav-container a", { hasText: /^createEceClient$/ }).click();
    await page.waitForURL(/functions\/createEceClient\.html$/);
    expect(await page.textContent("h1")).toContain("createEceClient");
    expect(await page.textContent(".tsd-panel")).toContain('import { createEceClient } from "ece-messaging"');
    await page.close();
  });

  it("reaches an outcome's page in two clicks, with a table of its kinds: when, fields, what to do", async () => {
    const page = await open("/");
    await page.click('#tsd-nav-container summary[data-key="Outcomes"]');
    await page.locator("#tsd-nav-container a", { hasText: /^StartConversationOutcome$/ }).click();
    await page.waitForURL(/StartConversationOutcome\.html$/);
    const rows = await page.$$eval("table tr", (trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent!.trim())));
    expect(rows[0]).toEqual(["kind", "when", "fields", "what a caller usually does"]);
    const kinds = rows.slice(1).map((row) => row[0]);
    expect(kinds).toEqual(["conversationStarted", "badRequest", "conflict", "entryPointNotFound", "invalidData", "unauthorized", "forbidden", "internalServerError", "invalidChoice", "authorizationFail", "timeout", "error"]);
    await page.close();
  });

  it("publishes the guides from Markdown", async () => {
    const page = await open("/");
    await page.click('#tsd-nav-container summary[data-key="Guides"]');
    const guides = await page.$$eval('#tsd-nav-container summary[data-key="Guides"] + * a', (links) => links.map((a) => a.textContent!.trim()));
    expect(guides.slice(0, 2)).toEqual(["From first contact to the last message", "Handling outcomes and retrying safely"]);
    expect(guides).toEqual(expect.arrayContaining(["Reaching ECE through a proxy and a private CA"]));
    expect(new Set(guides).size).toBe(guides.length); // each once
    await page.close();
  });

  it("search finds startConversation", async () => {
    const page = await open("/");
    await page.click("#tsd-search-trigger");
    await page.fill("#tsd-search-input", "startConversation");
    await page.waitForSelector("#tsd-search-results li");
    const results = await page.$$eval("#tsd-search-results li", (items) => items.map((li) => li.textContent!.trim()));
    expect(results.some((text) => text.includes("startConversation"))).toBe(true);
    await page.close();
  });
});
