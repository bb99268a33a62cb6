/**
 * Against a local server that follows the wire contract: any 2xx is success, each error status
 * maps to the kind of shared/ece-api.md section 5, a stall is `timeout`, a dropped connection is
 * `error`, and bad input is `invalidData` with nothing sent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEceClient, type EceClient, type MessageOperationName as OperationName } from "../../src/index.js";
import { validCall } from "../support/operations.js";
import { answer, eceLike, SEND_PATH, startEceStub, CREDENTIALS, type EceStub } from "../support/ece-stub.js";
import { expectedRefusedKind as refusedKind, expectedSuccessKind as successKind } from "../support/expected-outcomes.js";

/** What the test server does with the next sendmessage request. */
let behaviour: Parameters<typeof eceLike>[0] = (_request, response) => answer(response, 200, {});

let stub: EceStub;
let ece: EceClient;
beforeAll(async () => {
  stub = await startEceStub(eceLike((request, response, socket) => behaviour(request, response, socket)));
  ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
});
afterAll(async () => {
  await ece.close();
  await stub.close();
});

const send = validCall;
const operations = Object.keys(send) as OperationName[];

describe.each(operations)("%s", (operation) => {
  it.each([200, 201, 202])("maps %i with a JSON body to its success kind", async (status) => {
    behaviour = (_request, response) => answer(response, status, { id: "m-9" });
    const outcome = await send[operation](ece);
    expect(outcome).toMatchObject({ kind: successKind[operation], status, messageId: "m-9" });
  });

  it("maps 204 with an empty body to success, without body fields", async () => {
    behaviour = (_request, response) => answer(response, 204);
    const outcome = await send[operation](ece);
    expect(outcome).toMatchObject({ kind: successKind[operation], status: 204 });
    expect(outcome).not.toHaveProperty("messageId");
  });

  it("maps 200 with an empty body and no Content-Length to success", async () => {
    behaviour = (_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
      response.end();
    };
    expect((await send[operation](ece)).kind).toBe(successKind[operation]);
  });

  const errorCases: [number, unknown, string][] = [
    [400, { code: "400-100", developerMessage: "The request could not be processed." }, refusedKind[operation]],
    [400, { code: "400-101", developerMessage: "Illegal unquoted character ((CTRL-CHAR, code 10))" }, "illegalUnquotedCharacter"],
    [401, { code: "401-102", developerMessage: "Session not found." }, "unauthorized"],
    [403, { code: "403-100", developerMessage: "Not started by this client application." }, "forbidden"],
    [404, { code: "404-100", developerMessage: "Not found." }, "conversationNotFound"],
    [409, { code: "409-100", developerMessage: "Last modified date ... do not match" }, "conflict"],
    [418, { code: "418-1", developerMessage: "I'm a teapot" }, "invalidChoice"],
    [500, { code: "500-100", developerMessage: "Boom." }, "internalServerError"],
    [503, "<html><body>Service Unavailable</body></html>", "invalidChoice"],
  ];
  it.each(errorCases)("maps %i to the documented kind", async (status, body, kind) => {
    behaviour = (_request, response) => answer(response, status, body);
    const outcome = await send[operation](ece);
    expect(outcome.kind).toBe(kind);
    expect(outcome).toHaveProperty("status", status);
    if (typeof body === "object") {
      expect(outcome).toMatchObject(body as object);
    }
  });

  it("maps a 4xx with an empty body by its status alone", async () => {
    behaviour = (_request, response) => answer(response, 403);
    expect(await send[operation](ece)).toMatchObject({ kind: "forbidden", status: 403 });
  });

  it("is conversationNotFound when the message says so, whatever the status", async () => {
    behaviour = (_request, response) =>
      answer(response, 400, { code: "400-120", developerMessage: "The conversation ca2c588e does not exist." });
    expect(await send[operation](ece)).toMatchObject({ kind: "conversationNotFound", status: 400 });
  });

  it("times out a 3 s stall at timeoutMs 400, sending once", async () => {
    let timer: NodeJS.Timeout | undefined;
    behaviour = (_request, response) => {
      timer = setTimeout(() => answer(response, 200, {}), 3_000);
    };
    const before = stub.requestsTo(SEND_PATH).length;
    const started = performance.now();
    const outcome = await send[operation](ece, { timeoutMs: 400 });
    const elapsed = performance.now() - started;
    clearTimeout(timer);
    expect(outcome).toMatchObject({ kind: "timeout", timeoutMs: 400 });
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(400 + 1_000); // generous: the point is "not 3 s"
    expect(stub.requestsTo(SEND_PATH).length - before).toBe(1);
  });

  it("maps a dropped connection to error, sending once", async () => {
    behaviour = (_request, _response, socket) => {
      socket.destroy();
    };
    const before = stub.requestsTo(SEND_PATH).length;
    const outcome = await send[operation](ece);
    expect(outcome.kind).toBe("error");
    expect(outcome).not.toHaveProperty("aborted");
    expect(stub.requestsTo(SEND_PATH).length - before).toBe(1);
  });

  it("maps a 2xx whose body is not JSON to error, naming the status", async () => {
    behaviour = (_request, response) => answer(response, 200, "{not json");
    expect(await send[operation](ece)).toMatchObject({ kind: "error", status: 200 });
  });

  it("does not follow a redirect (a message is never re-posted elsewhere)", async () => {
    behaviour = (_request, response) => {
      response.writeHead(307, { Location: "/elsewhere" }).end();
    };
    const before = stub.requests.length;
    expect(await send[operation](ece)).toMatchObject({ kind: "invalidChoice", status: 307 });
    expect(stub.requests.length - before).toBe(1);
  });

  it("returns invalidData for bad input and sends nothing", async () => {
    const before = stub.requests.length;
    const outcome = await ece[operation]({ conversationId: "" } as never);
    expect(outcome.kind).toBe("invalidData");
    if (outcome.kind === "invalidData") {
      expect(outcome.issues).toContainEqual({ field: "conversationId", problem: "must not be empty" });
    }
    expect(stub.requests.length).toBe(before);
  });
});

