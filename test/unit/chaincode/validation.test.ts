import { expect } from 'chai';
import { z } from 'zod';
import { canonicalJson } from '../../../chaincode/src/canonical';
import { ChaincodeError } from '../../../chaincode/src/errors';
import {
  costs,
  date,
  fen,
  hash,
  id,
  isCalendarDate,
  isUtcInstant,
  payoutBody,
  registerParticipant,
  text,
} from '../../../chaincode/src/schemas';
import { check, parseRequest } from '../../../chaincode/src/validation';

function rejects(schema: z.ZodType, value: unknown): string {
  try {
    check(schema, value, ['field']);
  } catch (error) {
    expect(error).to.be.instanceOf(ChaincodeError);
    expect((error as ChaincodeError).body.code).to.equal('VALIDATION_FAILED');
    return (error as ChaincodeError).body.message;
  }
  return expect.fail(`${JSON.stringify(value)} was accepted`);
}

const paidAt = payoutBody.shape.paidAt;

describe('validation', () => {
  it('accepts real calendar dates only', () => {
    for (const ok of ['2024-02-29', '2026-12-31', '2000-02-29', '0001-01-01', '0004-02-29', '0099-12-31'])
      expect(isCalendarDate(ok), ok).to.equal(true);
    for (const bad of [
      '2026-02-29',
      '1900-02-29',
      '0100-02-29',
      '0001-02-29',
      '2026-13-01',
      '2026-01-00',
      '2026-04-31',
      '2026-1-01',
      '20260101',
      '2026-00-10',
      ' 2026-01-01',
    ]) {
      expect(isCalendarDate(bad), bad).to.equal(false);
    }
    rejects(date, 20260101);
    rejects(date, '2026-02-30');
  });

  it('accepts dates or UTC instants for paidAt', () => {
    for (const ok of [
      '2026-03-05T23:59:59Z',
      '2026-03-05T23:59:59.123456789Z',
      '0050-03-05',
      '0050-03-05T00:00:00Z',
    ])
      expect(check(paidAt, ok)).to.equal(ok);
    for (const bad of [
      '2026-03-05T24:00:00Z',
      '2026-02-30T10:00:00Z',
      '2026-03-05T10:00Z',
      '2026-03-05T10:00:00.1234567890Z',
      '2026-03-05T10:00:00.Z',
      5,
    ])
      rejects(paidAt, bad);
    expect(isUtcInstant('2026-03-05')).to.equal(false);
  });

  it('checks that costs add up, naming the total', () => {
    const value = {
      total: 21,
      fund: { pooled: 1, seriousIllness: 2, assistance: 3 },
      inCatalogueSelfPay: 4,
      outOfCatalogue: 5,
      innovativeDrug: 6,
    };
    // The fund's other payments are 0 unless given, and count towards the total when they are.
    const others = { civilServantSubsidy: 0, enterpriseSupplementary: 0, other: 0 };
    expect(check(costs, value)).to.deep.equal({ ...value, fund: { ...value.fund, ...others } });
    expect(rejects(costs, { ...value, total: 22 })).to.equal(
      'field.total: must equal the sum of its parts (21)',
    );
    const withOthers = { ...value, total: 27, fund: { ...value.fund, civilServantSubsidy: 1, other: 5 } };
    expect(check(costs, withOthers).fund).to.include({
      civilServantSubsidy: 1,
      enterpriseSupplementary: 0,
      other: 5,
    });
    expect(rejects(costs, { ...withOthers, total: 21 })).to.equal(
      'field.total: must equal the sum of its parts (27)',
    );
  });

  it('accepts integer fen from 0 to 100,000,000,000', () => {
    for (const ok of [0, 1, 100000000000]) expect(check(fen, ok)).to.equal(ok);
    for (const bad of [-1, 0.5, 100000000001, Number.NaN, Infinity, '5', null]) rejects(fen, bad);
  });

  it('keeps ids safe for composite keys and URLs', () => {
    expect(check(id, 'S-2026.03_01:7')).to.equal('S-2026.03_01:7');
    for (const bad of ['', 'a/b', 'a\u0000b', '-lead', 'x'.repeat(129), 'a b']) rejects(id, bad);
  });

  it('takes only lowercase 64-hex digests', () => {
    expect(check(hash, 'a'.repeat(64))).to.equal('a'.repeat(64));
    for (const bad of ['A'.repeat(64), 'a'.repeat(63), 'g'.repeat(64)]) rejects(hash, bad);
  });

  it('refuses blank or control-character text, and trims what it takes', () => {
    for (const bad of ['', '   ', 'line\nbreak', 'tab\there', 'del\u007f', 'x'.repeat(11)])
      rejects(text(10), bad);
    expect(check(text(10), '  ten chars  ')).to.equal('ten chars');
  });

  it('normalises free text to NFKC and refuses invisible and bidirectional characters', () => {
    expect(check(text(20), '\uff21\uff22\uff23\uff11\uff12\u3000\u533b\u9662')).to.equal('ABC12 医院');
    expect(check(text(20), 'caf\u0065\u0301')).to.equal('caf\u00e9');
    for (const bad of [
      'pay\u200bment', // zero-width space
      'refund\u202edias', // right-to-left override
      'a\u2066b\u2069', // isolates
      'x\ufeffy', // byte-order mark
      'one\u2028two', // line separator
      'private\ue000', // private use
      '\u200b\u200b', // nothing visible
    ])
      expect(rejects(text(20), bad)).to.contain('no control, format or bidirectional characters');
  });

  it('takes as actor only an opaque user id: no look-alike letters, invisible characters or e-mail addresses', () => {
    const actor = registerParticipant.shape.actor;
    for (const ok of ['alice', 'user-7f3a.b:1', 'c0ffee_42']) expect(check(actor, ok)).to.equal(ok);
    for (const bad of ['\u0430lice', 'ali\u200bce', 'ali\u202ece', 'alice@example.com', 'Ann Smith', ''])
      rejects(actor, bad);
  });

  it('names nested fields and unknown fields, every one of them', () => {
    const schema = z.strictObject({
      a: z.strictObject({ b: z.array(fen).min(1).max(2) }),
      c: fen.optional(),
    });
    expect(rejects(schema, { a: { b: [1, -1] } })).to.contain('field.a.b[1]:');
    expect(rejects(schema, { a: { b: [1], x: 1 } })).to.contain('field.a.x is not a known field');
    expect(rejects(schema, { a: { b: [] } })).to.contain('field.a.b:');
    expect(rejects(schema, [])).to.contain('field: ');
    expect(rejects(schema, { a: { b: [-1] }, c: -1 }))
      .to.contain('field.a.b[0]:')
      .and.to.contain('field.c:');
    expect(check(schema, { a: { b: [1] } })).to.deep.equal({ a: { b: [1] } });
  });

  it('refuses requests that are not JSON', () => {
    expect(() => parseRequest('{', z.strictObject({}))).to.throw(ChaincodeError, 'JSON');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).to.equal(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });
});
