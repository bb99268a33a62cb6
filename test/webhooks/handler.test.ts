/**
 * createWebhookHandler with Fetch API requests: delivery (once, in order, typed), and every
 * refusal with its status - onMessages never called for one, no secret in any response.
 */
import { describe, expect, it } from "vitest";
import { createWebhookHandler, type WebhookAuthorization, type WebhookMessage } from "../../src/webhooks.js";
import { constantTimeEqual } from "../../src/webhooks/handler.js";
import { everyTypeItems, jsonBody, xmlBody } from "../support/webhook-fixtures.js";

const username = "ece-callback";
const password = "Callback-Passw0rd-31337";
const token = "Bearer-Token-Value-9f8e7d";
const basicHeader = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
const secrets = [password, token, basicHeader.slice("Basic ".length)];

/** A handler whose deliveries are recorded, and whose every response is checked for secrets. */
function setup(authorization: WebhookAuthorization = { type: "basic", username, password }, extra: { maxBodyBytes?: number; fail?: boolean } = {}) {
  const deliveries: WebhookMessage[][] = [];
  const handler = createWebhookHandler({
    authorization,
    ...(extra.maxBodyBytes === undefined ? {} : { maxBodyBytes: extra.maxBodyBytes }),
    onMessages: async (messages) => {
      deliveries.push(messages);
      if (extra.fail) throw new Error(`downstream failed (${password})`);
    },
  });
  const handle = async (request: Request) => {
    const response = await handler(request);
    const text = await response.clone().text();
    const headers = JSON.stringify([...response.headers]);
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(headers).not.toContain(secret);
    }
    return response;
  };
  return { handle, deliveries };
}

function post(body: BodyInit | null, headers: Record<string, string> = {}, method = "POST"): Request {
  return new Request("https://receiver.example.com/ece", {
    method,
    headers: { Authorization: basicHeader, "Content-Type": "application/json", ...headers },
    ...(method === "GET" || method === "HEAD" ? {} : { body }),
  });
}

describe("delivery", () => {
  it("a valid Basic request with several JSON messages reaches onMessages once, in order, typed", async () => {
    const { handle, deliveries } = setup();
    const response = await handle(post(jsonBody(everyTypeItems)));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: everyTypeItems.length });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.map((m) => m.id)).toEqual(everyTypeItems.map((i) => i.id));
    const text = deliveries[0]!.find((m) => m.type === "text/plain");
    expect(text?.type === "text/plain" && text.content).toBe('Hello! How can I help? <not html> & "quotes"');
  });

  it("the same messages as XML", async () => {
    const { handle, deliveries } = setup();
    const response = await handle(post(xmlBody(everyTypeItems), { "Content-Type": "application/xml" }));
    expect(response.status).toBe(200);
    expect(deliveries[0]!.map((m) => m.type)).toEqual([
      "assigned", "startTyping", "endTyping", "text/plain", "text/html", "pagePush",
      "uploadAttachment", "acceptAttachment", "rejectAttachment", "transfer", "unknown", "complete",
    ]);
  });

  it.each([
    [{ type: "bearer", token } as const, `Bearer ${token}`],
    [{ type: "bearer", token } as const, `bearer ${token}`],
    [{ type: "basic", username, password } as const, basicHeader.replace("Basic", "BASIC")],
    [{ type: "none" } as const, undefined],
  ])("accepts %o with header %s", async (authorization, header) => {
    const { handle, deliveries } = setup(authorization);
    const headers: Record<string, string> = header === undefined ? {} : { Authorization: header };
    const request = new Request("https://r.example/ece", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: jsonBody(everyTypeItems.slice(0, 2)),
    });
    expect((await handle(request)).status).toBe(200);
    expect(deliveries).toHaveLength(1);
  });

  it("Basic credentials with non-ASCII characters (UTF-8)", async () => {
    const { handle } = setup({ type: "basic", username: "ecé", password: "pässwörd✓" });
    const header = `Basic ${Buffer.from("ecé:pässwörd✓").toString("base64")}`;
    expect((await handle(post(jsonBody(everyTypeItems), { Authorization: header }))).status).toBe(200);
  });
});

