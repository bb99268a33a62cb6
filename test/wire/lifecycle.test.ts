/**
 * The conversation lifecycle on the wire: the configuration request, byte-exact start bodies and
 * their query strings, the entry point's date cached once per entry point (single flight), the
 * 409 -> refresh -> one repeat flow, and every failure - against a node:http stub.
 */
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { answer, CONFIG_PATH, CREDENTIALS, START_PATH, stubsPerTest, type RecordedRequest } from "../support/ece-stub.js";

const stubWith = stubsPerTest();
const noSends = (_request: RecordedRequest, response: ServerResponse) => answer(response, 200, {});
const conversationId = "ca2c588e-1e31-405a-9888-e72bf7179186";

/** A configuration body as ECE sends it (documented shape), for one or more entry points. */
function configuration(...points: { id: number; date: string | number }[]) {
  return {
    entryPointConfiguration: points.map(({ id, date }) => ({
      entryPoint: { id },
      lastModified: { date },
      attachmentPolicy: { maxSize: 5 },
    })),
  };
}

const stale409 = {
  code: "409-100",
  developerMessage:
    "Last modified date provided in the request body for the following  do not match : conversation.entryPointConfiguration.",
};

/** A stub whose configuration and start answers the test scripts (default: date as text, started). */
function lifecycleStub(
  options: {
    config?: (request: RecordedRequest, response: ServerResponse, count: number) => void;
    start?: (request: RecordedRequest, response: ServerResponse, count: number) => void;
  } = {},
) {
  let configs = 0;
  let starts = 0;
  return stubWith(noSends, {
    routes: {
      [CONFIG_PATH]: (request, response) => {
        configs += 1;
        if (options.config) return options.config(request, response, configs);
        answer(response, 200, configuration({ id: 1001, date: `2026-11-0${configs}T10:00:00Z` }));
      },
      [START_PATH]: (request, response) => {
        starts += 1;
        if (options.start) return options.start(request, response, starts);
        answer(response, 200, { id: conversationId, activity: { id: "32154" } });
      },
    },
  });
}

describe("getEntryPointConfiguration", () => {
  it("asks for the entry point as JSON and returns its date exactly as sent, and the element", async () => {
    const stub = await lifecycleStub({
      config: (_r, response) => answer(response, 200, configuration({ id: 1000, date: 1 }, { id: 1001, date: 1730000000000 })),
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.getEntryPointConfiguration({ entryPointId: "1001" })).toEqual({
      kind: "entryPointConfigurationFound",
      status: 200,
      entryPointId: 1001,
      lastModified: 1730000000000,
      lastModifiedJson: "1730000000000",
      raw: { entryPoint: { id: 1001 }, lastModified: { date: 1730000000000 }, attachmentPolicy: { maxSize: 5 } },
    });
    const [request] = stub.requestsTo(CONFIG_PATH);
    expect(request!.method).toBe("GET");
    expect(request!.url).toBe(`${CONFIG_PATH}?entrypoint=1001`);
    expect(request!.headers.accept).toBe("application/json");
    expect(request!.headers.authorization).toBe("Bearer token-1");
  });

  it("a configuration for another entry point only is entryPointNotFound, and no start is sent", async () => {
    const stub = await lifecycleStub({ config: (_r, response) => answer(response, 200, configuration({ id: 7, date: "d7" })) });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.getEntryPointConfiguration({ entryPointId: 1001 })).toMatchObject({ kind: "entryPointNotFound", status: 200, delivered: false });
    expect(await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } })).toMatchObject({
      kind: "entryPointNotFound",
      delivered: false,
    });
    expect(stub.requestsTo(START_PATH)).toHaveLength(0);
  });

  it("keeps a number's text as ECE wrote it next to the number", async () => {
    const stub = await lifecycleStub({
      config: (_r, response) =>
        answer(response, 200, '{"entryPointConfiguration":[{"entryPoint":{"id":1001},"lastModified":{"date":1749721267000.0}}]}'),
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.getEntryPointConfiguration({ entryPointId: 1001 })).toMatchObject({
      kind: "entryPointConfigurationFound",
      lastModified: 1749721267000,
      lastModifiedJson: "1749721267000.0",
    });
  });

  it.each([
    [404, "entryPointNotFound", false],
    [403, "forbidden", false],
    // A read delivers nothing: false even for a 5xx (its retries: retries.test.ts).
    [500, "internalServerError", false],
    [418, "invalidChoice", false],
  ] as const)("%i is %s", async (status, kind, delivered) => {
    const stub = await lifecycleStub({ config: (_r, response) => answer(response, status, { code: `${status}-1`, developerMessage: "m" }) });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS, maxRetries: 0 });
    expect(await ece.getEntryPointConfiguration({ entryPointId: 1001 })).toMatchObject({
      kind,
      status,
      code: `${status}-1`,
      developerMessage: "m",
      delivered,
    });
  });

  it("a 2xx without lastModified.date is an error", async () => {
    const stub = await lifecycleStub({ config: (_r, response) => answer(response, 200, { entryPointConfiguration: [{ entryPoint: { id: 1001 } }] }) });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.getEntryPointConfiguration({ entryPointId: 1001 })).toMatchObject({ kind: "error", status: 200 });
  });

  it.each([0, -1, 1.5, "abc", "01", "", null, Number.NaN, 2 ** 53])("refuses entryPointId %o before any request", async (entryPointId) => {
    const stub = await lifecycleStub();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const outcome = await ece.getEntryPointConfiguration({ entryPointId: entryPointId as never });
    expect(outcome).toMatchObject({ kind: "invalidData", delivered: false });
    expect(outcome.kind === "invalidData" && outcome.issues.map((i) => i.field)).toEqual(["entryPointId"]);
    expect(stub.requests).toHaveLength(0);
  });
});

