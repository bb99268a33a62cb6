/**
 * What the token endpoint's statuses mean: refused credentials (400, 401, 403) are
 * authorizationFail; a 404 or a redirect means no token endpoint is there (a wrong baseUrl or
 * apiRoot - not a wrong secret); 500 and other statuses as for a send.
 */
import { describe, expect, it } from "vitest";
import { createEceClient } from "../../src/index.js";
import { answer, CREDENTIALS, SEND_PATH, stubsPerTest } from "../support/ece-stub.js";

const stubWith = stubsPerTest();
const text = { conversationId: "c-1", message: "hello" };
const tokenPath = "/system/ws/v19/clientapplications/authentication/oauth2/token";

function stubAnsweringToken(status: number, headers: Record<string, string> = {}) {
  return stubWith((_request, response) => answer(response, 200, {}), {
    onToken: (_request, response) => {
      response.writeHead(status, { "Content-Type": "application/json", ...headers });
      response.end(JSON.stringify({ code: `${status}-1`, developerMessage: "from the token endpoint" }));
    },
  });
}

describe("the token endpoint's answer", () => {
  it.each([400, 401, 403])("%i is authorizationFail", async (status) => {
    const stub = await stubAnsweringToken(status);
    const outcome = await createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS }).sendTextMessage(text);
    expect(outcome).toEqual({
      kind: "authorizationFail",
      message: "The token endpoint refused the client credentials.",
      status,
      delivered: false,
      code: `${status}-1`,
      developerMessage: "from the token endpoint",
    });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(0);
  });

  it.each([
    [404, {}],
    [301, { Location: "http://127.0.0.1:1/elsewhere" }],
    [302, { Location: "/login" }],
    [307, {}],
  ])("%i is error naming the path and pointing at baseUrl and apiRoot, not the secret", async (status, headers) => {
    const stub = await stubAnsweringToken(status, headers);
    const outcome = await createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS }).sendTextMessage(text);
    expect(outcome).toEqual({
      kind: "error",
      message: `No ECE token endpoint answered at ${tokenPath} (status ${status}): check the client's baseUrl and apiRoot.`,
      status,
      delivered: false,
    });
    expect(stub.requestsTo(SEND_PATH)).toHaveLength(0);
  });

  it("names a custom apiRoot when nothing answers there", async () => {
    const stub = await stubWith((_request, response) => answer(response, 200, {}));
    const outcome = await createEceClient({ baseUrl: stub.url, apiRoot: "/ece/ws/v19/clientapplications", credentials: CREDENTIALS })
      .sendTextMessage(text);
    expect(outcome).toMatchObject({
      kind: "error",
      message: "No ECE token endpoint answered at /ece/ws/v19/clientapplications/authentication/oauth2/token (status 404): check the client's baseUrl and apiRoot.",
    });
  });

  it("500 is internalServerError", async () => {
    const stub = await stubAnsweringToken(500);
    expect(await createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS }).sendTextMessage(text)).toMatchObject({
      kind: "internalServerError",
      status: 500,
      code: "500-1",
    });
  });

  it.each([418, 429, 502, 503])("%i is invalidChoice", async (status) => {
    const stub = await stubAnsweringToken(status);
    expect(await createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS }).sendTextMessage(text)).toMatchObject({
      kind: "invalidChoice",
      status,
    });
  });
});