describe("refusals: each status, onMessages not called", () => {
  const cases: [string, () => ReturnType<typeof setup>, () => Request, number][] = [
    ["no Authorization header", () => setup(), () => post(jsonBody(everyTypeItems), { Authorization: "" }), 401],
    ["wrong password", () => setup(), () => post(jsonBody(everyTypeItems), { Authorization: `Basic ${Buffer.from(`${username}:wrong`).toString("base64")}` }), 401],
    ["wrong username", () => setup(), () => post(jsonBody(everyTypeItems), { Authorization: `Basic ${Buffer.from(`other:${password}`).toString("base64")}` }), 401],
    ["the password as a bearer token", () => setup(), () => post(jsonBody(everyTypeItems), { Authorization: `Bearer ${password}` }), 401],
    ["a wrong bearer token", () => setup({ type: "bearer", token }), () => post(jsonBody(everyTypeItems), { Authorization: `Bearer ${token}x` }), 401],
    ["Basic where bearer is configured", () => setup({ type: "bearer", token }), () => post(jsonBody(everyTypeItems)), 401],
    ["unauthenticated, whatever the content type", () => setup(), () => post("x", { Authorization: "Basic Zm9vOmJhcg==", "Content-Type": "text/plain" }), 401],
    ["GET", () => setup(), () => post(null, {}, "GET"), 405],
    ["PUT", () => setup(), () => post(jsonBody(everyTypeItems), {}, "PUT"), 405],
    ["text/plain body", () => setup(), () => post(jsonBody(everyTypeItems), { "Content-Type": "text/plain" }), 415],
    ["form body", () => setup(), () => post("message=x", { "Content-Type": "application/x-www-form-urlencoded" }), 415],
    ["broken JSON", () => setup(), () => post('{"message":[{'), 400],
    ["broken XML", () => setup(), () => post("<messages><message>", { "Content-Type": "application/xml" }), 400],
    ["XML with a raw control character", () => setup(), () => post(xmlBody(everyTypeItems).replace("Hello!", "Hello\u0007!"), { "Content-Type": "application/xml" }), 400],
    ["XML with a reference to a surrogate", () => setup(), () => post(xmlBody(everyTypeItems).replace("Hello!", "Hello&#xD800;!"), { "Content-Type": "application/xml" }), 400],
    ["an item missing fields", () => setup(), () => post(jsonBody([{ id: "1" }])), 400],
    ["a body over maxBodyBytes", () => setup(undefined, { maxBodyBytes: 100 }), () => post(jsonBody(everyTypeItems)), 413],
    ["1001 messages", () => setup(), () => post(jsonBody(Array.from({ length: 1001 }, () => everyTypeItems[3]))), 413],
  ];

  it.each(cases)("%s", async (_name, make, request, status) => {
    const { handle, deliveries } = make();
    const response = await handle(request());
    expect(response.status).toBe(status);
    expect(deliveries).toHaveLength(0);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    if (status === 401) expect(response.headers.get("www-authenticate")).toMatch(/^(Basic|Bearer) realm=/);
    if (status === 405) expect(response.headers.get("allow")).toBe("POST");
  });

  it("400 names the missing fields", async () => {
    const { handle } = setup();
    const response = await handle(post(jsonBody([everyTypeItems[0], { id: "2", type: { value: "text/plain" } }])));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { issues: { field: string }[] };
    expect(body.issues.map((i) => i.field)).toEqual([
      "message[1].conversation.id",
      "message[1].sender.type",
      "message[1].timeStamp",
      "message[1].content",
    ]);
  });

  it("413 for a streamed body without Content-Length, read no further than the limit", async () => {
    const { handle, deliveries } = setup(undefined, { maxBodyBytes: 1024 });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 10_000) controller.close();
        else controller.enqueue(new Uint8Array(512).fill(32));
      },
    });
    const request = new Request("https://r.example/ece", {
      method: "POST",
      headers: { Authorization: basicHeader, "Content-Type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect((await handle(request)).status).toBe(413);
    expect(pulled).toBeLessThan(10);
    expect(deliveries).toHaveLength(0);
  });

  it("exactly 1000 messages are accepted", async () => {
    const { handle, deliveries } = setup();
    const items = Array.from({ length: 1000 }, (_, i) => ({ ...everyTypeItems[3]!, id: String(i) }));
    expect((await handle(post(jsonBody(items)))).status).toBe(200);
    expect(deliveries[0]).toHaveLength(1000);
  });

  it("500 when onMessages throws, so ECE sees the failure (and the error's text is not echoed)", async () => {
    const { handle, deliveries } = setup(undefined, { fail: true });
    const response = await handle(post(jsonBody(everyTypeItems)));
    expect(response.status).toBe(500);
    expect(deliveries).toHaveLength(1);
    expect(await response.text()).not.toContain("downstream failed");
  });
});

