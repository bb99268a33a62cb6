/**
 * `ece-messaging/testing`: a fake ECE to test an integration against, without an ECE server.
 *
 * {@link createFakeEce} plays the whole API this SDK covers - tokens and their revocation, entry
 * point configuration, starting conversations, every kind of message, reading a conversation
 * back, and the chat web service's availability, capacity and eligibility per entry point
 * ({@link FakeEce.setAvailability}) - as a stateful server:
 * pass {@link FakeEce.fetch} as the client's `fetch` (no port), or {@link FakeEce.listen} for a
 * real HTTP server. Tests read what it received (in the SDK's own input shapes), script what ECE
 * does next ({@link FakeEce.failNext}, {@link FakeEce.expireTokens},
 * {@link FakeEce.touchEntryPoint}, {@link FakeEce.endConversation}), await what the app does
 * ({@link FakeEce.messageArrived}), and play the agent ({@link FakeEce.agent}), whose messages
 * arrive as real webhook requests. Every body it answers an operation of the spec with
 * validates against the spec's schemas; it loads `node:http` only for `listen()`.
 *
 * @module ece-messaging/testing
 */
export { createFakeEce, type FakeEce } from "./testing/fake.js";
export type { ListenOptions } from "./testing/listen.js";
export type * from "./testing/types.js";
