/**
 * A member calling the chaincode directly with its own identity and a clock set wrong (to backdate a settlement
 * into a consent that has expired, say) is refused by every endorsing peer: the proposal's time must be within
 * the chaincode's tolerance (300 s) of the peer's clock.
 */
import { expect } from 'chai';
import { Tx } from '../../../chaincode/src/api';
import { OrgConnections, chaincodeError, evaluate, failure, submit } from '../support/fabric';
import { ACTOR, uniqueId } from '../support/fixtures';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Runs `action` with this process's clock shifted by `shiftMs`: fabric-common stamps a proposal with `new Date()`,
 * so the proposal carries the shifted time, as a client with a wrong (or forged) clock would send it.
 */
async function withClockShifted<T>(shiftMs: number, action: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(RealDate.now() + shiftMs);
      else super(...(args as ConstructorParameters<DateConstructor>));
    }

    static override now(): number {
      return RealDate.now() + shiftMs;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
  try {
    return await action();
  } finally {
    globalThis.Date = RealDate;
  }
}

function product(productId: string) {
  return {
    actor: ACTOR,
    productId,
    name: 'Published with a shifted clock',
    annualCap: 300_000,
    benefits: [{ category: 'INNOVATIVE_DRUG', deductible: 0, ratioBps: 7000 }],
  };
}

describe('network: a proposal whose time is far from the peers clocks', function () {
  this.timeout(120_000);
  const orgs = new OrgConnections();
  after(() => orgs.close());

  for (const [label, shift] of [
    ['an hour back', -HOUR],
    ['a day back', -DAY],
    ['a year back', -365 * DAY],
    ['an hour ahead', HOUR],
  ] as const) {
    it(`is refused with CLOCK_SKEW when the client's clock is ${label}, and writes nothing`, async () => {
      const insurer = await orgs.contract('insurer1');
      const productId = uniqueId('skewed');
      const err = await withClockShifted(shift, () =>
        failure(() =>
          submit(insurer, Tx.publishProduct, product(productId), ['Insurer1MSP', 'RegulatorMSP']),
        ),
      );
      expect(chaincodeError(err)?.code, err.message).to.equal('CLOCK_SKEW');
      const lookup = await failure(() => evaluate(insurer, Tx.getProduct, { productId }));
      expect(chaincodeError(lookup)?.code).to.equal('NOT_FOUND');
    });
  }

  it('is accepted when the client clock is a minute off', async () => {
    const insurer = await orgs.contract('insurer1');
    const productId = uniqueId('skewed');
    await withClockShifted(-MINUTE, () =>
      submit(insurer, Tx.publishProduct, product(productId), ['Insurer1MSP', 'RegulatorMSP']),
    );
    expect(await evaluate(insurer, Tx.getProduct, { productId })).to.include({ productId, version: 1 });
  });
});
