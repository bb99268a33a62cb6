/**
 * `ece-messaging/redis`: a {@link TokenStore} on Redis, so that every process of a fleet uses one
 * ECE token. It works with a connected client you pass in - node-redis (`redis` 5 or 6) or
 * ioredis (5 or 6) - and imports neither: it tells them apart by their shape.
 *
 * @packageDocumentation
 */
export {
  createRedisTokenStore,
  type IoRedisClientLike,
  type NodeRedisClientLike,
  type RedisTokenStoreOptions,
} from "./tokens/redis-store.js";
export { DEFAULT_LOCK_TTL_MS, type StoredToken, type TokenStore } from "./tokens/token-store.js";
