import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiProvider, defineContract, J, method } from '../../src/index.js';
import { runCliCaptured as cli } from '../support/cli-in-process.js';

const Numbers = defineContract('com.acme.Numbers', {
  echoLong: method([J.long], J.long),
  pair: method([J.String], J.map(J.Long)),
});

let provider: ApiProvider;
let addr: string;
before(async () => {
  provider = new ApiProvider({ host: '127.0.0.1', port: 0 });
  provider.register(Numbers, { echoLong: (n) => n, pair: (key) => new Map([[key ?? '', 9007199254740993n]]) });
  addr = (await provider.start()).addr;
});
after(async () => {
  await provider.close({ graceMs: 0 });
});

test('call --json prints address, service, Java signature, elapsed time and the result, longs exact', async () => {
  const { code, out } = await cli('call', addr, 'com.acme.Numbers', 'echoLong', '[9223372036854775807]', '--json');
  assert.equal(code, 0);
  assert.match(out, /"result": 9223372036854775807\n}\n$/);
  const doc = JSON.parse(out) as { addr: string; service: string; method: string; elapsedMs: number };
  assert.equal(doc.addr, addr);
  assert.equal(doc.service, 'com.acme.Numbers');
  assert.equal(doc.method, 'public abstract long com.acme.Numbers.echoLong(long)');
  assert.ok(doc.elapsedMs > 0);
  const map = await cli('call', addr, 'com.acme.Numbers', 'pair', '["k"]', '--json');
  assert.match(map.out, /"result": {\n {4}"k": 9007199254740993\n {2}}/);
});
