/**
 * One process of a fleet, run by the fleet tests as a child process (`node --import tsx`): its
 * own Redis client (node-redis or ioredis, or none: no store), its own ECE client, commands from
 * the parent over IPC. Each request it sends carries a header naming it, so the stub ECE knows
 * which process asked.
 */
import { createEceClient, type EceClient, type EceEvent } from "../../src/index.js";
import { createRedisTokenStore } from "../../src/redis.js";
import { PROCESS_HEADER } from "../support/fleet-ece.js";

export type ClientKind = "node-redis" | "ioredis" | "none";

/** How a member of the fleet is set up (the parent's options, as the child receives them). */
export interface FleetOptions {
  baseUrl: string;
  redisUrl: string;
  client: ClientKind;
  keyPrefix: string;
  lockTtlMs?: number;
  forceLogin?: boolean;
}

export interface StartCommand extends FleetOptions {
  type: "start";
  name: string;
}
export type Command = StartCommand | { type: "send"; id: number; count: number; prefix: string } | { type: "close" };

export type Report =
  | { type: "ready" }
  | { type: "event"; event: EceEvent }
  | { type: "sent"; id: number; kinds: Record<string, number> }
  | { type: "closed"; revoked: boolean };

const report = (message: Report) => process.send!(message);
let ece: EceClient | undefined;
let quit: () => Promise<unknown> = async () => undefined;

async function start(command: StartCommand): Promise<void> {
  let tokenStore;
  if (command.client === "node-redis") {
    const { createClient } = await import("redis"); // each process loads only its own client
    const redis = createClient({ url: command.redisUrl });
    redis.on("error", () => undefined); // the outage test stops Redis; the SDK reports it as events
    await redis.connect();
    quit = () => redis.close();
    tokenStore = createRedisTokenStore({ client: redis, keyPrefix: command.keyPrefix, lockTtlMs: command.lockTtlMs });
  } else if (command.client === "ioredis") {
    const { Redis } = await import("ioredis");
    const redis = new Redis(command.redisUrl);
    redis.on("error", () => undefined);
    await new Promise<void>((resolve) => redis.once("ready", () => resolve()));
    quit = () => redis.quit();
    tokenStore = createRedisTokenStore({ client: redis, keyPrefix: command.keyPrefix, lockTtlMs: command.lockTtlMs });
  }
  ece = createEceClient({
    baseUrl: command.baseUrl,
    credentials: { clientKey: "fleet-client-key", clientSecret: "Fleet-Client-Secret-0c1d" },
    ...(tokenStore ? { tokenStore } : {}),
    ...(command.forceLogin ? { forceLogin: true } : {}),
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set(PROCESS_HEADER, command.name);
      return fetch(input, { ...init, headers });
    },
    onEvent: (event) => {
      if (event.type !== "request" && event.type !== "response") report({ type: "event", event });
    },
  });
  report({ type: "ready" });
}

process.on("message", (command: Command) => {
  void (async () => {
    if (command.type === "start") return start(command);
    if (command.type === "send") {
      const outcomes = await Promise.all(
        // Each into a conversation of its own: a conversation's sends go one at a time.
        Array.from({ length: command.count }, (_, i) => `${command.prefix}-${i}`).map((label) =>
          ece!.sendTextMessage({ conversationId: `c-${label}`, message: label }),
        ),
      );
      const kinds: Record<string, number> = {};
      for (const outcome of outcomes) kinds[outcome.kind] = (kinds[outcome.kind] ?? 0) + 1;
      return report({ type: "sent", id: command.id, kinds });
    }
    const { revoked } = await ece!.close();
    await quit().catch(() => undefined);
    report({ type: "closed", revoked });
    process.disconnect();
  })();
});
