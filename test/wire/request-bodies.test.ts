/**
 * Each operation sends exactly the body of the wire contract (shared/ece-api.md section 4),
 * byte for byte, to the sendmessage path, with the conversation named in the body only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEceClient, type EceClient } from "../../src/index.js";
import { answer, eceLike, SEND_PATH, startEceStub, CREDENTIALS, type EceStub } from "../support/ece-stub.js";

let stub: EceStub;
let ece: EceClient;

beforeAll(async () => {
  stub = await startEceStub(eceLike((_request, response) => answer(response, 200, { id: "1" })));
  ece = createEceClient({ baseUrl: stub.url, credentials: CREDENTIALS });
});
afterAll(async () => {
  await ece.close();
  await stub.close();
});

const id = "ca2c588e-1e31-405a-9888-e72bf7179186";

// The expected bytes are written out by hand from the contract's table, not built by code.
const cases: { name: string; send: () => Promise<{ kind: string }>; body: string }[] = [
  {
    name: "sendTextMessage",
    send: () => ece.sendTextMessage({ conversationId: id, message: "Hello there" }),
    body: '{"conversation":{"id":"ca2c588e-1e31-405a-9888-e72bf7179186"},"type":{"value":"text/plain"},"content":"Hello there"}',
  },
  {
    name: "sendHtmlMessage",
    send: () => ece.sendHtmlMessage({ conversationId: id, message: "<b>Hi</b>" }),
    body: '{"conversation":{"id":"ca2c588e-1e31-405a-9888-e72bf7179186"},"type":{"value":"text/html"},"content":"<b>Hi</b>"}',
  },
  {
    name: "uploadAttachmentFromUrl",
    send: () =>
      ece.uploadAttachmentFromUrl({
        conversationId: id,
        fileName: "a.jpeg",
        contentType: "image/jpeg",
        fileSize: 32,
        contentUrl: "https://files.example.com/a.jpeg",
      }),
    body: '{"conversation":{"id":"ca2c588e-1e31-405a-9888-e72bf7179186"},"type":{"value":"uploadAttachment"},"attachments":{"attachment":[{"fileName":"a.jpeg","contentType":"image/jpeg","size":"32","contentUrl":"https://files.example.com/a.jpeg"}]}}',
  },
  {
    name: "acceptAttachment",
    send: () => ece.acceptAttachment({ conversationId: id, attachmentId: "5008" }),
    body: '{"conversation":{"id":"ca2c588e-1e31-405a-9888-e72bf7179186"},"type":{"value":"acceptAttachment"},"attachments":{"attachment":[{"id":"5008"}]}}',
  },
  {
    name: "rejectAttachment",
    send: () => ece.rejectAttachment({ conversationId: id, attachmentId: "5008" }),
    body: '{"conversation":{"id":"ca2c588e-1e31-405a-9888-e72bf7179186"},"type":{"value":"rejectAttachment"},"attachments":{"attachment":[{"id":"5008"}]}}',
  },
  {
    name: "sendGeolocation (all fields)",
    send: () =>
      ece.sendGeolocation({
        conversationId: id,
        latitude: "52.3676",
        longitude: "4.9041",
        label: "Head office",
        locationUrl: "https://maps.example.com/?q=52.3676,4.9041",
        address: "Dam 1, Amsterdam",
      }),
    body: '{"conversation":{"id":"ca2c588e-1e31-405a-9888-e72bf7179186"},"type":{"value":"geolocation"},"geolocation":{"coordinate":{"latitude":"52.3676","longitude":"4.9041"},"label":"Head office","url":"https://maps.example.com/?q=52.3676,4.9041","address":"Dam 1, Amsterdam"}}',
  },
  {
    name: "sendGeolocation (only the fields given; numbers become text)",
    send: () => ece.sendGeolocation({ conversationId: id, latitude: -33.8688, longitude: 151.2093 }),
    body: '{"conversation":{"id":"ca2c588e-1e31-405a-9888-e72bf7179186"},"type":{"value":"geolocation"},"geolocation":{"coordinate":{"latitude":"-33.8688","longitude":"151.2093"}}}',
  },
  {
    name: "sendGeolocation (address only)",
    send: () => ece.sendGeolocation({ conversationId: id, address: "Dam 1, Amsterdam" }),
    body: '{"conversation":{"id":"ca2c588e-1e31-405a-9888-e72bf7179186"},"type":{"value":"geolocation"},"geolocation":{"address":"Dam 1, Amsterdam"}}',
  },
];

describe("request bodies", () => {
  it.each(cases)("$name sends exactly the contract's body", async ({ send, body }) => {
    const before = stub.requestsTo(SEND_PATH).length;
    const outcome = await send();
    expect(outcome.kind).not.toBe("invalidData");
    const sent = stub.requestsTo(SEND_PATH).slice(before);
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe(SEND_PATH);
    expect(request!.body).toBe(body);
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers.accept).toBe("application/json");
    expect(request!.headers.authorization).toMatch(/^Bearer token-\d+$/);
  });

  it("keeps awkward IDs and text byte-exact in the body and out of the URL", async () => {
    const conversationId = "a/b?c#d%20e\"f'g\\h ü 😀";
    const message = 'quote " backslash \\ newline \n tab \t nul \u0000 bell \u0007 lone \ud800 emoji 🎉';
    const before = stub.requestsTo(SEND_PATH).length;
    await ece.sendTextMessage({ conversationId, message });
    const [request] = stub.requestsTo(SEND_PATH).slice(before);
    expect(request!.url).toBe(SEND_PATH);
    const parsed = JSON.parse(request!.body) as { conversation: { id: string }; content: string };
    // Lone surrogates cannot be UTF-8: well-formed JSON.stringify escapes them as \ud800.
    expect(request!.body).toContain("\\ud800");
    expect(parsed.conversation.id).toBe(conversationId);
    expect(parsed.content).toBe(message);
    // No raw control character reaches the wire (the cause of "Illegal unquoted character").
    expect(/[\u0000-\u001f]/.test(request!.body)).toBe(false);
  });

  it("uses a custom apiRoot and strips trailing slashes", async () => {
    const custom = await startEceStub((request, response) => {
      if (request.url.endsWith("/oauth2/token")) return answer(response, 200, { access_token: "t", expires_in: 60 });
      return answer(response, 204);
    });
    const client = createEceClient({ baseUrl: `${custom.url}/`, apiRoot: "/ece/ws/v19/clientapplications/", accessToken: "t" });
    await client.sendTextMessage({ conversationId: "c", message: "m" });
    expect(custom.requests.map((r) => r.url)).toEqual(["/ece/ws/v19/clientapplications/messaging/sendmessage"]);
    await custom.close();
  });

  it("writes tiny coordinates in decimal notation, never with an exponent", async () => {
    const before = stub.requestsTo(SEND_PATH).length;
    await ece.sendGeolocation({ conversationId: "c", latitude: 1e-7, longitude: -2.5e-7 });
    const [request] = stub.requestsTo(SEND_PATH).slice(before);
    expect(request!.body).toBe(
      '{"conversation":{"id":"c"},"type":{"value":"geolocation"},"geolocation":{"coordinate":{"latitude":"0.0000001","longitude":"-0.00000025"}}}',
    );
  });

  it.each([
    [{ latitude: "abc", longitude: "4.9" }, "latitude"],
    [{ latitude: "91", longitude: "4.9" }, "latitude"],
    [{ locationUrl: "javascript:alert(1)" }, "locationUrl"],
  ])("refuses %o before sending, naming %s", async (geolocation, field) => {
    const before = stub.requests.length;
    const outcome = await ece.sendGeolocation({ conversationId: "c", ...geolocation });
    expect(outcome.kind === "invalidData" && outcome.issues.map((i) => i.field)).toEqual([field]);
    expect(stub.requests.length).toBe(before);
  });
});
