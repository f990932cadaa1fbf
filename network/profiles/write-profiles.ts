/**
 * Writes, for every organisation that has none yet, run/orgs/<org>/connection-profile.json and
 * run/orgs/<org>/wallet/ (a fabric-network file-system wallet with `client`, an ordinary client user, and
 * `admin`, for setup only). A profile lists the peers the network had when it was written; peers of
 * organisations that join later are found by discovery.
 * Usage: ts-node network/profiles/write-profiles.ts
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { Wallets, X509Identity } from 'fabric-network';
import { ConnectionProfile, connectionProfile } from './connection-profile';
import { OrgNode, UserFiles, readTopology } from './topology';

function identity(mspId: string, files: UserFiles): X509Identity {
  return {
    type: 'X.509',
    mspId,
    credentials: {
      certificate: readFileSync(files.certFile, 'utf8'),
      privateKey: readFileSync(files.keyFile, 'utf8'),
    },
  };
}

async function writeOrg(orgDir: string, profile: ConnectionProfile, org: OrgNode): Promise<void> {
  mkdirSync(orgDir, { recursive: true });
  writeFileSync(path.join(orgDir, 'connection-profile.json'), `${JSON.stringify(profile, null, 2)}\n`);
  const wallet = await Wallets.newFileSystemWallet(path.join(orgDir, 'wallet'));
  await wallet.put('client', identity(org.mspId, org.users.client));
  await wallet.put('admin', identity(org.mspId, org.users.admin));
}

async function main(): Promise<void> {
  const topology = readTopology();
  for (const org of topology.orgs) {
    const dir = path.join(topology.runDir, 'orgs', org.id);
    if (!existsSync(path.join(dir, 'connection-profile.json')))
      await writeOrg(dir, connectionProfile(topology, org), org);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
