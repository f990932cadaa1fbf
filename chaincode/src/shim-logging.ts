/**
 * fabric-shim logs every message to and from the peer at debug level through winston, and winston formats a
 * message (timestamp, colours, padding, printf of its arguments) before its transport drops it for being
 * below the level. Under load that formatting took a fifth of a chaincode service's CPU, for lines never
 * printed. This drops a message before formatting when no transport of its logger would print it.
 */
import { createRequire } from 'node:module';

interface LogEntry {
  level?: unknown;
}

interface WinstonLogger {
  levels: Record<string, number>;
  isLevelEnabled(level: string): boolean;
  write(entry: LogEntry, ...rest: unknown[]): boolean;
}

/** The winston that fabric-shim and fabric-contract-api load, whichever copy npm placed where. */
function shimWinston(): { Logger: { prototype: WinstonLogger } } {
  return createRequire(require.resolve('fabric-shim'))('winston') as { Logger: { prototype: WinstonLogger } };
}

const unprinted = (logger: WinstonLogger, entry: LogEntry): boolean =>
  typeof entry.level === 'string' && entry.level in logger.levels && !logger.isLevelEnabled(entry.level);

let installed = false;

/** Idempotent; affects every winston logger of this process, which in a chaincode service are the shim's. */
export function dropUnprintedShimLogs(): void {
  if (installed) return;
  installed = true;
  const proto = shimWinston().Logger.prototype;
  const write = proto.write;
  proto.write = function (this: WinstonLogger, entry: LogEntry, ...rest: unknown[]): boolean {
    // A caller passing a callback expects it called; such writes go through unchanged.
    if (rest.length === 0 && unprinted(this, entry)) return true;
    return write.call(this, entry, ...rest);
  };
}
