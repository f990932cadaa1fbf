import { expect } from 'chai';
import { DecodedBlock, transactionInBlock, validationCodeName } from '../../../gateway/src/blocks';
import { readFirstVarintField } from '../../../gateway/src/ledger';

function envelope(txId: string, creator: string, endorsers: string[], parties?: string[]) {
  return {
    payload: {
      header: {
        channel_header: { tx_id: txId, timestamp: '2026-01-05T10:00:00.123Z' },
        signature_header: { creator: { mspid: creator } },
      },
      data: {
        actions: [
          {
            payload: {
              action: {
                endorsements: endorsers.map((mspid) => ({ endorser: { mspid } })),
                proposal_response_payload: {
                  extension: {
                    events: {
                      payload: parties
                        ? Buffer.from(JSON.stringify({ type: 'X', parties, refs: [] }))
                        : Buffer.alloc(0),
                    },
                    response: { payload: Buffer.from('{"ok":true}') },
                  },
                },
              },
            },
          },
        ],
      },
    },
  };
}

describe('gateway block reading', () => {
  const block: DecodedBlock = {
    header: { number: { toString: () => '42' } },
    data: {
      data: [
        envelope(
          't1',
          'Hospital1MSP',
          ['Insurer1MSP', 'Hospital1MSP', 'Hospital1MSP'],
          ['Hospital1MSP', 'Insurer1MSP'],
        ),
        envelope('t2', 'Insurer1MSP', ['Insurer1MSP']),
      ],
    },
    metadata: { metadata: [{}, {}, [0, 11]] },
  };

  it('reads a valid transaction with its endorsing organisations and event parties', () => {
    const info = transactionInBlock(block, 't1');
    expect(info).to.deep.include({
      txId: 't1',
      blockNumber: 42,
      validationCode: 'VALID',
      timestamp: '2026-01-05T10:00:00.123Z',
      creatorMsp: 'Hospital1MSP',
      endorsers: ['Hospital1MSP', 'Insurer1MSP'],
    });
    expect(info?.event?.parties).to.deep.equal(['Hospital1MSP', 'Insurer1MSP']);
    expect(info?.payload.toString()).to.equal('{"ok":true}');
  });

  it('reads the validation code of an invalidated transaction and tolerates no event', () => {
    expect(transactionInBlock(block, 't2')).to.deep.include({
      validationCode: 'MVCC_READ_CONFLICT',
      event: undefined,
    });
  });

  it('answers undefined for a transaction not in the block', () => {
    expect(transactionInBlock(block, 't3')).to.equal(undefined);
  });

  it('names validation codes', () => {
    expect(validationCodeName(10)).to.equal('ENDORSEMENT_POLICY_FAILURE');
    expect(validationCodeName(99)).to.equal('UNKNOWN_99');
  });

  it('reads the height from a BlockchainInfo message', () => {
    expect(readFirstVarintField(Buffer.from([0x08, 0x05, 0x12, 0x00]))).to.equal(5);
    expect(readFirstVarintField(Buffer.from([0x08, 0xac, 0x02]))).to.equal(300);
    expect(() => readFirstVarintField(Buffer.from([0x08, 0xff]))).to.throw(/malformed/);
  });
});