describe("startConversation: the bodies on the wire", () => {
  // The expected bytes are written out by hand from ece-api.md section 7, not built by code.
  it.each([
    {
      name: "an email customer, with subject and attributes",
      input: {
        entryPointId: 1001,
        customer: { firstName: "Jane", email: "jane@example.com" },
        subject: "Order 4521",
        customAttributes: { activity_order: "4521", activity_tags: ["a", "b c"] },
      },
      query: "?searchContactOnAttribute=email.emailAddress",
      body:
        '{"entryPointConfiguration":{"entryPoint":{"id":"1001"},"lastModified":{"date":"2026-11-01T10:00:00Z"}},' +
        '"activity":{"subject":"Order 4521","customAttributes":{"customAttribute":[' +
        '{"attribName":"activity_order","attribValues":{"attribValue":[{"value":"4521"}]}},' +
        '{"attribName":"activity_tags","attribValues":{"attribValue":[{"value":"a"},{"value":"b c"}]}}]},' +
        '"customer":{"type":{"value":"individual"},"contacts":{"contact":[{"firstName":"Jane","email":[{"emailAddress":"jane@example.com"}]}]}}}}',
    },
    {
      name: "a social customer only",
      input: { entryPointId: "1001", customer: { social: { type: "instagram", id: "jane_ig" } } },
      query: "?searchContactOnAttribute=social.instagramId&conversationContact=social.instagramId",
      body:
        '{"entryPointConfiguration":{"entryPoint":{"id":"1001"},"lastModified":{"date":"2026-11-01T10:00:00Z"}},' +
        '"activity":{"customer":{"type":{"value":"individual"},"contacts":{"contact":[' +
        '{"social":[{"type":{"value":"instagram"},"socialId":"jane_ig"}]}]}}}}',
    },
    {
      name: "both contacts, names, and the query given by the caller",
      input: {
        entryPointId: 1001,
        customer: { firstName: "Jane", lastName: "Doe", email: "jane@example.com", social: { type: "instagram", id: "jane_ig" } },
        searchContactOnAttribute: "social.instagramId",
        conversationContact: "social.instagramId",
      },
      query: "?searchContactOnAttribute=social.instagramId&conversationContact=social.instagramId",
      body:
        '{"entryPointConfiguration":{"entryPoint":{"id":"1001"},"lastModified":{"date":"2026-11-01T10:00:00Z"}},' +
        '"activity":{"customer":{"type":{"value":"individual"},"contacts":{"contact":[{"firstName":"Jane","lastName":"Doe",' +
        '"email":[{"emailAddress":"jane@example.com"}],"social":[{"type":{"value":"instagram"},"socialId":"jane_ig"}]}]}}}}',
    },
  ])("$name", async ({ input, query, body }) => {
    const stub = await lifecycleStub();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.startConversation(input)).toEqual({
      kind: "conversationStarted",
      status: 200,
      conversationId,
      activityId: "32154",
    });
    const [start] = stub.requestsTo(START_PATH);
    expect(start!.method).toBe("POST");
    expect(start!.url).toBe(`${START_PATH}${query}`);
    expect(start!.headers["content-type"]).toBe("application/json");
    expect(start!.body).toBe(body);
  });

  it.each([
    ["a number", 1730000000000, '"lastModified":{"date":1730000000000}'],
    ["text", "1730000000000", '"lastModified":{"date":"1730000000000"}'],
    ["text with an offset", "Tue Nov 24 10:00:00 UTC 2026", '"lastModified":{"date":"Tue Nov 24 10:00:00 UTC 2026"}'],
  ])("sends the date back as received: %s", async (_name, date, wire) => {
    const stub = await lifecycleStub({ config: (_r, response) => answer(response, 200, configuration({ id: 1001, date })) });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } });
    expect(stub.requestsTo(START_PATH)[0]!.body).toContain(wire);
  });
});

