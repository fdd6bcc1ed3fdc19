/** The payloads of bench/rpc-payload-matrix.ts: one echo method per kind, with the value it sends. */
import { defineContract, J, method } from '../src/index.js';

const Item = J.pojo('com.acme.bench.Item', {
  sku: J.String,
  quantity: J.int,
  price: J.double,
  note: J.String,
});

const Order = J.pojo('com.acme.bench.Order', {
  id: J.long,
  customer: J.String,
  email: J.String,
  createdAt: J.Date,
  paid: J.boolean,
  total: J.double,
  currency: J.String,
  status: J.String,
  priority: J.int,
  items: J.list(Item),
});

const LedgerEntry = J.pojo('com.acme.bench.LedgerEntry', {
  account: J.long,
  amount: J.BigDecimal,
  balance: J.BigDecimal,
  sequence: J.long,
});

const Ledger = J.pojo('com.acme.bench.Ledger', {
  id: J.long,
  entries: J.list(LedgerEntry),
});

export const PayloadService = defineContract('com.acme.bench.PayloadService', {
  echoString: method([J.String], J.String),
  echoBytes: method([J.bytes], J.bytes),
  echoOrder: method([Order], Order),
  echoLedger: method([Ledger], Ledger),
});

export const payloadImplementation = {
  echoString: (value: string | null) => value,
  echoBytes: (value: Uint8Array | null) => value,
  echoOrder: <T>(value: T) => value,
  echoLedger: <T>(value: T) => value,
};

export interface PayloadCase {
  name: string;
  method: 'echoString' | 'echoBytes' | 'echoOrder' | 'echoLedger';
  value: unknown;
  /** Throws when an answer is not the echo of `value` (cheap: sizes and a few fields). */
  check(answer: unknown): void;
}

/** Printable ASCII text with the characters JSON escapes sprinkled in rarely, as real text has (quotes). */
function text(length: number): string {
  const words = 'the quick brown fox jumps over "lazy" dogs, 42 times; ';
  let out = '';
  while (out.length < length) out += words;
  return out.slice(0, length);
}

function bytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 131 + 7) & 0xff;
  return out;
}

function stringCase(name: string, value: string): PayloadCase {
  return {
    name,
    method: 'echoString',
    value,
    check(answer) {
      if (typeof answer !== 'string' || answer.length !== value.length) throw new Error(`${name}: wrong answer`);
    },
  };
}

function bytesCase(name: string, value: Uint8Array): PayloadCase {
  return {
    name,
    method: 'echoBytes',
    value,
    check(answer) {
      if (!(answer instanceof Uint8Array) || answer.length !== value.length) throw new Error(`${name}: wrong answer`);
    },
  };
}

const order = {
  id: 9_007_199_254_740_993n,
  customer: 'Ada Lovelace',
  email: 'ada@example.com',
  createdAt: new Date(1_700_000_000_000),
  paid: true,
  total: 1234.5,
  currency: 'EUR',
  status: 'SHIPPED',
  priority: 3,
  items: Array.from({ length: 10 }, (_, i) => ({ sku: `SKU-${1000 + i}`, quantity: i + 1, price: 9.99 + i, note: `gift wrap ${i}` })),
};

const ledger = {
  id: 42n,
  entries: Array.from({ length: 20 }, (_, i) => ({
    account: 6_200_000_000_000_000_000n + BigInt(i),
    amount: `${i * 37}.${String(i).padStart(2, '0')}`,
    balance: `1${i}000000000000.1234567890`,
    sequence: 1_000_000_000_000n + BigInt(i),
  })),
};

export const PAYLOAD_CASES: PayloadCase[] = [
  stringCase('string-small', 'hello'),
  stringCase('string-1k', text(1024)),
  stringCase('string-64k', text(65536)),
  bytesCase('bytes-1k', bytes(1024)),
  bytesCase('bytes-64k', bytes(65536)),
  {
    name: 'pojo',
    method: 'echoOrder',
    value: order,
    check(answer) {
      if ((answer as { items?: unknown[] }).items?.length !== 10) throw new Error('pojo: wrong answer');
    },
  },
  {
    name: 'long-bigdecimal',
    method: 'echoLedger',
    value: ledger,
    check(answer) {
      if ((answer as { entries?: unknown[] }).entries?.length !== 20) throw new Error('long-bigdecimal: wrong answer');
    },
  },
];
