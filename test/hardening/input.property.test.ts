/**
 * Input, tried with fast-check: IDs and text of any characters (quotes, backslashes, `/ ? # %`,
 * control characters, lone surrogates, emoji) arrive byte-exact as the contract's JSON and never
 * reach the URL; a contentUrl that is not absolute http(s), a fileSize that is NaN, Infinity,
 * negative or fractional, and a non-object argument are `invalidData`, with nothing sent.
 * Runs: INPUT_PROPERTY_RUNS (default 500) per property.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEceClient, type EceClient, type MessageOperationName as OperationName } from "../../src/index.js";
import { operationNames } from "../support/expected-outcomes.js";
import { answer, SEND_PATH, startEceStub, type EceStub } from "../support/ece-stub.js";

const runs = Number(process.env.INPUT_PROPERTY_RUNS ?? 500);
let stub: EceStub;
let ece: EceClient;
beforeAll(async () => {
  stub = await startEceStub((_request, response) => answer(response, 204));
  ece = createEceClient({ baseUrl: stub.url, accessToken: "input-token" });
});
afterAll(() => stub.close());

/** Strings rich in what breaks naive code: every code point, lone surrogates, specials. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const special = fc.constantFrom('"', "\\", "/", "?", "#", "%", "%2F", "&", "\u0000", "\n", "\r", "\t", "\u001f", "\u007f", "\u2028", "😀", "👩‍💻", "ü", "\uFEFF", "'", "<", ">", " ");
const nasty = fc
  .array(fc.oneof(fc.string({ unit: "binary", maxLength: 8 }), loneSurrogate, special), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(""))
  .filter((text) => text.trim() !== "");

async function lastBodyAfter(send: () => Promise<{ kind: string; issues?: { field: string }[] }>) {
  const before = stub.requestsTo(SEND_PATH).length;
  const outcome = await send();
  const sent = stub.requestsTo(SEND_PATH).slice(before);
  return { outcome, sent };
}

describe("text and IDs arrive byte-exact", () => {
  it(`in text and HTML messages (${runs} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(nasty, nasty, fc.boolean(), async (conversationId, message, html) => {
        const { outcome, sent } = await lastBodyAfter(() =>
          html ? ece.sendHtmlMessage({ conversationId, message }) : ece.sendTextMessage({ conversationId, message }),
        );
        expect(outcome.kind).toBe("sendMessageSuccess");
        expect(sent).toHaveLength(1);
        const [request] = sent;
        expect(request!.url).toBe(SEND_PATH);
        // The wire bytes are the UTF-8 of the contract's JSON: nothing lost, added or reordered.
        const expected = JSON.stringify({ conversation: { id: conversationId }, type: { value: html ? "text/html" : "text/plain" }, content: message });
        expect(request!.bytes.equals(Buffer.from(expected, "utf8"))).toBe(true);
        const parsed = JSON.parse(request!.body) as { conversation: { id: string }; content: string };
        expect(parsed.conversation.id).toBe(conversationId);
        expect(parsed.content).toBe(message);
        expect(/[\u0000-\u001f]/.test(request!.body)).toBe(false); // no raw control character
      }),
      { numRuns: runs },
    );
  });

  it(`in attachment IDs (${runs} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(nasty, nasty, fc.boolean(), async (conversationId, attachmentId, accept) => {
        const { sent } = await lastBodyAfter(() =>
          accept ? ece.acceptAttachment({ conversationId, attachmentId }) : ece.rejectAttachment({ conversationId, attachmentId }),
        );
        expect(sent).toHaveLength(1);
        expect(sent[0]!.url).toBe(SEND_PATH);
        const expected = JSON.stringify({
          conversation: { id: conversationId },
          type: { value: accept ? "acceptAttachment" : "rejectAttachment" },
          attachments: { attachment: [{ id: attachmentId }] },
        });
        expect(sent[0]!.bytes.equals(Buffer.from(expected, "utf8"))).toBe(true);
      }),
      { numRuns: runs },
    );
  });
});

const upload = (overrides: Record<string, unknown>) =>
  ece.uploadAttachmentFromUrl({
    conversationId: "c",
    fileName: "f.pdf",
    contentType: "application/pdf",
    fileSize: 1,
    contentUrl: "https://files.example.com/f.pdf",
    ...overrides,
  } as never);

describe("refused before sending", () => {
  it(`a contentUrl that is not an absolute http(s) URL (${runs} runs)`, async () => {
    const notHttp = fc.oneof(
      fc.tuple(fc.constantFrom("ftp", "file", "javascript", "data", "mailto", "ws", "gopher", "blob"), fc.webPath()).map(([scheme, path]) => `${scheme}:${path}`),
      fc.webPath().filter((path) => path !== ""), // relative
      fc.webAuthority().map((authority) => `//${authority}/x`), // protocol-relative
      fc.webAuthority().map((authority) => `${authority}/x`), // no scheme
      fc.constantFrom("http://", "https://", "http:/x", "http//x.example", "https:x", "://x.example", " ", "http://[::1", "http://exa mple.com/"),
    );
    await fc.assert(
      fc.asyncProperty(notHttp, async (contentUrl) => {
        const { outcome, sent } = await lastBodyAfter(() => upload({ contentUrl }));
        expect(outcome).toMatchObject({ kind: "invalidData" });
        expect(sent).toHaveLength(0);
        expect(outcome.issues?.map((i) => i.field)).toContain("contentUrl");
      }),
      { numRuns: runs },
    );
  });

  it(`while any web URL is accepted (${runs} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.webUrl({ withQueryParameters: true, withFragments: true }), async (contentUrl) => {
        const { outcome, sent } = await lastBodyAfter(() => upload({ contentUrl }));
        expect(outcome.kind).toBe("sendMessageSuccess");
        expect((JSON.parse(sent[0]!.body) as { attachments: { attachment: { contentUrl: string }[] } }).attachments.attachment[0]!.contentUrl).toBe(contentUrl);
      }),
      { numRuns: runs },
    );
  });

  it(`a fileSize that is NaN, Infinity, negative or fractional (${runs} runs)`, async () => {
    const badSize = fc.oneof(
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.5, 2 ** 53),
      fc.integer({ max: -1 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
    );
    await fc.assert(
      fc.asyncProperty(badSize, async (fileSize) => {
        const { outcome, sent } = await lastBodyAfter(() => upload({ fileSize }));
        expect(outcome).toMatchObject({ kind: "invalidData", issues: [{ field: "fileSize" }] });
        expect(sent).toHaveLength(0);
      }),
      { numRuns: runs },
    );
  });

  it(`a latitude or longitude that is NaN or Infinity (${runs} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(Number.NaN, Infinity, -Infinity), fc.constantFrom("latitude", "longitude"), async (value, field) => {
        const { outcome, sent } = await lastBodyAfter(() =>
          ece.sendGeolocation({ conversationId: "c", latitude: 1, longitude: 1, [field]: value }),
        );
        expect(outcome).toMatchObject({ kind: "invalidData", issues: [{ field }] });
        expect(sent).toHaveLength(0);
      }),
      { numRuns: Math.min(runs, 50) },
    );
  });

  it(`a non-object argument, for every operation (${runs} runs)`, async () => {
    const notAnObject = fc.oneof(
      fc.constantFrom(null, undefined, true, 0, "", [], [{ conversationId: "c" }]),
      fc.string(),
      fc.double(),
      fc.bigInt(),
      fc.array(fc.anything()),
      fc.func(fc.anything()),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operationNames), notAnObject, async (operation: OperationName, input) => {
        const call = ece[operation] as (input: unknown) => Promise<{ kind: string; issues?: { field: string }[] }>;
        const { outcome, sent } = await lastBodyAfter(() => call(input));
        expect(outcome.kind).toBe("invalidData");
        expect(outcome.issues?.[0]?.field).toBe("input");
        expect(sent).toHaveLength(0);
      }),
      { numRuns: runs },
    );
  });
});
