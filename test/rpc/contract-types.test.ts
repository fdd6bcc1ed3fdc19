/**
 * Type-level tests: this file fails to compile (and so `npm test` fails) if contract inference
 * regresses. `@ts-expect-error` lines must stay errors: tsc reports an unused one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { defineContract, J, method, type ApiProvider, type CallContext, type Implementation, type OutputOf, type ServiceProxy } from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<_T extends true>(): void {}

const Color = J.enumOf('com.acme.Color', ['RED', 'GREEN']);
const Item = J.pojo('com.acme.Shop$Item', { sku: J.String, qty: J.int, price: J.BigDecimal, tags: J.list(J.String.notNull()) });

const Shop = defineContract('com.acme.Shop', {
  hello: method([J.String, J.String], J.String),
  add: method([J.int, J.Integer], J.int),
  id: method([J.long], J.Long),
  when: method([J.Date], J.Date.notNull()),
  bytes: method([J.bytes], J.bytes),
  paint: method([Color], Color),
  order: method([J.list(Item)], J.map(Item)),
  notify: method([J.String], J.void),
  typed: method([z.object({ n: z.number() }), z.string().transform((s) => s.length)], z.string().transform((s) => s.length)),
});

// ---- implementation side ----

type Impl = Implementation<typeof Shop>;
assertType<Equal<Parameters<Impl['hello']>, [string | null, string | null, CallContext]>>();
assertType<Equal<ReturnType<Impl['hello']>, string | null | Promise<string | null>>>();
assertType<Equal<Parameters<Impl['add']>, [number, number | null, CallContext]>>();
assertType<Equal<Parameters<Impl['id']>[0], bigint>>();
assertType<Equal<ReturnType<Impl['id']>, bigint | null | Promise<bigint | null>>>();
assertType<Equal<ReturnType<Impl['when']>, Date | Promise<Date>>>();
assertType<Equal<Parameters<Impl['paint']>[0], 'RED' | 'GREEN' | null>>();
assertType<Equal<ReturnType<Impl['notify']>, void | Promise<void>>>();
// Schema arguments arrive as the schema's output; a schema result is returned as its input.
assertType<Equal<Parameters<Impl['typed']>, [{ n: number }, number, CallContext]>>();
assertType<Equal<ReturnType<Impl['typed']>, string | Promise<string>>>();

type ItemOut = OutputOf<typeof Item>;
assertType<Equal<ItemOut, { sku: string | null; qty: number; price: string | null; tags: string[] | null } | null>>();

const impl: Impl = {
  hello: (a, b) => `hello ${a} ${b}`,
  add: (a, b) => a + (b ?? 0),
  id: (n) => n + 1n,
  when: (d) => d ?? new Date(0),
  bytes: (b) => b,
  paint: (c) => c,
  order: (items) => Object.fromEntries((items ?? []).map((item) => [item?.sku ?? '', item])),
  notify: async () => undefined,
  typed: ({ n }, length, ctx) => `${n}:${length}:${ctx.remainingMs()}`,
};

const wrongResult: Impl = {
  ...impl,
  // @ts-expect-error a String method cannot return a number
  hello: () => 42,
};
// @ts-expect-error every contract method must be implemented
const missingMethod: Impl = { hello: () => 'x' };
const wrongParam: Impl = {
  ...impl,
  // @ts-expect-error a long arrives as bigint, not number
  id: (n: number) => BigInt(n),
};

// register() infers the contract from its first argument only, so literals in an inline
// implementation keep their types (an enum constant returned by a no-argument arrow function).
function registerInline(provider: ApiProvider): void {
  provider.register(Shop, { ...impl, paint: () => 'RED', order: () => ({ first: { qty: 1 } }) });
  // @ts-expect-error not a constant of the enum
  provider.register(Shop, { ...impl, paint: () => 'BLUE' });
}

// ---- consumer side ----

type Proxy = ServiceProxy<typeof Shop>;
declare const shop: Proxy;
assertType<Equal<Parameters<Proxy['hello']>, [string | null, string | null]>>();
assertType<Equal<ReturnType<Proxy['hello']>, Promise<string | null>>>();
assertType<Equal<ReturnType<Proxy['id']>, Promise<bigint | null>>>();
assertType<Equal<ReturnType<Proxy['when']>, Promise<Date>>>();
assertType<Equal<ReturnType<Proxy['bytes']>, Promise<Uint8Array | null>>>();
assertType<Equal<ReturnType<Proxy['notify']>, Promise<void>>>();
assertType<Equal<Parameters<Proxy['typed']>, [{ n: number }, string]>>();
assertType<Equal<ReturnType<Proxy['typed']>, Promise<number>>>();

async function calls(): Promise<void> {
  await shop.hello('a', null);
  await shop.hello.with({ timeoutMs: 100, attachments: { traceId: 't' } })('a', 'b');
  shop.add.async(1, 2, (error, result) => {
    assertType<Equal<typeof result, number | undefined>>();
    void error;
    void result;
  });
  await shop.order([{ sku: 'a', qty: 1, price: '1.10', tags: ['x'] }, null]);
  // Nullable POJO properties may be left out when writing; primitives may not.
  await shop.order([{ qty: 2 }]);
  // @ts-expect-error a wrong argument type is a compile error
  await shop.hello(1, 'b');
  // @ts-expect-error too few arguments
  await shop.hello('a');
  // @ts-expect-error too many arguments
  await shop.add(1, 2, 3);
  // @ts-expect-error a long is passed as bigint
  await shop.id(1);
  // @ts-expect-error an int cannot be null
  await shop.add(null, 1);
  // @ts-expect-error not a constant of the enum
  await shop.paint('BLUE');
  // @ts-expect-error a POJO's primitive property is required
  await shop.order([{ sku: 'a' }]);
  // @ts-expect-error a list of non-null strings takes no null
  await shop.order([{ qty: 1, tags: [null] }]);
  // @ts-expect-error schema input: n must be a number
  await shop.typed({ n: '1' }, 'x');
  // @ts-expect-error the callback must come last
  shop.add.async((error: Error | null) => void error, 1, 2);
  // @ts-expect-error methods not in the contract do not exist
  await shop.toString2();
}

test('the contract used for type checks describes its methods at run time too', () => {
  assert.deepEqual([...Shop.methodsByKey.keys()], Object.keys(impl));
  assert.equal(typeof calls, 'function');
  assert.equal(typeof registerInline, 'function');
  assert.equal(Object.keys(wrongResult).length + Object.keys(missingMethod).length + Object.keys(wrongParam).length, 19);
});
