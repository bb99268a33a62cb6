/**
 * The `ece-messaging` command end to end: the built binary (dist/cli.js) sends each operation to
 * the Prism mock and exits 0 with the success outcome; refusals exit 1; what the CLI cannot take
 * is a usage error on stderr; `--id` prints the ID alone; `--help` works on every command;
 * credentials come from the environment and are never printed.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { projectRoot } from "../../scripts/prism.js";
import { answer, CONFIG_PATH, eceLike, START_PATH, startEceStub } from "../support/ece-stub.js";

const prismUrl = inject("prismUrl");
const cli = join(projectRoot, "dist", "cli.js");
const secret = "Cli-Client-Secret-0451";
const environment = { ECE_BASE_URL: prismUrl, ECE_API_ROOT: "/", ECE_CLIENT_KEY: "cli-key", ECE_CLIENT_SECRET: secret };

function run(args: string[], env: Record<string, string> = environment): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const conversation = "ca2c588e-1e31-405a-9888-e72bf7179186";
const successes: [string, string[], string][] = [
  ["text", ["--conversation", conversation, "--message", "Hello from the CLI"], "sendMessageSuccess"],
  ["html", ["--conversation", conversation, "--message", "<b>Hello</b>"], "sendMessageSuccess"],
  ["accept", ["--conversation", conversation, "--attachment", "5008"], "attachmentAccepted"],
  ["reject", ["--conversation", conversation, "--attachment", "5008"], "attachmentRejected"],
  [
    "upload",
    ["--conversation", conversation, "--file-name", "a.jpeg", "--content-type", "image/jpeg", "--file-size", "32", "--content-url", "https://files.example.com/a.jpeg"],
    "sendMessageSuccess",
  ],
  ["geolocation", ["--conversation", conversation, "--latitude", "52.37", "--longitude", "4.9", "--label", "Head office"], "sendGeolocationSuccess"],
  ["config", ["--entry-point", "1001"], "entryPointConfigurationFound"],
  [
    "start",
    ["--entry-point", "1001", "--email", "jane@example.com", "--first-name", "Jane", "--subject", "Order 4521", "--attribute", "activity_order=4521", "--attribute", "activity_tags=a", "--attribute", "activity_tags=b"],
    "conversationStarted",
  ],
  ["start", ["--entry-point", "1001", "--social-type", "instagram", "--social-id", "jane_ig"], "conversationStarted"],
];

describe("each command against Prism", () => {
  it.each(successes)("%s sends and exits 0 with the success outcome", async (command, args, kind) => {
    const { code, stdout, stderr } = await run([command, ...args]);
    expect(JSON.parse(stdout)).toMatchObject({ kind, status: 200 });
    expect(code).toBe(0);
    expect(stdout + stderr).not.toContain(secret);
  });
});

describe("--verbose", () => {
  it("logs each request and event to stderr, never a secret or the message", async () => {
    const { code, stdout, stderr } = await run(["text", "--conversation", conversation, "--message", "Very private words", "--verbose"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ kind: "sendMessageSuccess" });
    const events = stderr.trim().split("\n").map((line) => JSON.parse(line.replace(/^ece-messaging /, "")) as { type: string });
    expect(events.map((e) => e.type)).toEqual(["tokenRequested", "request", "request", "response", "request", "tokenRevoked"]);
    expect(stderr).not.toContain(secret);
    expect(stderr).not.toContain("Very private words");
  });
});

describe("ECE_LOG", () => {
  it("with ECE_LOG=debug stdout is the outcome alone, and the log lines go to stderr", async () => {
    const { code, stdout, stderr } = await run(["text", "--conversation", conversation, "--message", "Logged words"], { ...environment, ECE_LOG: "debug" });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ kind: "sendMessageSuccess" });
    const events = stderr.trim().split("\n").map((line) => JSON.parse(line.replace(/^ece-messaging /, "")) as { type: string });
    expect(events.map((e) => e.type)).toEqual(["tokenRequested", "request", "request", "response", "request", "tokenRevoked"]);
    expect(stdout + stderr).not.toContain(secret);
  });
});

describe("start --attribute with a name every object has (__proto__, constructor, toString)", () => {
  it.each(["__proto__", "constructor", "toString"])("--attribute %s=x is sent as that attribute, no stack trace", async (name) => {
    const stub = await startEceStub(
      eceLike((_request, response) => answer(response, 200, {}), {
        routes: {
          [CONFIG_PATH]: (_request, response) =>
            answer(response, 200, { entryPointConfiguration: [{ entryPoint: { id: 1001 }, lastModified: { date: 1730000000000 } }] }),
          [START_PATH]: (_request, response) => answer(response, 200, { id: conversation, activity: { id: "32154" } }),
        },
      }),
    );
    try {
      const { code, stdout, stderr } = await run(
        ["start", "--entry-point", "1001", "--email", "jane@example.com", "--attribute", `${name}=x`, "--attribute", `${name}=y`],
        { ...environment, ECE_BASE_URL: stub.url, ECE_API_ROOT: "" },
      );
      expect(stderr).toBe("");
      expect(JSON.parse(stdout)).toMatchObject({ kind: "conversationStarted", status: 200 });
      expect(code).toBe(0);
      const [start] = stub.requestsTo(START_PATH);
      expect(JSON.parse(start!.body).activity.customAttributes).toEqual({
        customAttribute: [{ attribName: name, attribValues: { attribValue: [{ value: "x" }, { value: "y" }] } }],
      });
    } finally {
      await stub.close();
    }
  });
});

describe("input the SDK refuses is its invalidData outcome on stdout, exit 2, naming the flag", () => {
  it("bad input names the flag, in both spellings of a negative number", async () => {
    const args = successes[4]![1].filter((a) => a !== "--file-size" && a !== "32");
    for (const negative of [["--file-size=-5"], ["--file-size", "-5"]]) {
      const { code, stdout } = await run(["upload", ...args, ...negative]);
      expect(code).toBe(2);
      expect(JSON.parse(stdout)).toEqual({
        kind: "invalidData",
        message: "Invalid input: --file-size must not be negative.",
        delivered: false,
        issues: [{ field: "--file-size", problem: "must not be negative" }],
      });
    }
  });

  it("a coordinate the SDK cannot read is its invalidData outcome, naming the flag", async () => {
    const latitude = await run(["geolocation", "--conversation", "c", "--latitude", "abc", "--longitude", "4.9"]);
    expect(latitude.code).toBe(2);
    expect(JSON.parse(latitude.stdout).issues).toEqual([{ field: "--latitude", problem: expect.stringContaining("decimal degrees") as string }]);
  });

  it("start refuses an attribute value ECE refuses, and a customer without a contact point", async () => {
    const plus = await run(["start", "--entry-point", "1001", "--email", "j@example.com", "--attribute", "activity_order=4+5"]);
    expect(plus.code).toBe(2);
    expect(JSON.parse(plus.stdout)).toMatchObject({ kind: "invalidData", issues: [{ field: "--attribute activity_order=" }] });
    const nobody = await run(["start", "--entry-point", "1001", "--first-name", "Jane"]);
    expect(JSON.parse(nobody.stdout)).toMatchObject({ kind: "invalidData", issues: [{ field: "--email or --social-type with --social-id" }] });
  });
});

/** A usage error: exit 2, nothing on stdout, and these lines (one per problem) on stderr. */
function expectUsage(result: { code: number; stdout: string; stderr: string }, lines: string[]): void {
  expect({ code: result.code, stdout: result.stdout, lines: result.stderr.trimEnd().split("\n") }).toEqual({ code: 2, stdout: "", lines });
}

