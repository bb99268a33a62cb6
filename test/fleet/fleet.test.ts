/**
 * The fleet, for real: child processes, each with its own Redis client and ECE client, one real
 * redis-server, one stub ECE that keeps sessions (test/support/fleet-ece.ts). For node-redis and
 * ioredis alike. Every wait is for something to happen (an answer, a request arriving at the
 * stub, a process exiting); the one time bound is the behaviour itself (a dead holder's lock
 * expiring). Each scenario prints its numbers on a `[fleet]` line.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { projectRoot } from "../../scripts/prism.js";
import { REVOKE_PATH, TOKEN_PATH } from "../support/ece-stub.js";
import { PROCESS_HEADER, startFleetEce, type FleetEce } from "../support/fleet-ece.js";
import { killFleet, startFleet, total, type FleetOptions, type Member } from "./fleet.js";
import { startRedisServer, type RedisServer } from "./redis-server.js";

const binary = inject("redisServer");

/** Prints a scenario's numbers and keeps them in .tmp/fleet-report.jsonl. */
function record(scenario: string, numbers: Record<string, unknown>): void {
  const line = JSON.stringify({ scenario, ...numbers });
  console.log(`[fleet] ${line}`);
  mkdirSync(join(projectRoot, ".tmp"), { recursive: true });
  appendFileSync(join(projectRoot, ".tmp", "fleet-report.jsonl"), `${line}\n`);
}

let ece: FleetEce | undefined;
let members: Member[] = [];
afterEach(async () => {
  await killFleet(members);
  members = [];
  await ece?.close();
  ece = undefined;
});

const successes = (count: number) => ({ sendMessageSuccess: count });
const eventsOf = (type: string) => members.flatMap((member) => member.events.filter((event) => event.type === type));

