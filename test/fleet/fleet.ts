/**
 * The parent's side of a fleet: N child processes (test/fleet/worker.ts), each told what to do
 * over IPC and awaited by its answers - never by time.
 */
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { EceEvent } from "../../src/index.js";
import type { Command, FleetOptions, Report, StartCommand } from "./worker.js";

export interface Member {
  name: string;
  child: ChildProcess;
  /** Token and store events the process reported, in order. */
  events: EceEvent[];
  /** Sends `count` messages at once (`<prefix>-<i>`); resolves with each outcome kind's count. */
  send(count: number, prefix?: string): Promise<Record<string, number>>;
  /** close() in the process; resolves with its result once the process has exited. */
  close(): Promise<boolean>;
  /** SIGKILL; resolves once it is dead. */
  kill(): Promise<void>;
}

const workerPath = join(import.meta.dirname, "worker.ts");

export type { FleetOptions };

function startMember(name: string, options: FleetOptions): Promise<Member> {
  const child = fork(workerPath, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const events: EceEvent[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const waiting = new Map<string, (report: Report) => void>();
  let nextId = 0;
  const keyOf = (report: Report) => (report.type === "sent" ? `sent-${report.id}` : report.type);
  child.on("message", (report: Report) => {
    if (report.type === "event") {
      events.push(report.event);
      return;
    }
    const key = keyOf(report);
    waiting.get(key)?.(report);
    waiting.delete(key);
  });
  const expect = (key: string) =>
    new Promise<Report>((resolve, reject) => {
      waiting.set(key, resolve);
      void exited.then(() => reject(new Error(`fleet process ${name} exited while the test waited for ${key}`)));
    });
  const tell = (command: Command) => child.send(command);

  const member: Member = {
    name,
    child,
    events,
    async send(count, prefix = name) {
      const id = nextId++;
      const answer = expect(`sent-${id}`);
      tell({ type: "send", id, count, prefix });
      return ((await answer) as Extract<Report, { type: "sent" }>).kinds;
    },
    async close() {
      const answer = expect("closed");
      tell({ type: "close" });
      const { revoked } = (await answer) as Extract<Report, { type: "closed" }>;
      await exited;
      return revoked;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, "SIGKILL");
      await exited;
    },
  };
  const ready = expect("ready");
  tell({ type: "start", name, ...options } satisfies StartCommand);
  return ready.then(() => member);
}

/** Starts `count` processes and resolves once each is ready (its Redis client connected). */
export async function startFleet(count: number, options: FleetOptions): Promise<Member[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startMember(`p${i + 1}`, options)));
}

/** Ends every process still alive: SIGKILL by PID (a test that failed may leave some). */
export async function killFleet(members: Member[]): Promise<void> {
  await Promise.all(members.map((member) => member.kill()));
}

/** Adds each kind's counts over several processes' answers. */
export function total(answers: Record<string, number>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const kinds of answers) for (const [kind, n] of Object.entries(kinds)) sum[kind] = (sum[kind] ?? 0) + n;
  return sum;
}
