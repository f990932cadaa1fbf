import { expect } from 'chai';
import { createRequire } from 'node:module';
import { dropUnprintedShimLogs } from '../../../chaincode/src/shim-logging';

interface ShimLogger {
  level: string;
  format: { transform(entry: object, options?: unknown): unknown };
  transports: { silent?: boolean }[];
  debug(message: string, ...args: unknown[]): void;
  info(message: string): void;
}

const shimLogger = (name: string): ShimLogger =>
  (
    createRequire(require.resolve('fabric-shim'))('./lib/logger') as {
      getLogger(name: string): ShimLogger;
    }
  ).getLogger(name);

describe('shim logging', () => {
  it("formats only the messages the shim's logger prints", () => {
    dropUnprintedShimLogs();
    dropUnprintedShimLogs();
    const logger = shimLogger('shim-logging.test');
    const formatted: unknown[] = [];
    const format = logger.format;
    logger.format = {
      transform: (entry, options) => {
        formatted.push((entry as { message: unknown }).message);
        return format.transform(entry, options);
      },
    };
    const transport = logger.transports[0];
    const wasSilent = transport.silent;
    transport.silent = true;
    try {
      logger.level = 'info';
      logger.debug('dropped');
      logger.debug('dropped too: %j', { big: 'object' });
      logger.info('printed');
      logger.level = 'debug';
      logger.debug('printed at debug');
    } finally {
      transport.silent = wasSilent;
      logger.format = format;
    }
    expect(formatted).to.deep.equal(['printed', 'printed at debug']);
  });
});
