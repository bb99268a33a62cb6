/**
 * A stub ECE that keeps sessions the way ECE does, for fleet tests: a session opens when a token
 * is issued and closes when it is revoked or expires; a send with a token whose session is closed
 * is refused with 401. It counts token requests, sends, open sessions (and the most ever open at
 * once), and each message's deliveries, and can enforce a session limit (`?forceLogin=yes` then
 * ends the oldest session instead of failing). Built on {@link startEceStub}, so tests await its
 * `arrived(path, n)` promises.
 */
import type { ServerResponse } from "node:http";
import { answer, REVOKE_PATH, SEND_PATH, startEceStub, TOKEN_PATH, tokenBody, type EceStub, type RecordedRequest } from "./ece-stub.js";

/** The header a fleet test's client adds to each request, naming its process. */
export const PROCESS_HEADER = "x-fleet-process";

/** A request held at the stub. */
export interface Hold {
  reached: Promise<RecordedRequest>;
  gone: Promise<void>;
  release: () => void;
}

export interface FleetEce {
  stub: EceStub;
  url: string;
  /** Token requests answered with a token, in order: the token and the process that asked. */
  issued: { token: string; process: string | undefined; forceLogin: boolean }[];
  /** Tokens whose session is open now. */
  open(): string[];
  /** The most sessions that were ever open at once. */
  maxOpen(): number;
  /** Token requests refused because the session limit was reached. */
  refusedForLimit(): number;
  /** Sends accepted (200), and refused with 401. */
  accepted(): number;
  refused401(): number;
  /** The process named by each send refused with 401 (when its client names itself). */
  refusedBy: (string | undefined)[];
  /** How often ECE accepted each message content. */
  deliveries: Map<string, number>;
  /** Tokens revoked (whose session was open). */
  revoked: string[];
  /** Ends every open session now, as expiry does: each token is refused with 401 from now on. */
  expireAll(): void;
  /**
   * Holds the answer to the `count`-th token request (counted from 1) until `release` is called;
   * `reached` resolves with that request when it arrived, `gone` once its connection closed
   * (its client died): a held answer released after that is never given.
   */
  holdToken(count: number): Hold;
  /** Likewise for the `count`-th send: its token is checked when it is released. */
  holdSend(count: number): Hold;
  close(): Promise<void>;
}

export async function startFleetEce(options: { sessionLimit?: number; expiresIn?: number } = {}): Promise<FleetEce> {
  const limit = options.sessionLimit ?? Number.POSITIVE_INFINITY;
  const sessions = new Map<string, number>(); // token -> issued order
  const issued: FleetEce["issued"] = [];
  const deliveries = new Map<string, number>();
  const revoked: string[] = [];
  const refusedBy: (string | undefined)[] = [];
  type Held = { arrive: (request: RecordedRequest, response: ServerResponse) => void; held: Promise<void>; left: () => boolean };
  const holds = new Map<number, Held>();
  const sendHolds = new Map<number, Held>();
  let tokenRequests = 0;
  let sends = 0;
  let counter = 0;
  let maxOpen = 0;
  let refusedForLimit = 0;
  let accepted = 0;
  let refused401 = 0;

  async function onToken(request: RecordedRequest, response: ServerResponse): Promise<void> {
    tokenRequests += 1;
    const hold = holds.get(tokenRequests);
    if (hold) {
      hold.arrive(request, response);
      await hold.held;
      if (hold.left()) return; // its client died
    }
    const forceLogin = request.url.includes("forceLogin=yes");
    if (sessions.size >= limit) {
      if (!forceLogin) {
        refusedForLimit += 1;
        return answer(response, 403, { code: "403-106", developerMessage: "The maximum number of sessions is reached." });
      }
      const [oldest] = [...sessions.entries()].sort((a, b) => a[1] - b[1])[0]!;
      sessions.delete(oldest);
    }
    counter += 1;
    const token = `fleet-token-${counter}`;
    sessions.set(token, counter);
    maxOpen = Math.max(maxOpen, sessions.size);
    issued.push({ token, process: request.headers[PROCESS_HEADER] as string | undefined, forceLogin });
    answer(response, 200, tokenBody(token, options.expiresIn));
  }

  const stub = await startEceStub((request, response) => {
    const path = request.url.split("?")[0];
    const token = String(request.headers.authorization ?? "").replace(/^Bearer /, "");
    if (path === TOKEN_PATH) return onToken(request, response);
    if (path === REVOKE_PATH) {
      if (sessions.delete(token)) revoked.push(token);
      return answer(response, 204);
    }
    if (path === SEND_PATH) return onSend(request, response, token);
    return answer(response, 404, { code: "404-0", developerMessage: "No such path in the stub." });
  });

  async function onSend(request: RecordedRequest, response: ServerResponse, token: string): Promise<void> {
    sends += 1;
    const hold = sendHolds.get(sends);
    if (hold) {
      hold.arrive(request, response);
      await hold.held;
    }
    {
      if (!sessions.has(token)) {
        refused401 += 1;
        refusedBy.push(request.headers[PROCESS_HEADER] as string | undefined);
        return answer(response, 401, { code: "401-102", developerMessage: "Session not found." });
      }
      accepted += 1;
      const content = String((JSON.parse(request.body) as { content?: unknown }).content);
      deliveries.set(content, (deliveries.get(content) ?? 0) + 1);
      return answer(response, 200, { id: `m-${accepted}` });
    }
  }

  function holder(map: Map<number, Held>, count: number): Hold {
    let release!: () => void;
    let arrived!: (request: RecordedRequest) => void;
    let left!: () => void;
    let isGone = false;
    const held = new Promise<void>((resolve) => (release = resolve));
    const reached = new Promise<RecordedRequest>((resolve) => (arrived = resolve));
    const gone = new Promise<void>((resolve) => (left = resolve));
    const arrive = (request: RecordedRequest, response: ServerResponse) => {
      // "close" before the answer was written: the connection went away under it.
      response.once("close", () => {
        if (!response.writableFinished) {
          isGone = true;
          left();
        }
      });
      arrived(request);
    };
    map.set(count, { arrive, held, left: () => isGone });
    return { reached, gone, release };
  }

  return {
    stub,
    url: stub.url,
    issued,
    open: () => [...sessions.keys()],
    maxOpen: () => maxOpen,
    refusedForLimit: () => refusedForLimit,
    accepted: () => accepted,
    refused401: () => refused401,
    refusedBy,
    deliveries,
    revoked,
    expireAll: () => sessions.clear(),
    holdToken: (count) => holder(holds, count),
    holdSend: (count) => holder(sendHolds, count),
    close: () => stub.close(),
  };
}
