/**
 * A real `node:http` server (or any server the test starts) in front of the webhook handler, for
 * tests: it records each delivery to `onMessages` and each connection a request came on, and
 * offers promises for them - so tests await a delivery or a request instead of sleeping.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach } from "vitest";
import {
  createWebhookHandler,
  toNodeListener,
  type WebhookHandler,
  type WebhookHandlerOptions,
  type WebhookMessage,
} from "../../src/webhooks.js";

export const webhookUsername = "ece";
export const webhookPassword = "Webhook-Server-Secret-77";
export const basicAuthorization = `Basic ${Buffer.from(`${webhookUsername}:${webhookPassword}`).toString("base64")}`;

/** What a test sees of the messages delivered to `onMessages`. */
export interface Deliveries {
  list: WebhookMessage[][];
  /** Resolves with the `count`-th delivery (at once if it already happened). */
  arrived(count?: number): Promise<WebhookMessage[]>;
}

/** Deliveries, and the `onMessages` that records them. */
export function deliveries(): Deliveries & { onMessages: (messages: WebhookMessage[]) => void } {
  const list: WebhookMessage[][] = [];
  const waiting: { count: number; resolve: (messages: WebhookMessage[]) => void }[] = [];
  return {
    list,
    onMessages: (messages) => {
      list.push(messages);
      for (const waiter of waiting.filter((w) => w.count === list.length)) waiter.resolve(messages);
    },
    arrived: (count = 1) =>
      list.length >= count ? Promise.resolve(list[count - 1]!) : new Promise((resolve) => waiting.push({ count, resolve })),
  };
}

/** A handler with Basic credentials whose deliveries are recorded. */
export function recordingHandler(options: Partial<WebhookHandlerOptions> = {}): { handle: WebhookHandler; delivered: Deliveries } {
  const delivered = deliveries();
  const handle = createWebhookHandler({
    authorization: { type: "basic", username: webhookUsername, password: webhookPassword },
    onMessages: delivered.onMessages,
    ...options,
  });
  return { handle, delivered: { list: delivered.list, arrived: delivered.arrived } };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(stopServer));
});

/** Stops a server and drops its connections (idle keep-alive ones and stalled clients too). */
export function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Starts `server` on a free loopback port (stopped after the test); resolves with its base URL. */
export async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface WebhookServer {
  /** `http://127.0.0.1:<port>/ece` */
  url: string;
  port: number;
  delivered: Deliveries;
  /** The connection each request came on, in order of arrival. */
  sockets: Socket[];
  server: Server;
}

/** toNodeListener on a real node:http server, with a recording Basic-auth handler. */
export async function serveWebhook(options: Partial<WebhookHandlerOptions> = {}): Promise<WebhookServer> {
  const { handle, delivered } = recordingHandler(options);
  const listener = toNodeListener(handle);
  const sockets: Socket[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    sockets.push(req.socket);
    listener(req, res);
  });
  const base = await listen(server);
  return { url: `${base}/ece`, port: (server.address() as AddressInfo).port, delivered, sockets, server };
}
