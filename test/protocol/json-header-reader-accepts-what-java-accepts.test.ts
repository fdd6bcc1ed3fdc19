import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeJsonHeader } from '../../src/index.js';
import { anyText, extKey } from './arbitraries.js';

/** The fields as plain data, ext entries in order. */
function read(header: string) {
  const fields = decodeJsonHeader(header);
  return { ...fields, extFields: fields.extFields === null ? null : [...fields.extFields] };
}

test('any property order, whitespace and unknown properties are accepted', () => {
  const header = ' {\n\t"version" : 3 , "x":{"y":[1,2.5e3,{"z":null}],"w":"\\u00e9"} ,"opaque":9,\r\n"language":"GO","code":-5,"flag":2,"serializeTypeCurrentRPC":"ROCKETMQ","extFields":{ "b" : "1" , "a":"2" },"remark":"r" } ';
  assert.deepStrictEqual(read(header), { code: -5, language: 'GO', version: 3, opaque: 9, flag: 2, remark: 'r', extFields: [['b', '1'], ['a', '2']] });
});

test('missing properties take Java’s defaults: 0, JAVA, no remark, no ext fields', () => {
  assert.deepStrictEqual(read('{}'), { code: 0, language: 'JAVA', version: 0, opaque: 0, flag: 0, remark: null, extFields: null });
  assert.deepStrictEqual(read('{"code":null,"remark":null,"extFields":null}'), { code: 0, language: 'JAVA', version: 0, opaque: 0, flag: 0, remark: null, extFields: null });
  assert.equal(read('{"language":null}').language, null);
});

test('ints may be JSON strings of digits, and a language may be its ordinal (fastjson coercions)', () => {
  const fields = read('{"code":"12","opaque":"-7","flag":"007","version":1.0,"language":9}');
  assert.deepStrictEqual([fields.code, fields.opaque, fields.flag, fields.version, fields.language], [12, -7, 7, 1, 'GO']);
});

test('non-string ext values are kept as their JSON text; a null value means no entry', () => {
  const fields = read('{"extFields":{"n":12345678901234567890,"d":1.50,"t":true,"f":false,"o":{"a":[1]},"gone":"x","gone":null,"z":null}}');
  assert.deepStrictEqual(fields.extFields, [['n', '12345678901234567890'], ['d', '1.50'], ['t', 'true'], ['f', 'false'], ['o', '{"a":[1]}']]);
});

test('a repeated property or ext key takes the last value, as JSON.parse and fastjson do', () => {
  const fields = read('{"code":1,"code":2,"extFields":{"a":"1"},"extFields":{"b":"2","b":"3"}}');
  assert.equal(fields.code, 2);
  assert.deepStrictEqual(fields.extFields, [['b', '3']]);
});

test('escapes decode as in JSON.parse, including surrogate pairs and lone surrogates', () => {
  const text = '{"remark":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\\uD800x"}';
  assert.equal(read(text).remark, (JSON.parse(text) as { remark: string }).remark);
  assert.equal(read(text).remark, '"\\/\b\f\n\r\t\u00e9😀\uD800x');
});

test('raw control characters inside strings are accepted, as fastjson does', () => {
  assert.equal(read('{"remark":"a\u0001\tb"}').remark, 'a\u0001\tb');
});

test('integer-like and prototype-named ext keys keep their order and are plain keys', () => {
  const fields = read('{"extFields":{"b":"1","2":"2","1":"3","__proto__":"4","constructor":"5"}}');
  assert.deepStrictEqual(fields.extFields, [['b', '1'], ['2', '2'], ['1', '3'], ['__proto__', '4'], ['constructor', '5']]);
});

test('for any header layout the reader agrees with JSON.parse', () => {
  const whitespace = fc.array(fc.constantFrom('', ' ', '\n', '\t', '\r\n  '), { minLength: 1, maxLength: 8 });
  const property = fc.oneof(
    fc.tuple(fc.constantFrom('code', 'flag', 'opaque', 'version'), fc.integer({ min: -0x80000000, max: 0x7fffffff }).map(String)),
    fc.tuple(fc.constant('language'), fc.constantFrom('"JAVA"', '"CPP"', '"NODE_JS"', 'null', '7')),
    fc.tuple(fc.constant('remark'), fc.oneof(fc.constant('null'), anyText(30).map((s) => JSON.stringify(s)))),
    fc.tuple(
      fc.constant('extFields'),
      fc.array(fc.tuple(extKey, anyText(20)), { maxLength: 6 }).map((entries) => '{' + entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',') + '}'),
    ),
    fc.tuple(fc.constantFrom('serializeTypeCurrentRPC', 'unknown', 'type'), fc.constantFrom('"JSON"', '[1,{"a":null}]', '{}', 'true', '-1.5e-3')),
  );
  fc.assert(
    fc.property(fc.array(property, { maxLength: 10 }), whitespace, (properties, spaces) => {
      const space = (i: number): string => spaces[i % spaces.length]!;
      const members = properties.map(([name, value]) => `${space(1)}"${name}"${space(2)}:${space(3)}${value}${space(4)}`);
      const header = `${space(0)}{${members.join(',')}${space(5)}}${space(6)}`;
      const parsed = JSON.parse(header) as Record<string, unknown>;
      const fields = read(header);
      const number = (name: string): number => (parsed[name] == null ? 0 : Number(parsed[name]));
      assert.equal(fields.code, number('code'));
      assert.equal(fields.flag, number('flag'));
      assert.equal(fields.opaque, number('opaque'));
      assert.equal(fields.version, number('version'));
      const language = parsed.language === undefined ? 'JAVA' : parsed.language === 7 ? 'OTHER' : parsed.language;
      assert.equal(fields.language, language);
      assert.equal(fields.remark, parsed.remark ?? null);
      if (parsed.extFields == null) {
        assert.equal(fields.extFields, null);
      } else {
        // JSON.parse moves integer-like keys first; compare as maps, and check the reader kept the last occurrence of each key.
        assert.deepStrictEqual(new Map(fields.extFields), new Map(Object.entries(parsed.extFields as object)));
      }
    }),
    { numRuns: 1000 },
  );
});
