/**
 * The direct workloads' clients: one process per organisation (bench/src/direct-agent.ts), each with its own
 * fabric-network connection, as the gateways are. `--direct-in-process` uses DirectConnections in the bench's
 * own process instead, every organisation's connection side by side, as the bench did before.
 */
import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { TxName } from '../../chaincode/src/api';
import type { DirectOptions } from './fabric';

export interface AgentRequest {
  id: number;
  tx: TxName;
  request: object;
  endorsers?: string[];
}

export interface AgentReply {
  id: number;
  result?: unknown;
  /** The failure's code, as errorCode (load.ts) reads it from the SDK's error. */
  error?: string;
}

/** What the workloads and the seeding submit through. */
export interface DirectClient {
  submit<T>(orgId: string, tx: TxName, request: object, endorsers?: string[]): Promise<T>;
}

interface Agent {
  child: ChildProcess;
  pending: Map<number, { resolve(value: unknown): void; reject(error: Error): void }>;
  /** Why the agent is gone, once it is. */
  gone?: Error;
}

/** ts-node compiles the agent and what it imports before it can connect. */
const READY_TIMEOUT_MS = 120_000;
const EXIT_TIMEOUT_MS = 15_000;

/** An Error whose code errorCode reads back unchanged. */
function failure(code: string): Error {
  return Object.assign(new Error(code), { code });
}

export class DirectAgents implements DirectClient {
  private readonly agents = new Map<string, Agent>();
  private nextId = 1;

  constructor(private readonly options: DirectOptions) {}

  /** Starts one agent per organisation and waits until each is listening. */
  async start(orgIds: readonly string[]): Promise<void> {
    await Promise.all(orgIds.map((orgId) => this.spawn(orgId)));
  }

  private spawn(orgId: string): Promise<void> {
    const child = fork(join(__dirname, 'direct-agent.ts'), [orgId, JSON.stringify(this.options)], {
      execArgv: ['-r', 'ts-node/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const agent: Agent = { child, pending: new Map() };
    this.agents.set(orgId, agent);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error(`the direct agent of ${orgId} did not start`)),
        READY_TIMEOUT_MS,
      );
      const fail = (error: Error): void => {
        clearTimeout(timer);
        agent.gone ??= error;
        reject(error);
        for (const waiting of agent.pending.values()) waiting.reject(error);
        agent.pending.clear();
      };
      child.on('message', ({ id, result, error }: AgentReply) => {
        if (id === 0) {
          clearTimeout(timer);
          return resolve();
        }
        const waiting = agent.pending.get(id);
        agent.pending.delete(id);
        if (error === undefined) waiting?.resolve(result);
        else waiting?.reject(failure(error));
      });
      child.on('error', fail);
      child.once('exit', (code, signal) =>
        fail(new Error(`the direct agent of ${orgId} exited (${signal ?? code})`)),
      );
    });
  }

  /** The agents' processes, named for the usage sampler. */
  pids(): Record<string, number> {
    return Object.fromEntries(
      [...this.agents].map(([orgId, a]) => [`direct-${orgId}`, a.child.pid as number]),
    );
  }

  /** Throws when an agent has gone: a round against it would only count its errors. */
  assertRunning(): void {
    const gone = [...this.agents.values()].find((a) => a.gone);
    if (gone) throw gone.gone;
  }

  submit<T>(orgId: string, tx: TxName, request: object, endorsers?: string[]): Promise<T> {
    const agent = this.agents.get(orgId);
    if (!agent) return Promise.reject(new Error(`no direct agent for ${orgId}`));
    if (agent.gone) return Promise.reject(agent.gone);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      agent.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      agent.child.send({ id, tx, request, endorsers } satisfies AgentRequest, (error) => {
        if (!error) return;
        agent.pending.delete(id);
        reject(error);
      });
    });
  }

  /** Lets each agent close its connections and exit; one that does not in time is killed. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.agents.values()].map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        if (child.connected) child.disconnect();
        const kill = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
        await exited;
        clearTimeout(kill);
      }),
    );
    this.agents.clear();
  }
}
