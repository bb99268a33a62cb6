/**
 * The TypeDoc site, checked in a real browser: the test builds the site, serves it on
 * 127.0.0.1 and drives headless Chromium (Debian's `chromium`, through playwright-core, which
 * downloads no browser): a short landing page, the sidebar's groups in reading order (the client's
 * methods, each operation with its input and outcome), search (guides, exact names first, Enter),
 * tables that fit at 1280 px, and outcome tables that speak of their own operation (issue 22 item 3).
 * Without Chromium the suite is skipped locally with one loud line, and fails under CI=true.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kindsByOperation, messageOperations } from "../../docs-src/outcome-kinds.js";
import { projectRoot } from "../../scripts/prism.js";
import type { OperationName } from "../../src/index.js";

const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(executablePath);
if (!haveChromium) {
  if (process.env.CI === "true") throw new Error(`The docs test needs Chromium at ${executablePath} (Debian package "chromium"); .ci/run installs it.`);
  console.warn(`\n!!! SKIPPED the docs site test: no Chromium at ${executablePath} (apt-get install chromium) !!!\n`);
}

/**
 * The sidebar's groups, in the order a reader should meet them: the guides first (a newcomer
 * reads prose before a reference, and each guide links into it), Generated last.
 */
const readingOrder = ["Guides", "Client", "Conversation", "Outcomes", "Webhooks", "Fleet (Redis)", "Observability", "Testing", "Generated"];
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

/** The texts of a sidebar node's children, once it is open. */
async function opened(page: Page, summary: Locator): Promise<string[]> {
  await summary.locator("svg").first().click(); // the chevron: a node with a page links its name
  return summary.locator("xpath=following-sibling::*[1]/ul/li").evaluateAll((items) => items.map((li) => li.querySelector("a, summary")!.textContent!.trim()));
}

/** The sidebar node (its summary) of this text, under `within`. */
function node(within: Page | Locator, text: string): Locator {
  return within.locator("summary", { hasText: new RegExp(`^${text}$`) }).first();
}

/** The results TypeDoc's search lists for a query, best first: the name shown, and the link. */
async function search(page: Page, query: string): Promise<{ text: string; href: string }[]> {
  await page.click("#tsd-search-trigger");
  await page.fill("#tsd-search-input", query);
  await page.waitForSelector("#tsd-search-results li, #tsd-search-status div");
  return page.$$eval("#tsd-search-results li a", (links) =>
    links.map((a) => ({ text: a.textContent!.replace(/\s+/g, ""), href: (a as HTMLAnchorElement).href })),
  );
}

/** An operation's outcome union, as the reference names it. */
const unionOf = (operation: string) => `${operation[0]!.toUpperCase()}${operation.slice(1)}Outcome`;
const operations = Object.keys(kindsByOperation) as OperationName[];