describe.skipIf(!binary).each(["node-redis", "ioredis"] as const)("a fleet sharing one token through Redis (%s)", (client) => {
  let redis: RedisServer;
  let run = 0;
  beforeAll(async () => {
    redis = await startRedisServer(binary);
  });
  afterAll(async () => {
    await redis?.dispose();
  });

  async function fleet(count: number, options: Partial<FleetOptions> = {}): Promise<Member[]> {
    run += 1;
    const started = startFleet(count, { baseUrl: ece!.url, redisUrl: redis.url, client, keyPrefix: `fleet-${run}:`, ...options });
    members = await started;
    return members;
  }

  it("8 processes x 250 concurrent sends on a cold fleet: one token request, 2,000 sends, one session", async () => {
    ece = await startFleetEce();
    const processes = await fleet(8);
    const started = performance.now();
    const answers = await Promise.all(processes.map((member) => member.send(250)));
    const ms = performance.now() - started;
    expect(total(answers)).toEqual(successes(2000));
    expect(ece.issued).toHaveLength(1);
    expect(ece.accepted()).toBe(2000);
    expect([...ece.deliveries.values()].every((n) => n === 1) && ece.deliveries.size === 2000).toBe(true);
    expect(ece.maxOpen()).toBe(1);
    record(`${client} cold 8x250`, { tokenRequests: ece.stub.requestsTo(TOKEN_PATH).length, sends: ece.accepted(), maxOpenSessions: ece.maxOpen(), ms: Math.round(ms) });
  });

  it("ECE expires the token: every process sees a 401, and the fleet makes exactly one new token request", async () => {
    ece = await startFleetEce();
    const processes = await fleet(8);
    expect(total(await Promise.all(processes.map((member) => member.send(1, `${member.name}-warm`))))).toEqual(successes(8));
    expect(ece.issued).toHaveLength(1);
    ece.expireAll();
    const answers = await Promise.all(processes.map((member) => member.send(50, `${member.name}-after`)));
    expect(total(answers)).toEqual(successes(400));
    expect(new Set(ece.refusedBy)).toEqual(new Set(processes.map((member) => member.name)));
    expect(ece.issued).toHaveLength(2);
    expect(eventsOf("tokenRefreshed")).toEqual([{ type: "tokenRefreshed", reason: "401" }]);
    expect(ece.open()).toEqual([ece.issued[1]!.token]);
    record(`${client} expiry`, {
      tokenRequestsAfter401: ece.issued.length - 1,
      refused401: ece.refused401(),
      processesThatSaw401: new Set(ece.refusedBy).size,
      sends: ece.accepted(),
      openSessions: ece.open().length,
    });
  });

  it("SIGKILL the lock holder mid-token-request: another process gets the token after the lock expires; no send lost or duplicated", async () => {
    ece = await startFleetEce();
    const held = ece.holdToken(1);
    const processes = await fleet(8, { lockTtlMs: 1_000 });
    // Settled as they end: the killed process's never answers (its promise rejects when it dies).
    const sends = processes.map((member) => member.send(25).then((value) => ({ status: "fulfilled", value }), () => ({ status: "rejected" })));
    const first = await held.reached;
    const holder = processes.find((member) => member.name === first.headers[PROCESS_HEADER])!;
    const killedAt = performance.now();
    await holder.kill();
    const second = await ece.stub.arrived(TOKEN_PATH, 2);
    const recoveredMs = performance.now() - killedAt;
    await held.gone; // the stub saw the dead process's connection close
    held.release(); // so the held answer is never given: no token issued to the dead process
    const results = await Promise.all(sends);
    const survivors = processes.filter((member) => member !== holder);
    results.forEach((result, i) => {
      if (processes[i] === holder) expect(result.status).toBe("rejected"); // it died
      else expect(result).toEqual({ status: "fulfilled", value: successes(25) });
    });
    expect(second.headers[PROCESS_HEADER]).not.toBe(holder.name);
    expect(ece.issued).toHaveLength(1);
    // Every survivor's message reached ECE exactly once; none of the dead process's did.
    const expected = survivors.flatMap((member) => Array.from({ length: 25 }, (_, i) => `${member.name}-${i}`)).sort();
    expect([...ece.deliveries.keys()].sort()).toEqual(expected);
    expect([...ece.deliveries.values()].every((n) => n === 1)).toBe(true);
    // The lock's TTL is the behaviour: not before it ran out, and within a few seconds (slack for a loaded machine).
    expect(recoveredMs).toBeLessThan(10_000);
    record(`${client} lock holder killed`, {
      lockTtlMs: 1000,
      recoveredMs: Math.round(recoveredMs),
      tokenRequests: ece.stub.requestsTo(TOKEN_PATH).length,
      tokensIssued: ece.issued.length,
      sends: ece.accepted(),
      duplicates: [...ece.deliveries.values()].filter((n) => n > 1).length,
    });
  });

  it("Redis stops mid-run: sends go on with one own token per process; Redis back: one shared token, the own ones revoked", async () => {
    ece = await startFleetEce();
    const processes = await fleet(8);
    expect(total(await Promise.all(processes.map((member) => member.send(10, `${member.name}-before`))))).toEqual(successes(80));
    expect(ece.issued).toHaveLength(1);
    await redis.stop();
    let restarted = false;
    try {
      ece.expireAll(); // every process now needs a token while Redis is down
      const during = await Promise.all(processes.map((member) => member.send(20, `${member.name}-during`)));
      expect(total(during)).toEqual(successes(160));
      const fallback = ece.issued.slice(1).map((entry) => entry.token);
      expect(fallback).toHaveLength(8); // one per process, for all its sends
      expect(new Set(ece.issued.slice(1).map((entry) => entry.process))).toEqual(new Set(processes.map((member) => member.name)));
      expect(ece.open().sort()).toEqual([...fallback].sort());
      for (const member of processes) expect(member.events.filter((event) => event.type === "tokenStoreError").length).toBeGreaterThanOrEqual(1);
      const storeErrors = eventsOf("tokenStoreError").length;

      const restartedAt = performance.now();
      await redis.restart();
      restarted = true;
      await ece.stub.arrived(REVOKE_PATH, 8); // each process's probe found Redis and revoked its own token
      const recoveredMs = performance.now() - restartedAt;
      expect([...ece.revoked].sort()).toEqual([...fallback].sort());
      const after = await Promise.all(processes.map((member) => member.send(20, `${member.name}-after`)));
      expect(total(after)).toEqual(successes(160));
      expect(ece.issued).toHaveLength(10); // one new shared token for the fleet
      expect(ece.open()).toEqual([ece.issued[9]!.token]);
      expect([...ece.deliveries.values()].every((n) => n === 1)).toBe(true);
      record(`${client} redis outage`, {
        sendsDuringOutage: 160,
        fallbackTokens: fallback.length,
        tokenStoreErrors: storeErrors,
        openSessionsDuringOutage: fallback.length,
        recoveredMs: Math.round(recoveredMs),
        revokedFallbackTokens: ece.revoked.length,
        tokenRequestsAfterRecovery: ece.issued.length - 9,
        openSessionsAfter: ece.open().length,
        sends: ece.accepted(),
      });
    } finally {
      if (!restarted) await redis.restart();
    }
  });

  it("12 processes, ECE allowing 10 sessions: every send succeeds on one session", async () => {
    ece = await startFleetEce({ sessionLimit: 10 });
    const processes = await fleet(12);
    const answers = await Promise.all(processes.map((member) => member.send(20)));
    expect(total(answers)).toEqual(successes(240));
    expect(ece.issued).toHaveLength(1);
    expect(ece.maxOpen()).toBe(1);
    expect(ece.refusedForLimit()).toBe(0);
    record(`${client} 12 processes / 10 sessions`, {
      sends: ece.accepted(),
      failed: 240 - ece.accepted(),
      tokenRequests: ece.stub.requestsTo(TOKEN_PATH).length,
      maxOpenSessions: ece.maxOpen(),
    });
  });
});

