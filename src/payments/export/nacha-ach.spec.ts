import { createHash } from 'node:crypto';
import { AchFormatError, renderAchFile } from './nacha-ach';
import { isRoutingNumber } from './routing-number';

/** An independent reader of the fixed-width format: it knows positions, not our writer's code. */
function parseAch(file: string) {
  const lines = file.split('\n').filter((l) => l.length > 0);
  const field = (line: string, from: number, to: number) => line.slice(from - 1, to);
  const entries = lines.filter((l) => l[0] === '6');
  const batchControl = lines.find((l) => l[0] === '8')!;
  const fileControl = lines.find((l) => l[0] === '9' && !/^9+$/.test(l))!;
  return {
    lines,
    header: {
      destination: field(lines[0], 4, 13),
      origin: field(lines[0], 14, 23),
      recordSize: field(lines[0], 35, 37),
    },
    batch: {
      serviceClass: field(lines[1], 2, 4),
      sec: field(lines[1], 51, 53),
      effective: field(lines[1], 70, 75),
    },
    entries: entries.map((e) => ({
      transactionCode: field(e, 2, 3),
      rdfi: field(e, 4, 11),
      checkDigit: field(e, 12, 12),
      account: field(e, 13, 29).trim(),
      cents: Number(field(e, 30, 39)),
      name: field(e, 55, 76).trim(),
      trace: field(e, 80, 94),
    })),
    batchControl: {
      count: Number(field(batchControl, 5, 10)),
      hash: field(batchControl, 11, 20),
      credit: Number(field(batchControl, 33, 44)),
    },
    fileControl: {
      batches: Number(field(fileControl, 2, 7)),
      blocks: Number(field(fileControl, 8, 13)),
      count: Number(field(fileControl, 14, 21)),
      hash: field(fileControl, 22, 31),
      credit: Number(field(fileControl, 44, 55)),
    },
  };
}

const originator = {
  immediateDestination: '101000019',
  immediateDestinationName: 'Federal Reserve Bank',
  immediateOrigin: '1486000112',
  immediateOriginName: 'Kansas State Dept of Ed',
  companyName: 'KSDE',
  companyIdentification: '1486000112',
  odfiIdentification: '10100001',
};

describe('renderAchFile', () => {
  const file = renderAchFile({
    originator,
    effectiveDate: '2026-12-21',
    createdAt: new Date('2026-12-18T15:04:00Z'),
    batchDescription: 'GRANTPAY',
    credits: [
      {
        id: 'pr-1',
        payeeName: 'Topeka Public Schools USD 501',
        routingNumber: '101000019',
        accountNumber: '123456789',
        accountType: 'checking',
        amount: '12500.00',
      },
      {
        id: 'pr-2',
        payeeName: 'Wichita USD 259',
        routingNumber: '011000015',
        accountNumber: '98765',
        accountType: 'savings',
        amount: '0.01',
      },
    ],
  });
  const ach = parseAch(file);

  it('writes exactly the bytes it wrote before its records were split into functions', () => {
    expect(createHash('sha256').update(file).digest('hex')).toBe(
      'ccafb910948ad9ef6caec5ae599cc5544f3fe6e3273881674bfcd7aaf9f72566',
    );
  });

  it('writes 94-character records in blocks of ten', () => {
    expect(ach.lines.every((l) => l.length === 94)).toBe(true);
    expect(ach.lines.length % 10).toBe(0);
    expect(ach.header).toEqual({
      destination: ' 101000019',
      origin: '1486000112',
      recordSize: '094',
    });
    expect(ach.batch).toEqual({ serviceClass: '220', sec: 'CCD', effective: '261221' });
  });

  it('writes each credit with its account type, routing, amount in cents and trace number', () => {
    expect(ach.entries).toEqual([
      {
        transactionCode: '22',
        rdfi: '10100001',
        checkDigit: '9',
        account: '123456789',
        cents: 1250000,
        name: 'TOPEKA PUBLIC SCHOOLS',
        trace: '101000010000001',
      },
      {
        transactionCode: '32',
        rdfi: '01100001',
        checkDigit: '5',
        account: '98765',
        cents: 1,
        name: 'WICHITA USD 259',
        trace: '101000010000002',
      },
    ]);
  });

  it('balances the controls: counts, entry hash and totals', () => {
    const hash = String(10100001 + 1100001).padStart(10, '0');
    expect(ach.batchControl).toEqual({ count: 2, hash, credit: 1250001 });
    expect(ach.fileControl).toEqual({ batches: 1, blocks: 1, count: 2, hash, credit: 1250001 });
  });

  it('refuses a routing number that fails its check digit', () => {
    expect(() =>
      renderAchFile({
        originator,
        effectiveDate: '2026-12-21',
        createdAt: new Date(),
        batchDescription: 'GRANTPAY',
        credits: [
          {
            id: 'x',
            payeeName: 'X',
            routingNumber: '101000018',
            accountNumber: '1',
            accountType: 'checking',
            amount: '1.00',
          },
        ],
      }),
    ).toThrow(AchFormatError);
  });
});

describe('isRoutingNumber', () => {
  it('checks the 3-7-1 check digit', () => {
    expect(isRoutingNumber('011000015')).toBe(true);
    expect(isRoutingNumber('011000016')).toBe(false);
    expect(isRoutingNumber('01100001')).toBe(false);
  });
});