describe.skipIf(!haveChromium)("the docs site in Chromium", () => {
  it("opens on a short landing page, not the README: the title once, where to start, no contributor material", async () => {
    const page = await open("/");
    const titles = await page.$$eval("h1", (h1s) => h1s.map((h1) => h1.textContent!.trim()));
    expect(titles.filter((title) => title.includes("ece-messaging"))).toHaveLength(1);
    const text = await page.textContent(".col-content");
    expect(text!.length).toBeLessThan(2_500);
    expect(text).toContain("Cisco Enterprise Chat and Email");
    expect(text).toContain("quick start");
    for (const hidden of ["npm pkg set type=module", "CONTRIBUTING", "bench", "npm test", "Licence"]) expect(text).not.toContain(hidden);
    const links = await page.$$eval(".col-content a", (as) => as.map((a) => (a as HTMLAnchorElement).pathname));
    expect(links).toEqual(expect.arrayContaining(["/documents/The_CLI_and_the_mock_ECE.html", "/functions/createEceClient.html", "/interfaces/EceClient.html"]));
    expect(links.filter((link) => link.startsWith("/documents/")).length).toBeGreaterThanOrEqual(8);
    await page.close();
  });

  it("reaches Install and the quick start from the landing page in one click", async () => {
    const page = await open("/");
    await page.locator(".col-content a", { hasText: /quick start/i }).first().click();
    await page.waitForURL((url) => url.pathname.startsWith("/documents/"));
    const code = await page.$$eval(".col-content pre", (pres) => pres.map((pre) => pre.textContent!));
    expect(code.some((block) => block.includes("createEceClient") && block.includes("process.env.ECE_BASE_URL")), page.url()).toBe(true);
    expect(await page.textContent(".col-content")).toContain("npm pkg set type=module"); // Install
    await page.close();
  });

  it("shows the sidebar's groups in reading order, Generated last", async () => {
    const page = await open("/");
    expect(await groupsOf(page)).toEqual(readingOrder);
    await page.close();
  });

  it("opens the Client group with createEceClient, and shows the client's methods under EceClient", async () => {
    const page = await open("/");
    const client = await opened(page, node(page, "Client"));
    expect(client.slice(0, 2)).toEqual(["createEceClient", "EceClient"]);
    expect(client.slice(-2)).toEqual(["DEFAULT_API_ROOT", "DEFAULT_TIMEOUT_MS"]); // constants last
    const methods = await opened(page, node(page.locator("#tsd-nav-container"), "EceClient"));
    expect(methods.slice(0, 2)).toEqual(["getEntryPointConfiguration", "startConversation"]);
    expect([...methods].sort()).toEqual([...operations, "close"].sort());
    expect(methods.at(-1)).toBe("close");
    await page.locator("#tsd-nav-container a", { hasText: /^startConversation$/ }).first().click();
    await page.waitForURL(/interfaces\/EceClient\.html#startconversation$/);
    await page.close();
  });

  it("opens each entry's group with its factory, and puts the webhook events with the other events", async () => {
    const page = await open("/");
    const factories: [string, string][] = [
      ["Client", "createEceClient"],
      ["Webhooks", "createWebhookHandler"],
      ["Fleet (Redis)", "createRedisTokenStore"],
      ["Testing", "createFakeEce"],
    ];
    for (const [group, factory] of factories) {
      const listed = await opened(page, page.locator(`#tsd-nav-container summary[data-key="${group}"]`));
      expect(listed[0], `${group}: ${listed.join(", ")}`).toBe(factory);
    }
    const observability = await opened(page, page.locator('#tsd-nav-container summary[data-key="Observability"]'));
    expect(observability).toEqual(expect.arrayContaining(["WebhookReceivedEvent", "WebhookRefusedEvent"]));
    await page.close();
  });

  it("reaches a function's page in two clicks: its group, then its name", async () => {
    const page = await open("/");
    await node(page, "Client").click();
    await page.locator("#tsd-nav-container a", { hasText: /^createEceClient$/ }).click();
    await page.waitForURL(/functions\/createEceClient\.html$/);
    expect(await page.textContent("h1")).toContain("createEceClient");
    expect(await page.textContent(".tsd-panel")).toContain('import { createEceClient } from "ece-messaging"');
    await page.close();
  });

  it("shows each conversation operation with its input and its outcome together", async () => {
    const page = await open("/");
    const conversation = page.locator('#tsd-nav-container summary[data-key="Conversation"]');
    const listed = await opened(page, conversation);
    expect(listed.slice(0, operations.length).sort()).toEqual([...operations].sort());
    const group = conversation.locator("xpath=following-sibling::*[1]");
    for (const operation of operations) {
      const together = await opened(page, node(group, operation));
      expect(together, operation).toHaveLength(2);
      expect(together[0], operation).toMatch(/Input$/);
      expect(together[1], operation).toBe(unionOf(operation));
    }
    await page.close();
  });

  it("reaches an outcome's page from the Outcomes group, per operation, with a table of its kinds: when, fields, what to do", async () => {
    const page = await open("/");
    const outcomes = page.locator('#tsd-nav-container summary[data-key="Outcomes"]');
    expect(await opened(page, outcomes)).toEqual(["Per operation", "Shared shapes"]);
    const group = outcomes.locator("xpath=following-sibling::*[1]");
    expect((await opened(page, node(group, "Per operation"))).sort()).toEqual(operations.map(unionOf).sort());
    expect(await opened(page, node(group, "Shared shapes"))).toEqual(expect.arrayContaining(["Outcome", "OutcomeKind", "isSuccess", "Delivered", "FailureDetails"]));
    await group.locator("a", { hasText: /^StartConversationOutcome$/ }).click();
    await page.waitForURL(/StartConversationOutcome\.html$/);
    const rows = await page.$$eval("table tr", (trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent!.trim())));
    expect(rows[0]).toEqual(["kind", "when", "fields", "what a caller usually does"]);
    expect(rows.slice(1).map((row) => row[0])).toEqual(kindsByOperation.startConversation);
    expect(rows.slice(1).map((row) => row[0])).toEqual(["conversationStarted", "badRequest", "conflict", "entryPointNotFound", "invalidData", "unauthorized", "forbidden", "internalServerError", "invalidChoice", "authorizationFail", "timeout", "error"]);
    await page.close();
  });

  it("publishes the guides from Markdown", async () => {
    const page = await open("/");
    const guides = await opened(page, page.locator('#tsd-nav-container summary[data-key="Guides"]'));
    expect(guides.slice(0, 3)).toEqual(["Install and quick start", "Conversation lifecycle", "Handling outcomes and retrying safely"]); // the README first
    expect(guides).toEqual(expect.arrayContaining(["The CLI and the mock ECE", "Reaching ECE through a proxy and a private CA"]));
    expect(new Set(guides).size).toBe(guides.length); // each once
    await page.close();
  });

  it("search finds startConversation", async () => {
    const page = await open("/");
    const results = await search(page, "startConversation");
    expect(results.some(({ text }) => text.includes("startConversation"))).toBe(true);
    await page.close();
  });

  it("search finds a guide's text: a phrase only the proxy guide has", async () => {
    const page = await open("/");
    const results = await search(page, "corporate");
    expect(results[0]?.text).toBe("ReachingECEthroughaproxyandaprivateCA");
    await page.close();
  });

  it("search finds the CLI and the mock: their guide first", async () => {
    for (const query of ["mock", "CLI"]) {
      const page = await open("/");
      const results = await search(page, query);
      expect(results[0]?.text, query).toBe("TheCLIandthemockECE");
      await page.close();
    }
  });

  it("search ranks exact names first: Delivered above ResponseEvent.delivered, a kind's name on its operation's outcome", async () => {
    /** The unions whose tables list a kind; for a kind every operation has, the outcomes guide too. */
    const unionsWith = (kind: string): string[] => {
      const having = operations.filter((operation) => (kindsByOperation[operation] as readonly string[]).includes(kind));
      return [...having.map(unionOf), ...(having.length === operations.length ? ["Handlingoutcomesandretryingsafely"] : [])];
    };
    const expectations: [string, string[]][] = [
      ["Delivered", ["Delivered"]],
      ["delivered", ["Delivered"]], // a top-level name in another case, above the members of that name
      ["queueFull", unionsWith("queueFull")],
      ["sendMessageSuccess", unionsWith("sendMessageSuccess")],
      ["attachmentAcceptFailed", unionsWith("attachmentAcceptFailed")],
      ["conflict", unionsWith("conflict")],
      ["invalidData", unionsWith("invalidData")],
      ["timeout", unionsWith("timeout")], // not DEFAULT_TIMEOUT_MS, not a timeoutMs option
    ];
    for (const [query, firsts] of expectations) {
      const page = await open("/");
      const results = await search(page, query);
      expect(firsts, `${query}: ${results.map(({ text }) => text).join(", ")}`).toContain(results[0]?.text);
      await page.close();
    }
  });

  it("search opens the first result on Enter, even before the results are shown", async () => {
    const page = await open("/");
    await page.click("#tsd-search-trigger");
    await page.fill("#tsd-search-input", "createEceClient");
    await page.press("#tsd-search-input", "Enter");
    await page.waitForURL(/functions\/createEceClient\.html$/);
    await page.close();
  });

  it("fits every table at 1280 px: no page wider than the window, no table wider than the content, no kind broken across lines", async () => {
    const pages = readdirSync(site, { recursive: true, encoding: "utf8" })
      .filter((path) => path.endsWith(".html") && readFileSync(join(site, path), "utf8").includes("<table"))
      .map((path) => `/${path.split("\\").join("/")}`);
    expect(pages).toEqual(expect.arrayContaining(operations.map((operation) => `/types/${unionOf(operation)}.html`)));
    expect(pages.filter((path) => path.startsWith("/documents/")).length).toBeGreaterThanOrEqual(3);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const overflows: string[] = [];
    for (const path of pages) {
      await page.goto(`${origin}${path}`);
      const overflow = await page.evaluate(() => {
        const content = document.querySelector(".col-content")!.getBoundingClientRect();
        const tables = [...document.querySelectorAll(".col-content table")];
        const wide = tables.filter((table) => table.getBoundingClientRect().right > content.right + 1 || table.scrollWidth > table.clientWidth + 1);
        const page = document.documentElement.scrollWidth > document.documentElement.clientWidth;
        // The first column names the row: a name in code there (a kind, an option) is on one
        // line, inside its cell (longer code there may wrap between its words).
        const firstCells = tables.flatMap((table) => [...table.querySelectorAll("tbody tr > td:first-child")]);
        const oneName = (code: Element) => !/\s/.test(code.textContent!.trim());
        const broken = firstCells.filter(
          (cell) => [...cell.querySelectorAll("code")].some((code) => oneName(code) && code.getClientRects().length > 1) || cell.scrollWidth > cell.clientWidth + 1,
        );
        return [
          ...(page ? ["the page scrolls sideways"] : []),
          ...wide.map((table) => `a table ${table.scrollWidth} px wide in ${Math.round(content.width)} px`),
          ...broken.map((cell) => `"${cell.textContent}" wraps in a ${Math.round(cell.getBoundingClientRect().width)} px cell`),
        ];
      });
      overflows.push(...overflow.map((problem) => `${path}: ${problem}`));
    }
    await page.close();
    expect(overflows).toEqual([]);
  });

  it("gives each operation an outcome table in its own words: a send never speaks of starts, a start never of messages", async () => {
    // Words only another kind of operation's table may use.
    const foreign = (operation: OperationName): RegExp => {
      if (messageOperations.includes(operation)) return /entry point|stale|\ba read\b|read's|responseType|chatRoot|for a start/i;
      if (operation === "startConversation") return /\bmessages?\b|\ba read\b|read's|responseType|chatRoot/i;
      if (["getAgentAvailability", "getAgentCapacity", "checkEligibility"].includes(operation)) return /\bmessages?\b|token|conversation|stale/i;
      return /for a start|for a message|\(a message\)|stale|responseType|chatRoot/i;
    };
    const page = await browser.newPage();
    for (const operation of operations) {
      await page.goto(`${origin}/types/${unionOf(operation)}.html`);
      const table = await page.textContent(".col-content table");
      expect(table, operation).toContain("what a caller usually does");
      expect(table, operation).not.toMatch(foreign(operation));
    }
    await page.close();
  });
});