// No Redis needed, but a fleet test all the same: run once per CI run (ECE_FLEET=skip in the Node 24 run).
describe.skipIf(process.env.ECE_FLEET === "skip")("without a store (as before): 12 processes, ECE allowing 10 sessions", () => {
  it("two processes get no session, and all their sends fail", async () => {
    ece = await startFleetEce({ sessionLimit: 10 });
    members = await startFleet(12, { baseUrl: ece.url, redisUrl: "", client: "none", keyPrefix: "" });
    const answers = await Promise.all(members.map((member) => member.send(20)));
    expect(total(answers)).toEqual({ sendMessageSuccess: 200, authorizationFail: 40 });
    expect(answers.filter((kinds) => kinds.authorizationFail === 20)).toHaveLength(2);
    expect(ece.maxOpen()).toBe(10);
    record("no store 12 processes / 10 sessions", {
      sends: ece.accepted(),
      failed: total(answers).authorizationFail,
      processesWithoutSession: 2,
      tokenRequests: ece.stub.requestsTo(TOKEN_PATH).length,
      refusedForLimit: ece.refusedForLimit(),
      maxOpenSessions: ece.maxOpen(),
    });
  });

  it("with forceLogin, each new session ends another process's: sessions churn", async () => {
    ece = await startFleetEce({ sessionLimit: 10 });
    members = await startFleet(12, { baseUrl: ece.url, redisUrl: "", client: "none", keyPrefix: "", forceLogin: true });
    const first = await Promise.all(members.map((member) => member.send(20, `${member.name}-a`)));
    const second = await Promise.all(members.map((member) => member.send(20, `${member.name}-b`)));
    const all = total([...first, ...second]);
    expect(ece.issued.length).toBeGreaterThan(12);
    expect(ece.refused401()).toBeGreaterThan(0);
    record("no store forceLogin 12 processes / 10 sessions", {
      sends: all.sendMessageSuccess ?? 0,
      failed: 480 - (all.sendMessageSuccess ?? 0),
      outcomes: all,
      tokenRequests: ece.stub.requestsTo(TOKEN_PATH).length,
      refused401: ece.refused401(),
    });
  });
});
