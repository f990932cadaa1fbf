/**
 * One organisation's direct fabric-network client in its own process, driven by the bench over IPC as the
 * gateways are over HTTP: a deployment runs one client process per organisation, however it connects
 * (bench/README.md, What is measured). Started by DirectAgents with the org id in argv[2] and the options as
 * JSON in argv[3].
 */
import { DirectConnections, DirectOptions } from './fabric';
import type { AgentReply, AgentRequest } from './direct-agents';
import { errorCode } from './load';

const [orgId, json] = process.argv.slice(2);
const direct = new DirectConnections(JSON.parse(json) as DirectOptions);

/** A reply after the bench has gone would raise ERR_IPC_CHANNEL_CLOSED: nobody is waiting for it. */
const reply = (message: AgentReply): void => {
  if (process.connected) process.send?.(message);
};

process.on('message', (request: AgentRequest) => {
  direct.submit(orgId, request.tx, request.request, request.endorsers).then(
    (result) => reply({ id: request.id, result }),
    // The bench tallies failures by their code; the Error object itself does not cross the IPC channel.
    (error: unknown) => reply({ id: request.id, error: errorCode(error) }),
  );
});
// The bench closed the channel (it finished or died): nothing more will come.
process.once('disconnect', () => void direct.close().finally(() => process.exit(0)));
reply({ id: 0, result: 'ready' });
