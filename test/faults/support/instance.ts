/**
 * The fault tests' own network instance. They break things on purpose, so they refuse to run unless
 * NETWORK_RUN_DIR and NETWORK_PORT_OFFSET name a separate instance (test/faults/run.sh exports both): never
 * the default network someone else may be using.
 */
import { readTopology, RUN_DIR, Topology } from '../../../network/profiles/topology';

function portOffset(): number {
  const raw = process.env.NETWORK_PORT_OFFSET;
  if (!process.env.NETWORK_RUN_DIR || !raw || !/^[1-9]\d*$/.test(raw)) {
    throw new Error(
      'the fault tests need their own network: export NETWORK_RUN_DIR and a non-zero NETWORK_PORT_OFFSET ' +
        '(bash test/faults/run.sh does)',
    );
  }
  return Number(raw);
}

export const PORT_OFFSET = portOffset();
export { RUN_DIR };

export function topology(): Topology {
  return readTopology(RUN_DIR);
}
