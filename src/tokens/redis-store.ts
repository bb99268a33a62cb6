/**
 * `ece-messaging/redis`: a {@link TokenStore} on Redis, so that every process of a fleet uses one
 * ECE token. It works with a connected client you pass in - node-redis (`redis` 5 or 6) or
 * ioredis (5 or 6) - and imports neither: it tells them apart by their shape.
 *
 * @module
 */
import { DEFAULT_LOCK_TTL_MS, type StoredToken, type TokenStore } from "./token-store.js";
import { checkOptions, isPositiveWhole } from "../internal/check.js";

/** A node-redis client (`createClient()` of `redis` 5 or 6), connected (`await client.connect()`). */
export interface NodeRedisClientLike {
  /** Sends one command, as node-redis does. */
  sendCommand(args: string[]): Promise<unknown>;
  /** Whether the connection is up (node-redis): when `false`, the store fails at once. */
  readonly isReady?: boolean;
}

/** An ioredis client (`new Redis()` of `ioredis` 5 or 6; a `Cluster` works too). */
export interface IoRedisClientLike {
  /** Sends one command, as ioredis does. */
  call(command: string, ...args: string[]): Promise<unknown>;
  /** The connection's state (ioredis): while it is down, the store fails at once. */
  readonly status: string;
}

/** Options of {@link createRedisTokenStore}. */
export interface RedisTokenStoreOptions {
  /** A connected node-redis or ioredis client; the store never connects or closes it. */
  client: NodeRedisClientLike | IoRedisClientLike;
  /** Put before each key. Default `ece-messaging:token:`. */
  keyPrefix?: string;
  /**
   * How long the lock of the process fetching a token lasts if that process dies holding it:
   * another process then fetches. Longer than a token request takes. Default 10 000 ms.
   */
  lockTtlMs?: number;
}

/**
 * The token and how long it has left (its PTTL), in one round trip: `{}` when there is none. A key
 * of another type reads as an empty token: not a token, so the SDK reports it and writes over it.
 */
const READ = `local kind = redis.call('TYPE', KEYS[1])['ok']
if kind == 'none' then return {} end
if kind ~= 'string' then return {'', redis.call('PTTL', KEYS[1])} end
return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}`;

/**
 * The lock: `OK` when taken, else the PTTL of whoever's lock is there - `-1` for one set without
 * expiry, which would never free itself.
 */