describe("options", () => {
  it("are checked, without echoing secrets", () => {
    expect(() => createWebhookHandler({ authorization: { type: "basic", username: "", password }, onMessages: () => undefined })).toThrow(
      /authorization.username is required/,
    );
    expect(() =>
      createWebhookHandler({ authorization: { type: "token" } as never, onMessages: () => undefined, maxBodyBytes: -1 }),
    ).toThrow(/authorization.type.*maxBodyBytes/);
    try {
      createWebhookHandler({ authorization: { type: "basic", username: "", password }, onMessages: "no" as never });
    } catch (error) {
      expect(String(error)).not.toContain(password);
    }
  });
});

describe("credential rotation: authorization takes a list", () => {
  const oldPassword = "Old-Callback-Passw0rd";
  const newPassword = "New-Callback-Passw0rd";
  const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
  const rotating = (): WebhookAuthorization[] => [
    { type: "basic", username, password: oldPassword },
    { type: "basic", username, password: newPassword },
  ];

  it("accepts the old and the new credentials together, and nothing else", async () => {
    const deliveries: WebhookMessage[][] = [];
    const handle = createWebhookHandler({ authorization: rotating(), onMessages: (m) => void deliveries.push(m) });
    const statusWith = async (header: string) => (await handle(post(jsonBody(everyTypeItems), { Authorization: header }))).status;
    expect(await statusWith(basic(username, oldPassword))).toBe(200);
    expect(await statusWith(basic(username, newPassword))).toBe(200);
    expect(await statusWith(basic(username, "Other-Passw0rd"))).toBe(401);
    expect(await statusWith(basic("other", newPassword))).toBe(401);
    expect(deliveries).toHaveLength(2);
  });

  it("mixes Basic and bearer: each accepted; a 401 challenges with both schemes; no secret of any in a response", async () => {
    const handle = createWebhookHandler({
      authorization: [{ type: "basic", username, password: oldPassword }, { type: "bearer", token }],
      onMessages: () => undefined,
    });
    expect((await handle(post(jsonBody(everyTypeItems), { Authorization: basic(username, oldPassword) }))).status).toBe(200);
    expect((await handle(post(jsonBody(everyTypeItems), { Authorization: `Bearer ${token}` }))).status).toBe(200);
    const refused = await handle(post(jsonBody(everyTypeItems), { Authorization: "Bearer nope" }));
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Basic realm=.*, Bearer realm=/);
    // Malformed XML whose error names an element called like the first entry's password: redacted.
    const body = `<messages><message><${oldPassword}>x</message></messages>`;
    const invalid = await handle(post(body, { Authorization: `Bearer ${token}`, "Content-Type": "application/xml" }));
    expect(invalid.status).toBe(400);
    const text = await invalid.text();
    expect(text).toContain("[redacted]");
    expect(text).not.toContain(oldPassword);
  });

  it("an empty list, or none listed with credentials, is refused at creation", () => {
    expect(() => createWebhookHandler({ authorization: [], onMessages: () => undefined })).toThrow(/at least one credential/);
    expect(() =>
      createWebhookHandler({ authorization: [{ type: "none" }, { type: "bearer", token }], onMessages: () => undefined }),
    ).toThrow(/"none" accepts anyone/);
    expect(() =>
      createWebhookHandler({ authorization: [{ type: "bearer", token: "" }], onMessages: () => undefined }),
    ).toThrow(/authorization\[0\]\.token is required/);
  });
});

describe("constantTimeEqual", () => {
  it("is equality", async () => {
    expect(await constantTimeEqual("Basic abc", "Basic abc")).toBe(true);
    expect(await constantTimeEqual("Basic abd", "Basic abc")).toBe(false);
    expect(await constantTimeEqual("", "Basic abc")).toBe(false);
    expect(await constantTimeEqual("Basic abc" + "c".repeat(10_000), "Basic abc")).toBe(false);
  });
});
