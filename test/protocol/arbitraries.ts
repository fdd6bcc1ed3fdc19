/**
 * fast-check generators for remoting commands and the normalisations the wire applies to them,
 * written independently of the codec so the property tests do not check it against itself.
 */
import fc from 'fast-check';
import { LanguageCode, RemotingCommand, SerializeType } from '../../src/index.js';

/** Texts meant to break codecs: quotes, backslashes, controls, DEL/C1, U+2028, BOM, replacement char. */
const NASTY = ['"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u0085', '\u009f', '\u2028', '\u2029', '\uFEFF', '\uFFFD', '/', '<', '>'];

/** One UTF-16 code unit of any kind: ASCII, controls, BMP, lone surrogates, astral pairs, specials. */
const textUnit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom(...NASTY) },
);

/** Any JS string, incl. unicode, controls and lone surrogates. */
export const anyText = (maxLength = 24): fc.Arbitrary<string> => fc.string({ unit: textUnit, maxLength });

/** Ext keys, biased towards keys that are special for plain objects or JSON parsers. */
export const extKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: anyText(16) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '1', '0', '10', '-1', '', 'code', 'extFields') },
);

/** What Java's UTF-8 encoder makes of a string: every unpaired surrogate becomes '?'. */
export function javaText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
        continue;
      }
      out += '?';
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      out += '?';
    } else {
      out += text[i]!;
    }
  }
  return out;
}

/** An ext map whose keys stay distinct after the wire normalisation (else the decoded map is smaller). */
export const extFields: fc.Arbitrary<Map<string, string>> = fc
  .uniqueArray(fc.tuple(extKey, anyText()), { selector: ([key]) => javaText(key), maxLength: 8 })
  .map((entries) => new Map(entries));

const int16 = fc.integer({ min: -0x8000, max: 0x7fff });
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const languages = Object.keys(LanguageCode);

export interface CommandCase {
  command: RemotingCommand;
  serializeType: SerializeType;
}

/** A command that `serializeType` can carry: int16 code and version for ROCKETMQ, int32 for JSON. */
export function commandFor(serializeType: SerializeType): fc.Arbitrary<RemotingCommand> {
  const small = serializeType === SerializeType.ROCKETMQ ? int16 : int32;
  return fc
    .record({
      code: small,
      language: fc.constantFrom(...languages),
      version: small,
      opaque: int32,
      flag: int32,
      remark: fc.option(anyText(40), { nil: null }),
      extFields: fc.option(extFields, { nil: null }),
      body: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: null }),
    })
    .map((init) => new RemotingCommand({ ...init, serializeType }));
}

export const anyCommandCase: fc.Arbitrary<CommandCase> = fc
  .constantFrom(SerializeType.JSON, SerializeType.ROCKETMQ)
  .chain((serializeType) => commandFor(serializeType).map((command) => ({ command, serializeType })));

/** The command as the other side reads it, after the documented normalisations (docs/codec.md). */
export function expectedAfterWire(command: RemotingCommand, serializeType: SerializeType) {
  const binary = serializeType === SerializeType.ROCKETMQ;
  let remark = command.remark === null ? null : javaText(command.remark);
  if (binary && remark === '') remark = null;
  let ext: Array<[string, string]> | null = command.extFields === null ? null : [...command.extFields].map(([k, v]) => [javaText(k), javaText(v)]);
  if (binary && ext !== null && ext.length === 0) ext = null;
  const body = command.body === null || command.body.length === 0 ? null : Buffer.from(command.body).toString('hex');
  return {
    code: command.code,
    language: command.language,
    version: command.version,
    opaque: command.opaque,
    flag: command.flag,
    remark,
    ext,
    body,
    serializeType,
  };
}

/** The same view of a decoded command, for deepStrictEqual. Ext entries in wire order. */
export function observed(command: RemotingCommand) {
  return {
    code: command.code,
    language: command.language,
    version: command.version,
    opaque: command.opaque,
    flag: command.flag,
    remark: command.remark,
    ext: command.extFields === null ? null : [...command.extFields],
    body: command.body === null ? null : Buffer.from(command.body).toString('hex'),
    serializeType: command.serializeType,
  };
}