describe("startConversation: the date's text echoed verbatim", () => {
  /** A stub whose start answers 409 unless the body carries `dateJson` as written, as ECE compares it. */
  function comparingStub(configurationText: string, dateJson: string) {
    return lifecycleStub({
      config: (_r, response) => answer(response, 200, configurationText),
      start: (request, response) =>
        request.body.includes(`"lastModified":{"date":${dateJson}}`) ? answer(response, 200, { id: conversationId }) : answer(response, 409, stale409),
    });
  }

  it.each(["9007199254740993", "1749721267000.0", "1.50", "1e3", "-0", "1E+3", '"2026-11-01T10:00:00Z"', '"caf\\u00e9 \\/ \\"10\\""'])(
    "%s goes back character for character",
    async (dateJson) => {
      const stub = await comparingStub(`{"entryPointConfiguration":[{"entryPoint":{"id":1001},"lastModified":{"date":${dateJson}}}]}`, dateJson);
      const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
      expect(await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } })).toMatchObject({ kind: "conversationStarted" });
      expect(stub.requestsTo(START_PATH)).toHaveLength(1);
      expect(stub.requestsTo(START_PATH)[0]!.body).toBe(
        `{"entryPointConfiguration":{"entryPoint":{"id":"1001"},"lastModified":{"date":${dateJson}}},` +
          '"activity":{"customer":{"type":{"value":"individual"},"contacts":{"contact":[{"email":[{"emailAddress":"j@example.com"}]}]}}}}',
      );
    },
  );

  it("takes the date of the element for the entry point asked, whatever comes before it", async () => {
    const configurationText = `{ "note": "a } ] \\" [ {", "entryPointConfiguration" : [
      { "entryPoint": { "id": 1000 }, "lastModified": { "date": 1.10 }, "policy": [[{"date": 2.20}], "]"] },
      { "lastModified": { "date": 3.30 }, "entryPoint": { "id": 1001 }, "lastModified" : { "date" : 4.40 } }
    ] }`;
    const stub = await comparingStub(configurationText, "4.40");
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } })).toMatchObject({ kind: "conversationStarted" });
  });

  it("reads the date from a configuration sent as one object, and from an explicit call's cached answer", async () => {
    const stub = await comparingStub('{"entryPointConfiguration":{"entryPoint":{"id":"1001"},"lastModified":{"date":1.50}}}', "1.50");
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.getEntryPointConfiguration({ entryPointId: 1001 })).toMatchObject({ lastModified: 1.5, lastModifiedJson: "1.50" });
    expect(await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } })).toMatchObject({ kind: "conversationStarted" });
    expect(stub.requestsTo(CONFIG_PATH)).toHaveLength(1);
  });
});

