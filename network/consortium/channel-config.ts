/**
 * The JSON steps of a channel configuration update (configtxlator decodes and encodes the protobufs around them):
 * take the configuration out of a config block, add or remove an application organisation, and wrap the
 * computed update in the envelope that admins sign.
 * Usage: ts-node network/consortium/channel-config.ts extract BLOCK_JSON OUT
 *                                                    add-org CONFIG_JSON ORG_JSON MSP_ID HOST PORT OUT
 *                                                    remove-org CONFIG_JSON MSP_ID OUT
 *                                                    envelope UPDATE_JSON CHANNEL OUT
 */
import { readFileSync, writeFileSync } from 'fs';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- protobuf JSON

const read = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;
const write = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value));
const applicationOrgs = (config: Json): Json => config.channel_group.groups.Application.groups as Json;

function extract(block: Json): Json {
  return block.data.data[0].payload.data.config as Json;
}

/** The organisation as `configtxgen -printOrg` makes it from its public MSP, with its peer as anchor peer. */
function addOrg(config: Json, org: Json, mspId: string, host: string, port: number): Json {
  const groups = applicationOrgs(config);
  if (groups[mspId]) throw new Error(`${mspId} is already a member of the channel`);
  org.values.AnchorPeers = {
    mod_policy: 'Admins',
    value: { anchor_peers: [{ host, port }] },
    version: '0',
  };
  groups[mspId] = org;
  return config;
}

function removeOrg(config: Json, mspId: string): Json {
  const groups = applicationOrgs(config);
  if (!groups[mspId]) throw new Error(`${mspId} is not a member of the channel`);
  delete groups[mspId];
  return config;
}

/** A CONFIG_UPDATE envelope (HeaderType 2) for the channel, as `peer channel signconfigtx` expects it. */
function envelope(update: Json, channel: string): Json {
  return {
    payload: {
      header: { channel_header: { channel_id: channel, type: 2 } },
      data: { config_update: update },
    },
  };
}

function main([command, ...args]: string[]): void {
  switch (command) {
    case 'extract':
      return write(args[1], extract(read(args[0])));
    case 'add-org':
      return write(args[5], addOrg(read(args[0]), read(args[1]), args[2], args[3], Number(args[4])));
    case 'remove-org':
      return write(args[2], removeOrg(read(args[0]), args[1]));
    case 'envelope':
      return write(args[2], envelope(read(args[0]), args[1]));
    default:
      throw new Error(
        'usage: channel-config.ts extract|add-org|remove-org|envelope ... (see the top of the file)',
      );
  }
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
