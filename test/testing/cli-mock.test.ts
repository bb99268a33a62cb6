/**
 * `ece-messaging mock`, as a user runs it: the built CLI (dist/cli.js) started as a child process
 * on a free port, driven by the built CLI's other commands through the URLs it printed, and
 * stopped by its PID. And `mock --prism`, which starts Prism on the spec shipped in the package.
 * (The install hint, when Prism is not installed, is tested on the packed package: test/package.)
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, projectRoot } from "../../scripts/prism.js";

const cli = join(projectRoot, "dist", "cli.js");
const secret = "Mock-Cli-Secret-4471";

/** A running `ece-messaging mock`: its output so far, and a promise for a line to come. */
interface Mock {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first whole line (printed so far or later, on stdout or stderr) that `match` accepts. */
  line(match: (line: string) => boolean): Promise<string>;
  /** Resolves with every whole line `match` accepts, once there are `count` of them. */
  lines(match: (line: string) => boolean, count: number): Promise<string[]>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGKILL");
});

function startMock(args: string[]): Mock {
  const child = spawn(process.execPath, [cli, "mock", ...args], { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "" } });
  started.push(child);
  const printed = { stdout: "", stderr: "" };
  const output = () => printed.stdout + printed.stderr;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const waiters: { pick: (lines: string[]) => unknown; resolve: (value: never) => void }[] = [];
  const check = () => {
    const whole = [...printed.stdout.split("\n").slice(0, -1), ...printed.stderr.split("\n").slice(0, -1)];
    for (const waiter of [...waiters]) {
      const found = waiter.pick(whole);
      if (found !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(found as never);
      }
    }
  };
  const until = <T>(pick: (lines: string[]) => T | undefined) =>
    new Promise<T>((resolve, reject) => {
      waiters.push({ pick, resolve });
      check();
      void exited.then(() => reject(new Error(`ece-messaging mock exited. Its output:\n${output()}`)));
    });
  for (const stream of ["stdout", "stderr"] as const) {
    child[stream]!.on("data", (chunk: Buffer) => {
      printed[stream] += chunk.toString("utf8");
      check();
    });
  }
  return {
    child,
    output,
    stdout: () => printed.stdout,
    stderr: () => printed.stderr,
    line: (match) => until((lines) => lines.find(match)),
    lines: (match, count) =>
      until((lines) => {
        const matching = lines.filter(match);
        return matching.length >= count ? matching : undefined;
      }),
    exited,
  };
}

/** Runs a built CLI command against `env`; its exit status and printed outcome (or ID). */
function run(env: Record<string, string>, args: string[]): Promise<{ code: number; outcome: Record<string, unknown>; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 30_000 }, (error, stdout) => {
      let outcome: Record<string, unknown> = {};
      try {
        outcome = JSON.parse(stdout) as Record<string, unknown>;
      } catch {
        // not JSON: the test's expectation says so
      }
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, outcome, stdout });
    });
  });
}

/** The environment a user sets from the printed lines. */
async function environmentOf(mock: Mock): Promise<Record<string, string>> {
  const base = (await mock.line((l) => l.startsWith("ECE_BASE_URL="))).slice("ECE_BASE_URL=".length);
  const root = (await mock.line((l) => l.startsWith("ECE_API_ROOT="))).slice("ECE_API_ROOT=".length);
  return { ECE_BASE_URL: base, ECE_API_ROOT: root, ECE_CLIENT_KEY: "mock-cli-key", ECE_CLIENT_SECRET: secret };
}