describe("startConversation: the entry point's date", () => {
  it("is fetched once and reused: 1 configuration request for 3 starts", async () => {
    const stub = await lifecycleStub();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    for (let i = 0; i < 3; i++) {
      expect((await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } })).kind).toBe("conversationStarted");
    }
    expect(stub.requestsTo(CONFIG_PATH)).toHaveLength(1);
    expect(stub.requestsTo(START_PATH)).toHaveLength(3);
  });

  it("100 concurrent cold starts make one configuration request", async () => {
    let release: () => void = () => undefined;
    const stub = await lifecycleStub({
      // Held until the test has issued every start: they all find the same request in flight.
      config: (_r, response) => (release = () => answer(response, 200, configuration({ id: 1001, date: "d1" }))),
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const starts = Array.from({ length: 100 }, () => ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } }));
    await stub.arrived(CONFIG_PATH);
    release();
    const outcomes = await Promise.all(starts);
    expect(outcomes.every((o) => o.kind === "conversationStarted")).toBe(true);
    expect(stub.requestsTo(CONFIG_PATH)).toHaveLength(1);
    expect(stub.requestsTo(START_PATH)).toHaveLength(100);
  });

  it("409 -> fresh configuration -> one repeat: exactly 2 configuration and 2 start requests", async () => {
    const stub = await lifecycleStub({
      start: (_r, response, count) => (count === 1 ? answer(response, 409, stale409) : answer(response, 200, { id: conversationId })),
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } })).toEqual({
      kind: "conversationStarted",
      status: 200,
      conversationId,
    });
    expect(stub.requestsTo(CONFIG_PATH)).toHaveLength(2);
    const dates = stub.requestsTo(START_PATH).map((r) => (JSON.parse(r.body) as { entryPointConfiguration: { lastModified: { date: string } } }).entryPointConfiguration.lastModified.date);
    expect(dates).toEqual(["2026-11-01T10:00:00Z", "2026-11-02T10:00:00Z"]);
  });

  it("a first start that succeeds costs 1 + 1", async () => {
    const stub = await lifecycleStub();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } });
    expect([stub.requestsTo(CONFIG_PATH).length, stub.requestsTo(START_PATH).length]).toEqual([1, 1]);
  });

  it("still stale after the one refresh: conflict, never a third configuration request", async () => {
    const stub = await lifecycleStub({ start: (_r, response) => answer(response, 409, stale409) });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } })).toMatchObject({
      kind: "conflict",
      status: 409,
      code: "409-100",
      delivered: false,
      // Its cause is known: say it (a send's 409 has only the general words).
      message: expect.stringMatching(/last-modified date was still stale after one refresh/),
    });
    expect([stub.requestsTo(CONFIG_PATH).length, stub.requestsTo(START_PATH).length]).toEqual([2, 2]);
  });

  it("401 then 409: 3 starts, never 4", async () => {
    const stub = await lifecycleStub({
      start: (_r, response, count) => {
        if (count === 1) return answer(response, 401, { code: "401-102", developerMessage: "Session not found" });
        answer(response, 409, stale409);
      },
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    await ece.getEntryPointConfiguration({ entryPointId: 1001 }); // the token (and the date) are cached
    expect(await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } })).toMatchObject({ kind: "conflict" });
    expect(stub.requestsTo(START_PATH)).toHaveLength(3);
    expect(stub.requestsTo(START_PATH).map((r) => r.headers.authorization)).toEqual(["Bearer token-1", "Bearer token-2", "Bearer token-2"]);
  });

  it("100 starts that all get 409 make one refetch", async () => {
    let firstRound = true;
    let release: () => void = () => undefined;
    const held: ServerResponse[] = [];
    const stub = await lifecycleStub({
      start: (_r, response) => {
        if (!firstRound) return answer(response, 200, { id: conversationId });
        held.push(response);
        if (held.length === 100) release();
      },
    });
    const allArrived = new Promise<void>((resolve) => (release = resolve));
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const starts = Array.from({ length: 100 }, () => ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } }));
    await allArrived; // all 100 carry the first date
    firstRound = false;
    for (const response of held) answer(response, 409, stale409);
    const outcomes = await Promise.all(starts);
    expect(outcomes.every((o) => o.kind === "conversationStarted")).toBe(true);
    expect(stub.requestsTo(CONFIG_PATH)).toHaveLength(2);
    expect(stub.requestsTo(START_PATH)).toHaveLength(200);
  });

  it("a failed configuration is the start's outcome, not cached, and nothing was started", async () => {
    const stub = await lifecycleStub({
      config: (_r, response, count) =>
        count === 1 ? answer(response, 404, { code: "404-1", developerMessage: "No entry point" }) : answer(response, 200, configuration({ id: 1001, date: "d" })),
    });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } })).toMatchObject({
      kind: "entryPointNotFound",
      status: 404,
      delivered: false,
    });
    expect(stub.requestsTo(START_PATH)).toHaveLength(0);
    expect((await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } })).kind).toBe("conversationStarted");
    expect(stub.requestsTo(CONFIG_PATH)).toHaveLength(2);
  });
});