describe("success details from the response body", () => {
  it("upload returns the new attachment's ID", async () => {
    behaviour = (_request, response) =>
      answer(response, 201, { id: "m-1", attachments: { attachment: [{ id: "5007", fileName: "a.pdf" }] } });
    expect(await send.uploadAttachmentFromUrl(ece)).toEqual({
      kind: "sendMessageSuccess",
      status: 201,
      messageId: "m-1",
      attachmentId: "5007",
    });
  });

  it.each([48213, "48213"])("accept returns the file's details, size %o as a number", async (size) => {
    behaviour = (_request, response) =>
      answer(response, 200, {
        id: "m-2",
        attachments: {
          attachment: [
            { id: "5008", fileName: "invoice.pdf", contentType: "application/pdf", size, contentUrl: "https://ece.example/a/5008" },
          ],
        },
      });
    expect(await send.acceptAttachment(ece)).toEqual({
      kind: "attachmentAccepted",
      status: 200,
      messageId: "m-2",
      attachment: {
        id: "5008",
        fileName: "invoice.pdf",
        contentType: "application/pdf",
        size: 48213,
        contentUrl: "https://ece.example/a/5008",
      },
    });
  });

  it("accept still succeeds when the body lacks the details, or has them malformed", async () => {
    behaviour = (_request, response) => answer(response, 200, { attachments: { attachment: [{ size: "-3", fileName: 7 }] } });
    expect(await send.acceptAttachment(ece)).toEqual({
      kind: "attachmentAccepted",
      status: 200,
      attachment: { id: "5008" }, // the ID accepted, when ECE does not repeat it
    });
  });

  it("geolocation returns the full payload", async () => {
    const payload = { id: "m-3", geolocation: { address: "Dam 1" }, extra: { kept: true } };
    behaviour = (_request, response) => answer(response, 200, payload);
    expect(await send.sendGeolocation(ece)).toEqual({
      kind: "sendGeolocationSuccess",
      status: 200,
      messageId: "m-3",
      response: payload,
    });
  });

  it("a JSON body of the wrong shape is still a success, without body fields", async () => {
    behaviour = (_request, response) => answer(response, 200, [1, 2, 3]);
    expect(await send.sendGeolocation(ece)).toEqual({ kind: "sendGeolocationSuccess", status: 200 });
  });
});
