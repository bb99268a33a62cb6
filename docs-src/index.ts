/**
 * A typed SDK for the Messaging API of Cisco Enterprise Chat and Email (ECE): start a
 * conversation for a customer, send into it, receive the agent's side on a webhook. Every call
 * resolves to an outcome, a union discriminated by `kind`, and never rejects.
 *
 * This reference covers every entry of the package, grouped in reading order; each group says
 * where its names are imported from. Start with {@link createEceClient}, or with the guides.
 *
 * @groupDescription Client
 * `import { createEceClient } from "ece-messaging"`: the client, its options, and closing it.
 *
 * @groupDescription Conversation
 * From `"ece-messaging"`: the input of each operation of the client, from reading an entry
 * point's configuration and starting a conversation to each message; the sidebar shows each
 * operation with its input and its outcome.
 *
 * @groupDescription Outcomes
 * From `"ece-messaging"`: what every call resolves to. Each operation's own union (per
 * operation) lists its kinds, when each happens and what a caller usually does; the shapes they
 * share follow. {@link isSuccess} tells success from failure, and a failure's `delivered` says
 * whether it is safe to send again.
 *
 * @groupDescription Webhooks
 * `import { createWebhookHandler } from "ece-messaging/webhooks"`: the receiver for the messages
 * ECE posts to the application's callback URL.
 *
 * @groupDescription Fleet (Redis)
 * `import { createRedisTokenStore } from "ece-messaging/redis"` (and the `TokenStore` interface
 * from `"ece-messaging"`): one ECE session shared by every process of a fleet.
 *
 * @groupDescription Observability
 * From `"ece-messaging"` (and the webhook handler's options): events, logging and tracing.
 *
 * @groupDescription Testing
 * `import { createFakeEce } from "ece-messaging/testing"`: a fake ECE for your own tests.
 *
 * @groupDescription Generated
 * The spec's paths, as openapi-typescript generated them.
 *
 * @packageDocumentation
 */
export * from "../src/index.js";
export * from "../src/webhooks.js";
export * from "../src/testing.js";
export * from "../src/redis.js";