describe("startConversation: failures", () => {
  it.each([
    [400, "badRequest", false],
    [403, "forbidden", false],
    [404, "entryPointNotFound", false],
    [500, "internalServerError", "unknown"],
    [503, "invalidChoice", "unknown"],
  ] as const)("%i is %s", async (status, kind, delivered) => {
    const developerMessage = "Conversation does not exist"; // the sends' text rule must not apply
    const stub = await lifecycleStub({ start: (_r, response) => answer(response, status, { code: `${status}-7`, developerMessage }) });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } })).toMatchObject({
      kind,
      status,
      code: `${status}-7`,
      developerMessage,
      delivered,
    });
    expect(stub.requestsTo(START_PATH)).toHaveLength(1);
  });

  it("a 2xx without the conversation's id is an error that may have started one", async () => {
    const stub = await lifecycleStub({ start: (_r, response) => answer(response, 201, { activity: { id: "1" } }) });
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    expect(await ece.startConversation({ entryPointId: 1001, customer: { email: "j@example.com" } })).toMatchObject({
      kind: "error",
      status: 201,
      delivered: "unknown",
    });
  });

  const base = { entryPointId: 1001, customer: { email: "jane@example.com" } };
  it.each([
    [{ ...base, customer: {} }, ["customer"]],
    [{ ...base, customer: { firstName: "Jane" } }, ["customer"]],
    [{ ...base, customer: { email: "jane.example.com" } }, ["customer.email"]],
    [{ ...base, customer: { social: { type: "instagram" } } }, ["customer.social.id"]],
    [{ ...base, customer: { social: { type: "insta gram", id: "x" } } }, ["customer.social.type"]],
    [{ ...base, subject: "s".repeat(256) }, ["subject"]],
    [{ ...base, customAttributes: { activity_order: "4+5" } }, ["customAttributes.activity_order"]],
    [{ ...base, customAttributes: { activity_order: "<b>" } }, ["customAttributes.activity_order"]],
    [{ ...base, customAttributes: { activity_order: "a;b" } }, ["customAttributes.activity_order"]],
    [{ ...base, customAttributes: { activity_order: "line\nbreak" } }, ["customAttributes.activity_order"]],
    [{ ...base, customAttributes: { activity_order: ["ok", "not+ok"] } }, ["customAttributes.activity_order"]],
    [{ ...base, customAttributes: { activity_order: [] } }, ["customAttributes.activity_order"]],
    [{ ...base, customAttributes: { activity_order: 5 } }, ["customAttributes.activity_order"]],
    [{ ...base, customAttributes: { " ": "x" } }, ['customAttributes." "']],
    [{ ...base, entryPointId: 0 }, ["entryPointId"]],
    [{ ...base, customer: undefined }, ["customer"]],
  ])("refuses %o before any request, naming %o", async (input, fields) => {
    const stub = await lifecycleStub();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const outcome = await ece.startConversation(input as never);
    expect(outcome).toMatchObject({ kind: "invalidData", delivered: false });
    expect(outcome.kind === "invalidData" && outcome.issues.map((i) => i.field)).toEqual(fields);
    expect(stub.requests).toHaveLength(0);
  });

  it("accepts every character ECE allows in an attribute value, and any above code 127", async () => {
    const stub = await lifecycleStub();
    const ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
    const value = `Az09 @:._-&,()?#='" é中😀\u0080`;
    expect((await ece.startConversation({ ...base, customAttributes: { note: value } })).kind).toBe("conversationStarted");
    expect(stub.requestsTo(START_PATH)[0]!.body).toContain(JSON.stringify(value));
  });
});
