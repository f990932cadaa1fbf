/**
 * One organisation's direct fabric-network client in its own process, driven by the bench over IPC as the
 * gateways are over HTTP: a deployment runs one client process per organisation, however it connects, and a
 * process's CPU per transaction falls with its load, so one process serving both hospitals would not compare
 * like with like (bench/README.md, Findings). Started by DirectAgents with the options as JSON in argv[2].
 */
import { DirectConnections, DirectOptions } from './fabric';
import type { AgentReply, AgentRequest } from './direct-agents';

const [orgId, json] = process.argv.slice(2);
const direct = new DirectConnections(JSON.parse(json) as DirectOptions);

process.on('message', (request: AgentRequest) => {
  direct.submit(orgId, request.tx, request.request, request.endorsers).then(
    (result) => process.send?.({ id: request.id, result } satisfies AgentReply),
    (error: unknown) =>
      process.send?.({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
// The bench closed the channel (it finished or died): nothing more will come.
process.once('disconnect', () => void direct.close().finally(() => process.exit(0)));
process.send?.({ id: 0, result: 'ready' } satisfies AgentReply);