describe("usage errors (issue 22 item 4): one line each on stderr, all in one pass, exit 2, stdout empty", () => {
  it("an unknown command, with the nearest one when it is a near miss, and the list of commands (mock included)", async () => {
    const list =
      "the commands are availability, capacity, eligibility, config, conversation, start, text, html, accept, reject, upload, geolocation, mock (see ece-messaging --help)";
    expectUsage(await run(["strat", "--entry-point", "1001"]), [`ece-messaging strat: unknown command (did you mean start?); ${list}`]);
    expectUsage(await run(["txt"], {}), [`ece-messaging txt: unknown command (did you mean text?); ${list}`]);
    expectUsage(await run(["send"]), [`ece-messaging send: unknown command; ${list}`]);
  });

  it("an unknown flag (with the nearest one), a flag without its value, a value that is not a number, a stray argument", async () => {
    expectUsage(await run(["text", "--conversation", "c", "--mesage", "hi"]), [
      "ece-messaging text: unknown flag --mesage (did you mean --message?)",
      "ece-messaging text: --message is required",
    ]);
    expectUsage(await run(["text", "--conversation", "--message", "hi"]), ["ece-messaging text: --conversation needs a value"]);
    expectUsage(await run(["text", "--conversation", "c", "--message"]), ["ece-messaging text: --message needs a value"]);
    const upload = successes[4]![1].map((a) => (a === "32" ? "12kb" : a));
    expectUsage(await run(["upload", ...upload, "--timeout-ms", "soon", "--verbose=yes", "extra"]), [
      'ece-messaging upload: --file-size must be a number, not "12kb"',
      'ece-messaging upload: --timeout-ms must be a number, not "soon"',
      "ece-messaging upload: --verbose takes no value",
      'ece-messaging upload: unexpected argument "extra" (flags start with --)',
    ]);
  });

  it("missing flags and missing environment together, in one pass", async () => {
    expectUsage(await run(["text", "--conversation", "c"], {}), [
      "ece-messaging text: --message is required",
      "ece-messaging text: ECE_BASE_URL is not set (see ece-messaging --help)",
      "ece-messaging text: ECE_CLIENT_KEY is not set (see ece-messaging --help)",
      "ece-messaging text: ECE_CLIENT_SECRET is not set (see ece-messaging --help)",
    ]);
  });

  it("a bad ECE_BASE_URL is named as the variable, with what is expected, never its value, beside a flag's problem", async () => {
    const result = await run(["text", "--conversation", "c"], { ...environment, ECE_BASE_URL: "ece.example.com/pw=hunter2" });
    expectUsage(result, ["ece-messaging text: --message is required", "ece-messaging text: ECE_BASE_URL must be an absolute http or https URL"]);
    expect(result.stderr).not.toContain("hunter2");
  });

  it("no flag can carry credentials: its value is neither taken nor printed", async () => {
    const flagged = await run(["text", "--conversation", "c", "--message", "m", "--client-secret", secret]);
    expectUsage(flagged, ["ece-messaging text: unknown flag --client-secret"]);
  });

  it("mock too: an unknown flag with the nearest one, a port that is not one, --errors without --prism", async () => {
    expectUsage(await run(["mock", "--prot", "4010", "--errors"], {}), [
      "ece-messaging mock: unknown flag --prot (did you mean --port?)",
      "ece-messaging mock: --errors applies to --prism only",
    ]);
    expectUsage(await run(["mock", "--port", "lots"], {}), ['ece-messaging mock: --port must be a number, not "lots"']);
    expectUsage(await run(["mock", "--port", "70000"], {}), ["ece-messaging mock: --port must be a port number (0-65535)"]);
  });
});

