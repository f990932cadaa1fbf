import { expect } from 'chai';
import {
  Consortium,
  generatedConsortium,
  parseConsortium,
  withOrganisation,
  withoutOrganisation,
} from '../../../network/consortium/consortium';
import { DEV_CONSORTIUM } from '../gateway/harness';

const problems = (json: unknown): string => {
  try {
    parseConsortium(json, 'test');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the consortium to be refused');
};

describe('consortium description', () => {
  it('describes the development network: the regulator first, two hospitals, two insurers', () => {
    expect(DEV_CONSORTIUM.organisations.map((o) => `${o.id}:${o.kind}`)).to.deep.equal([
      'regulator:REGULATOR',
      'hospital1:HOSPITAL',
      'hospital2:HOSPITAL',
      'insurer1:INSURER',
      'insurer2:INSURER',
    ]);
  });

  it('refuses a description the network could not be built from, saying what is wrong', () => {
    const [regulator, hospital, , insurer] = DEV_CONSORTIUM.organisations;
    const orgs = (...organisations: unknown[]) => ({ organisations });
    expect(problems(orgs(hospital, regulator, insurer))).to.contain('exactly one REGULATOR, listed first');
    expect(problems(orgs(regulator, hospital, { ...hospital, id: 'other' }))).to.match(/mspId used twice/);
    expect(problems(orgs(regulator, hospital, { ...insurer, ports: hospital.ports }))).to.match(
      /port used twice/,
    );
    expect(
      problems(orgs(regulator, hospital, { ...hospital, id: 'h2', mspId: 'H2MSP', kind: 'HOSPITAL' })),
    ).to.contain('at least one INSURER');
    expect(problems(orgs(regulator, hospital, { ...insurer, id: 'Insurer.1' }))).to.contain(
      'organisations.2.id',
    );
    expect(problems(orgs(regulator, hospital, { ...insurer, mspId: 'Insurer.1' }))).to.contain(
      'organisations.2.mspId',
    );
    expect(problems(orgs(regulator, hospital, { ...insurer, extra: 1 }))).to.match(/extra/);
  });

  it('adds an organisation on ports clear of every other, its MSP ID and name made from its id', () => {
    const grown = withOrganisation(DEV_CONSORTIUM, { id: 'hospital3', kind: 'HOSPITAL' });
    const added = grown.organisations.at(-1);
    expect(added).to.deep.include({
      id: 'hospital3',
      mspId: 'Hospital3MSP',
      name: 'Hospital 3',
      kind: 'HOSPITAL',
    });
    expect(added?.ports).to.deep.equal({ peer: 11151, operations: 9449, gateway: 8086 });
    expect(() => withOrganisation(grown, { id: 'hospital3', kind: 'HOSPITAL' })).to.throw(/id used twice/);
  });

  it("keeps a departed organisation's name, so that its collections stay and its id is not reused", () => {
    const grown = withOrganisation(DEV_CONSORTIUM, { id: 'hospital3', kind: 'HOSPITAL' });
    const shrunk: Consortium = withoutOrganisation(grown, 'hospital3');
    expect(shrunk.organisations.map((o) => o.id)).to.not.include('hospital3');
    expect(shrunk.departed.map((o) => o.id)).to.deep.equal(['hospital3']);
    expect(() => withOrganisation(shrunk, { id: 'hospital3', kind: 'HOSPITAL' })).to.throw(/id used twice/);
    expect(() => withoutOrganisation(shrunk, 'regulator')).to.throw(/regulator cannot leave/);
    expect(() => withoutOrganisation(shrunk, 'hospital9')).to.throw(/no organisation hospital9/);
  });

  it('generates consortia of any size for measurements', () => {
    const large = generatedConsortium(8, 8);
    expect(large.organisations).to.have.length(17);
    expect(large.organisations.filter((o) => o.kind === 'INSURER').map((o) => o.mspId)).to.include(
      'Insurer8MSP',
    );
  });
});