const LOCK = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'OK' end
return redis.call('PTTL', KEYS[1])`;

/** Compare-and-delete: deletes the key only if it still holds the value. */
const DELETE_IF = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** ioredis states in which its connection is down (commands would wait in its offline queue). */
const IOREDIS_DOWN = new Set(["reconnecting", "close", "end"]);

/** Text of a reply that may come as a string or as bytes (a client's type mapping). */
function textOf(reply: unknown): string | undefined {
  if (typeof reply === "string") return reply;
  if (reply instanceof Uint8Array) return new TextDecoder().decode(reply);
  return undefined;
}

/**
 * How the store sends one command through a node-redis or an ioredis client, told apart by shape
 * (`undefined` for anything else): at once a failure while the connection is down, so that
 * nothing waits in the client's offline queue.
 */
function commandOf(client: unknown): ((args: string[]) => Promise<unknown>) | undefined {
  const candidate = client as Partial<NodeRedisClientLike & IoRedisClientLike> | null | undefined;
  const unreachable = (reason: string) => Promise.reject(new Error(`Redis is unreachable: ${reason}.`));
  if (typeof candidate?.call === "function" && typeof candidate.status === "string") {
    const ioredis = candidate as IoRedisClientLike;
    return async ([command, ...args]) =>
      IOREDIS_DOWN.has(ioredis.status) ? unreachable(`the ioredis connection is ${ioredis.status}`) : ioredis.call(command!, ...args);
  }
  if (typeof candidate?.sendCommand === "function") {
    const nodeRedis = candidate as NodeRedisClientLike;
    return async (args) =>
      nodeRedis.isReady === false ? unreachable("the node-redis client is not ready (connecting or reconnecting)") : nodeRedis.sendCommand(args);
  }
  return undefined;
}

/**
 * A token store on Redis for {@link https://www.npmjs.com/package/redis | node-redis} or
 * {@link https://www.npmjs.com/package/ioredis | ioredis}: pass it as `tokenStore` to
 * `createEceClient` in every process, with the same credentials, and the processes share one
 * token. The token is kept under `<keyPrefix><hash>` (the hash of the base URL, API root and
 * client key) with the time it has left as its TTL; the lock is `SET <key>:lock <owner> NX PX
 * <lockTtlMs>` (a lock found without expiry is a store failure); deleting the token after a 401
 * and freeing the lock are compare-and-delete Lua scripts. The client secret never reaches
 * Redis. While the client's connection is down the store fails at once (the SDK then uses a
 * token of the process's own until Redis is back).
 *
 * @throws TypeError when `client` is neither kind of client, or an option is unusable.
 *
 * @example
 * node-redis:
 * ```ts
 * import { createClient } from "redis";
 * import { createEceClient } from "ece-messaging";
 * import { createRedisTokenStore } from "ece-messaging/redis";
 *
 * const redis = createClient({ url: "redis://localhost:6379" });
 * redis.on("error", (error) => console.error("redis", error.message)); // the SDK falls back meanwhile
 * await redis.connect();
 * const ece = createEceClient({
 *   baseUrl: "https://ece.example.com",
 *   credentials: { clientKey: "key", clientSecret: "secret" },
 *   tokenStore: createRedisTokenStore({ client: redis }),
 * });
 * ```
 *
 * @example
 * ioredis:
 * ```ts
 * import { Redis } from "ioredis";
 * import { createEceClient } from "ece-messaging";
 * import { createRedisTokenStore } from "ece-messaging/redis";
 *
 * const redis = new Redis("redis://localhost:6379");
 * const ece = createEceClient({
 *   baseUrl: "https://ece.example.com",
 *   credentials: { clientKey: "key", clientSecret: "secret" },
 *   tokenStore: createRedisTokenStore({ client: redis, keyPrefix: "orders-service:ece:" }),
 * });
 * ```
 */
export function createRedisTokenStore(options: RedisTokenStoreOptions): TokenStore {
  const { keyPrefix, lockTtlMs, command } = checkOptions("createRedisTokenStore", options, (fields) => {
    const keyPrefix = fields.get("keyPrefix") ?? "ece-messaging:token:";
    if (typeof keyPrefix !== "string") fields.add("keyPrefix", "must be a string");
    const lockTtlMs = fields.get("lockTtlMs") ?? DEFAULT_LOCK_TTL_MS;
    if (!isPositiveWhole(lockTtlMs)) fields.add("lockTtlMs", "must be a positive whole number of milliseconds");
    const command = commandOf(fields.get("client"));
    if (!command) fields.add("client", "must be a connected node-redis or ioredis client");
    return { keyPrefix: keyPrefix as string, lockTtlMs: lockTtlMs as number, command: command! };
  });
  const tokenKey = (key: string) => `${keyPrefix}${key}`;
  const lockKey = (key: string) => `${keyPrefix}${key}:lock`;

  return {
    lockTtlMs,
    async read(key): Promise<StoredToken | undefined> {
      const reply = await command(["EVAL", READ, "1", tokenKey(key)]);
      if (!Array.isArray(reply) || reply.length < 2) return undefined;
      // As it is, for the SDK to judge: a PTTL of -1 (no expiry) is not a token's.
      return { token: textOf(reply[0]) ?? "", ttlMs: Number(reply[1]) };
    },
    async write(key, token, ttlMs) {
      await command(["SET", tokenKey(key), token, "PX", String(Math.max(1, Math.floor(ttlMs)))]);
    },
    async deleteIf(key, token) {
      return Number(await command(["EVAL", DELETE_IF, "1", tokenKey(key), token])) === 1;
    },
    async acquireLock(key, owner) {
      const reply = await command(["EVAL", LOCK, "1", lockKey(key), owner, String(lockTtlMs)]);
      // Taken for ever: a store failure (the SDK goes on with a token of its own), not a wait.
      if (Number(reply) === -1) throw new Error(`The lock ${lockKey(key)} has no expiry: it never frees itself.`);
      return textOf(reply) === "OK";
    },
    async releaseLock(key, owner) {
      await command(["EVAL", DELETE_IF, "1", lockKey(key), owner]);
    },
  };
}
