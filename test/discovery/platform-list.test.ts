import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parsePlatformPage, PlatformFormatError } from '../../src/discovery/platform-list.js';

test('parses the platform format from the article', () => {
  const page = parsePlatformPage('{"num":2,"result":[{"dns_ip":"10.0.0.1","state":"working_online"},{"dns_ip":"10.0.0.2","state":"offline"}],"start":0,"total":2}', 0);
  assert.deepEqual(page, { total: 2, start: 0, entries: [{ ip: '10.0.0.1', state: 'working_online' }, { ip: '10.0.0.2', state: 'offline' }] });
});

test('a missing total means this page is the whole list; a missing start is the one asked for', () => {
  assert.deepEqual(parsePlatformPage('{"result":[]}', 40), { total: 40, start: 40, entries: [] });
});

test('every malformed shape is a PlatformFormatError naming what is wrong', () => {
  const cases: [string, RegExp][] = [
    ['', /not JSON/],
    ['<html>', /not JSON/],
    ['[]', /expected an object/],
    ['null', /expected an object/],
    ['{"total":1}', /"result" is not an array/],
    ['{"result":[],"total":-1}', /"total"/],
    ['{"result":[],"total":1.5}', /"total"/],
    ['{"result":[],"total":"2"}', /"total"/],
    ['{"result":[],"start":"0"}', /"start"/],
    ['{"result":[1]}', /result\[0\] is not an object/],
    ['{"result":[{"state":"working_online"}]}', /dns_ip/],
    ['{"result":[{"dns_ip":"host.example","state":"working_online"}]}', /dns_ip/],
    ['{"result":[{"dns_ip":"10.0.0.1"}]}', /state/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parsePlatformPage(text, 0), (error: unknown) => error instanceof PlatformFormatError && message.test(error.message), text);
  }
});

test('no input makes the parser fail with anything but a PlatformFormatError', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((value) => JSON.stringify({ result: [value], total: 1 }))), (text) => {
      try {
        parsePlatformPage(text, 0);
      } catch (error) {
        assert.ok(error instanceof PlatformFormatError, String(error));
      }
    }),
    { numRuns: 500 },
  );
});
