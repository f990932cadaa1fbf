/**
 * Entry point of one organisation's gateway: configuration, the Fabric connection, the HTTP server and a
 * graceful shutdown that stops accepting, lets in-flight requests finish, then disconnects from Fabric.
 */
import { once } from 'node:events';
import { ConfigError, GatewayConfig, loadConfig } from './config';
import { FabricLedgerClient } from './ledger';
import { createLogger } from './logger';
import { awaitMembership } from './membership';
import { createMetrics } from './metrics';
import { createServer } from './server';

function readConfig(): GatewayConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel).child({ org: config.mspId });
  const metrics = createMetrics(true);
  const ledger = await FabricLedgerClient.connect(config, metrics, logger);
  const membership = await awaitMembership(ledger, config.mspId, logger);
  logger.info({ kind: membership.kind, role: membership.role }, 'participant of the consortium');
  const gateway = createServer({ config, membership, ledger, logger, metrics });
  const { events } = gateway;
  events.start();
  const server = gateway.listen(config.port, config.host);
  await once(server, 'listening');
  logger.info({ url: `http://${config.host}:${config.port}` }, 'gateway listening');

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => server.closeAllConnections(), config.shutdownGraceSeconds * 1000);
    force.unref();
    server.close(async () => {
      clearTimeout(force);
      await ledger.close();
      logger.info('stopped');
      process.exit(0);
    });
    // Event streams never finish by themselves, and idle keep-alive sockets would hold close() open.
    events.close();
    server.closeIdleConnections();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('gateway failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