describe("ece-messaging mock (the fake)", () => {
  it("serves a conversation the other commands drive, with each operation's own answer; --verbose logs to stderr; stops on SIGTERM", async () => {
    const port = await freePort();
    const mock = startMock(["--port", String(port), "--verbose"]);
    const env = await environmentOf(mock);
    expect(env.ECE_BASE_URL).toBe(`http://127.0.0.1:${port}`);
    expect(env.ECE_API_ROOT).toBe("/system/ws/v19/clientapplications");

    const config = await run(env, ["config", "--entry-point", "1001"]);
    expect(config).toMatchObject({ code: 0, outcome: { kind: "entryPointConfigurationFound", status: 200, entryPointId: 1001 } });
    expect(config.outcome.lastModified).toEqual(expect.any(String));

    const start = await run(env, ["start", "--entry-point", "1001", "--email", "jane@example.com", "--subject", "Order 4521", "--attribute", "activity_order=4521"]);
    expect(start).toMatchObject({ code: 0, outcome: { kind: "conversationStarted", status: 200, activityId: expect.stringMatching(/^[0-9]+$/) } });
    const conversationId = start.outcome.conversationId as string;
    const conversation = ["--conversation", conversationId];

    // The mock's agent greets the new conversation and offers it a file: with --verbose, its webhook post is on stderr.
    const offered = JSON.parse(
      (await mock.line((l) => l.startsWith("agent ") && l.includes(conversationId) && l.includes("uploadAttachment"))).slice("agent ".length),
    ) as { message: [{ attachments: { attachment: [{ id: string; fileName: string; contentType: string; size: number; contentUrl: string }] } }] };
    const file = offered.message[0].attachments.attachment[0];
    expect(mock.stderr()).toContain(`agent ${JSON.stringify(offered)}\n`);

    const text = await run(env, ["text", ...conversation, "--message", "Hello from the CLI"]);
    expect(text).toMatchObject({ code: 0, outcome: { kind: "sendMessageSuccess", status: 200, messageId: expect.stringMatching(/^[0-9]+$/) } });
    const html = await run(env, ["html", ...conversation, "--message", "<b>Hello</b>"]);
    expect(html).toMatchObject({ code: 0, outcome: { kind: "sendMessageSuccess" } });
    expect(html.outcome.messageId).not.toBe(text.outcome.messageId);

    const upload = await run(env, [
      "upload",
      ...conversation,
      "--file-name",
      "receipt.pdf",
      "--content-type",
      "application/pdf",
      "--file-size",
      "48213",
      "--content-url",
      "https://files.example.com/receipt.pdf",
    ]);
    expect(upload).toMatchObject({ code: 0, outcome: { kind: "sendMessageSuccess", typeValue: "uploadAttachment", attachmentId: expect.stringMatching(/^[0-9]+$/) } });
    expect(upload.outcome.attachmentId).not.toBe(file.id);

    const accept = await run(env, ["accept", ...conversation, "--attachment", file.id]);
    expect(accept).toMatchObject({ code: 0, outcome: { kind: "attachmentAccepted", attachment: file } });
    expect(file).toMatchObject({ fileName: "welcome.pdf", contentType: "application/pdf", size: 48213 });
    const rejectAgain = await run(env, ["reject", ...conversation, "--attachment", file.id]);
    expect(rejectAgain).toMatchObject({ code: 1, outcome: { kind: "attachmentRejectFailed", status: 400 } });

    const geolocation = await run(env, ["geolocation", ...conversation, "--latitude", "52.37", "--longitude", "4.9", "--label", "Head office", "--address", "Dam 1"]);
    expect(geolocation).toMatchObject({
      code: 0,
      outcome: {
        kind: "sendGeolocationSuccess",
        response: { conversation: { id: conversationId }, type: { value: "geolocation" }, geolocation: { coordinate: { latitude: "52.37", longitude: "4.9" }, label: "Head office", address: "Dam 1" } },
      },
    });

    // State: a conversation nobody started is 404; the mock printed every request, never the secret.
    expect(await run(env, ["text", "--conversation", "no-such-conversation", "--message", "hi"])).toMatchObject({ code: 1, outcome: { kind: "conversationNotFound", status: 404 } });
    // Nine commands, each with its own token, revoked when it ends.
    const revokes = await mock.lines((l) => l.startsWith("request ") && l.includes('"revokeAccessToken"'), 9);
    expect(revokes.map((l) => (JSON.parse(l.slice("request ".length)) as { status: number }).status)).toEqual(Array(9).fill(204));
    expect(mock.output().split("\n").filter((l) => l.includes('"createAccessToken"'))).toHaveLength(9);
    expect(mock.output()).not.toContain(secret);
    // The log is on stderr: stdout holds what to use and what the agent did, for people.
    expect(mock.stdout()).not.toMatch(/^(request|agent) /m);
    expect(mock.stderr()).toMatch(/^request \{.*"revokeAccessToken"/m);

    process.kill(mock.child.pid!, "SIGTERM");
    expect(await mock.exited).toEqual({ code: 0, signal: null });
  });

  it("hands its IDs from step to step as the CLI guide's walkthrough does: start --id, the agent's one-line offer, accept; no log without --verbose", async () => {
    const mock = startMock(["--port", String(await freePort())]);
    const env = await environmentOf(mock);
    const start = await run(env, ["start", "--entry-point", "1001", "--email", "jane@example.com", "--id"]);
    expect(start.code).toBe(0);
    const conversationId = start.stdout.trim();
    const offer = await mock.line((l) => l.includes(`conversation ${conversationId};`));
    const attachmentId = /--attachment ([0-9]+)$/.exec(offer)?.[1];
    expect(offer).toBe(
      `The mock agent offered welcome.pdf in conversation ${conversationId}; to accept it: ece-messaging accept --conversation ${conversationId} --attachment ${attachmentId}`,
    );
    expect(mock.stdout()).toContain(`${offer}\n`);
    const accept = await run(env, ["accept", "--conversation", conversationId, "--attachment", attachmentId!]);
    expect(accept).toMatchObject({ code: 0, outcome: { kind: "attachmentAccepted", attachment: { id: attachmentId, fileName: "welcome.pdf" } } });
    expect(mock.stderr()).toBe("");
    expect(mock.stdout().trimEnd().split("\n")).toEqual([
      "Fake ECE listening (any client key and secret; Ctrl-C to stop). Use:",
      `ECE_BASE_URL=${env.ECE_BASE_URL}`,
      `ECE_API_ROOT=${env.ECE_API_ROOT}`,
      offer,
    ]);
    process.kill(mock.child.pid!, "SIGTERM");
    expect(await mock.exited).toEqual({ code: 0, signal: null });
  });

  it("refuses a port in use with exit 1, and a bad flag as a usage error (exit 2)", async () => {
    const port = await freePort();
    const first = startMock(["--port", String(port)]);
    await first.line((l) => l.startsWith("ECE_API_ROOT="));
    const second = startMock(["--port", String(port)]);
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.output()).toMatch(new RegExp(`^ece-messaging mock: cannot listen on port ${port} \\(.*EADDRINUSE.*\\); choose another with --port, or --port 0 for a free one$`, "m"));
    const bad = startMock(["--port", "lots"]);
    expect(await bad.exited).toEqual({ code: 2, signal: null });
    const errorsAlone = startMock(["--errors"]);
    expect(await errorsAlone.exited).toEqual({ code: 2, signal: null });
    expect(errorsAlone.output()).toMatch(/--errors applies to --prism only/);
    process.kill(first.child.pid!, "SIGTERM");
    expect((await first.exited).code).toBe(0);
  });
});

describe("ece-messaging mock --prism", () => {
  it("starts Prism on the shipped spec (API root /), answers the CLI, and stops with it", async () => {
    const port = await freePort();
    const mock = startMock(["--prism", "--errors", "--port", String(port)]);
    const env = await environmentOf(mock);
    expect(env).toMatchObject({ ECE_BASE_URL: `http://127.0.0.1:${port}`, ECE_API_ROOT: "/" });
    const text = await run(env, ["text", "--conversation", "ca2c588e-1e31-405a-9888-e72bf7179186", "--message", "Hello Prism"]);
    // Prism answers every send with the spec's first example.
    expect(text).toMatchObject({ code: 0, outcome: { kind: "sendMessageSuccess", status: 200, messageId: "3118908850" } });
    process.kill(mock.child.pid!, "SIGTERM");
    expect(await mock.exited).toEqual({ code: 0, signal: null });
    // Prism went with it: nothing listens on the port any more.
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  }, 60_000);
});
