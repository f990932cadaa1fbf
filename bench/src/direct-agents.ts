/**
 * The direct workloads' clients: one process per organisation (bench/src/direct-agent.ts), each with its own
 * fabric-network connection, as the gateways are. `--direct-in-process` uses DirectConnections in the bench's
 * own process instead, every organisation's connection side by side, as the bench did before.
 */
import { ChildProcess, fork } from 'node:child_process';
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
  error?: string;
}

/** What the workloads and the seeding submit through. */
export interface DirectClient {
  submit<T>(orgId: string, tx: TxName, request: object, endorsers?: string[]): Promise<T>;
}

interface Agent {
  child: ChildProcess;
  pending: Map<number, { resolve(value: unknown): void; reject(error: Error): void }>;
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
      // The bench's own type check (npm run lint) covers the agent; compiling it without one starts it faster.
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const agent: Agent = { child, pending: new Map() };
    this.agents.set(orgId, agent);
    return new Promise((resolve, reject) => {
      child.on('message', ({ id, result, error }: AgentReply) => {
        if (id === 0) return resolve();
        const waiting = agent.pending.get(id);
        agent.pending.delete(id);
        if (error === undefined) waiting?.resolve(result);
        else waiting?.reject(new Error(error));
      });
      child.once('exit', (code, signal) => {
        const gone = new Error(`the direct agent of ${orgId} exited (${signal ?? code})`);
        reject(gone);
        for (const waiting of agent.pending.values()) waiting.reject(gone);
        agent.pending.clear();
      });
    });
  }

  /** The agents' processes, named for the usage sampler. */
  pids(): Record<string, number> {
    return Object.fromEntries(
      [...this.agents].map(([orgId, a]) => [`direct-${orgId}`, a.child.pid as number]),
    );
  }

  submit<T>(orgId: string, tx: TxName, request: object, endorsers?: string[]): Promise<T> {
    const agent = this.agents.get(orgId);
    if (!agent) return Promise.reject(new Error(`no direct agent for ${orgId}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      agent.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      agent.child.send({ id, tx, request, endorsers } satisfies AgentRequest);
    });
  }

  close(): void {
    for (const { child } of this.agents.values()) if (child.connected) child.disconnect();
    this.agents.clear();
  }
}