describe("--id (issue 22 item 4): only the outcome's ID on stdout, to hand to the next command", () => {
  it("start prints the conversation's ID, a send its message's ID, upload its attachment's ID", async () => {
    const start = await run(["start", ...successes[7]![1], "--id"]);
    expect(start).toEqual({ code: 0, stdout: `${conversation}\n`, stderr: "" });
    const text = await run(["text", "--conversation", start.stdout.trim(), "--message", "Hello", "--id"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^[0-9]+\n$/);
    const upload = await run(["upload", ...successes[4]![1], "--id"]);
    expect(upload.stdout).toMatch(/^[0-9]+\n$/);
  });

  it("a failure prints nothing on stdout (a capture gets nothing) and its outcome on stderr, exit 1", async () => {
    const stub = await startEceStub(eceLike((_request, response) => answer(response, 409, { code: "409-100", developerMessage: "stale" })));
    try {
      const result = await run(["text", "--conversation", "c", "--message", "m", "--id"], { ...environment, ECE_BASE_URL: stub.url, ECE_API_ROOT: "" });
      expect([result.code, result.stdout]).toEqual([1, ""]);
      expect(JSON.parse(result.stderr)).toMatchObject({ kind: "conflict", status: 409 });
    } finally {
      await stub.close();
    }
  });

  it("a success without an ID (ECE answered 2xx with no body) exits 0: stdout empty, the outcome on stderr", async () => {
    const stub = await startEceStub(eceLike((_request, response) => void response.writeHead(200).end()));
    try {
      const result = await run(["text", "--conversation", "c", "--message", "m", "--id"], { ...environment, ECE_BASE_URL: stub.url, ECE_API_ROOT: "" });
      expect([result.code, result.stdout]).toEqual([0, ""]);
      expect(JSON.parse(result.stderr)).toMatchObject({ kind: "sendMessageSuccess", status: 200 });
    } finally {
      await stub.close();
    }
  });

  it.each(["availability", "capacity", "eligibility"])("%s has no ID to print: --id is a usage error, nothing asked", async (command) => {
    expectUsage(await run([command, "--entry-point", "1001", "--id"], { ECE_BASE_URL: "http://127.0.0.1:9" }), [
      `ece-messaging ${command}: unknown flag --id`,
    ]);
  });
});

describe("the chat web service's commands (issue 21) need only ECE_BASE_URL", () => {
  const chatOnly = { ECE_BASE_URL: prismUrl, ECE_CHAT_ROOT: "/" };
  it.each([
    ["availability", "agentAvailable"],
    ["capacity", "slotAvailable"],
    ["eligibility", "eligible"],
  ])("%s against Prism, with no credentials in the environment, exits 0 with %s", async (command, kind) => {
    const { code, stdout, stderr } = await run([command, "--entry-point", "1001"], chatOnly);
    expect([code, stderr]).toEqual([0, ""]);
    expect(JSON.parse(stdout)).toMatchObject({ kind, status: 200 });
  });

  it("sends no credentials and asks for no token, even when the environment has them; the default chat root", async () => {
    const stub = await startEceStub((_request, response) => {
      response.writeHead(200, { "content-type": "application/xml" }).end('<checkEligibility xmlns:ns2="http://bindings.egain.com/chat" responseType="2"/>');
    });
    try {
      const { code, stdout } = await run(["eligibility", "--entry-point", "1001"], { ...environment, ECE_BASE_URL: stub.url, ECE_API_ROOT: "/system/ws/v19/clientapplications" });
      expect(code).toBe(0); // an answer: the queue is full
      expect(JSON.parse(stdout)).toMatchObject({ kind: "queueFull", responseType: 2 });
      expect(stub.requests.map(({ method, url }) => `${method} ${url}`)).toEqual(["GET /system/egain/chat/entrypoint/checkEligibility/1001"]);
      expect(stub.requests[0]!.headers.authorization).toBeUndefined();
    } finally {
      await stub.close();
    }
  });

  it("conversation reads one back with credentials, and without them is a usage error naming the variables", async () => {
    const found = await run(["conversation", "--conversation", conversation]);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject({ kind: "conversationFound", status: 200 });
    const refused = await run(["conversation", "--conversation", conversation], { ECE_BASE_URL: prismUrl });
    expect([refused.code, refused.stdout]).toEqual([2, ""]);
    expect(refused.stderr).toContain("ECE_CLIENT_KEY is not set");
    expect(refused.stderr).toContain("ECE_CLIENT_SECRET is not set");
  });
});

describe("failures from ECE exit 1", () => {
  it("an error status is its outcome, and the secret ECE echoes is not printed", async () => {
    const stub = await startEceStub(
      eceLike((request, response) => answer(response, 409, { code: "409-100", developerMessage: `stale for ${request.headers.authorization}` }), {
        onToken: (request, response) => answer(response, 200, { access_token: "cli-token-abc", expires_in: 60, echo: request.headers.authorization }),
      }),
    );
    try {
      const { code, stdout, stderr } = await run(["text", "--conversation", "c", "--message", "m"], { ...environment, ECE_BASE_URL: stub.url, ECE_API_ROOT: "" });
      expect(code).toBe(1);
      expect(JSON.parse(stdout)).toMatchObject({ kind: "conflict", status: 409, developerMessage: "stale for Bearer [redacted]" });
      expect(stdout + stderr).not.toContain(secret);
      expect(stdout + stderr).not.toContain("cli-token-abc");
    } finally {
      await stub.close();
    }
  });
});

describe("--help", () => {
  it("lists every command and the exit codes, exit 0, without any environment", async () => {
    const { code, stdout } = await run(["--help"], {});
    expect(code).toBe(0);
    const commands = ["availability", "capacity", "eligibility", "config", "conversation", "start", "text", "html", "accept", "reject", "upload", "geolocation", "mock"];
    for (const command of commands) expect(stdout).toContain(`  ${command} `);
    expect(stdout).toMatch(/Exit status:\n  0 .*\n  1 .*\n  2 /);
  });

  it("--version prints the package's version", async () => {
    const { code, stdout } = await run(["--version"], {});
    const { version } = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string };
    expect([code, stdout]).toEqual([0, `${version}\n`]);
  });

  it("mock --help lists its flags, exit 0", async () => {
    const { code, stdout } = await run(["mock", "--help"], {});
    expect(code).toBe(0);
    for (const flag of ["--port", "--prism", "--errors", "--verbose"]) expect(stdout).toContain(flag);
  });

  it.each(successes)("%s --help lists its flags", async (command, args) => {
    const { code, stdout } = await run([command, "--help"], {});
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: ece-messaging ${command}`);
    for (const flag of args.filter((a) => a.startsWith("--"))) expect(stdout).toContain(flag);
    expect(stdout).toContain("ECE_CLIENT_SECRET");
  });
});
