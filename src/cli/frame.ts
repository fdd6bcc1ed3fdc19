import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import {
  checkFrameLength,
  decodeCommand,
  DEFAULT_MAX_FRAME_LENGTH,
  encodeCommand,
  FlagBit,
  RemotingCommand,
  SerializeType,
  serializeTypeName,
} from '../protocol/index.js';
import { ProtocolError } from '../errors.js';
import type { CliIo } from './run.js';
import { parseCommandArgs } from './command-args.js';
import { CliUsageError } from './usage-error.js';

const USAGE = `usage: rocket-rpc frame decode [--hex HEX | --file PATH] [--array]
       rocket-rpc frame encode [--json JSON] [--serialize json|rocketmq]

decode  Reads RocketMQ remoting frames: hex text on stdin, or --hex, or the raw bytes of --file.
        Whitespace in hex is ignored; several frames may follow one another. Prints one JSON
        object per frame, one per line (--array: a single JSON array):
          {"serializeType","code","language","version","opaque","flag","response","oneway",
           "remark","extFields","body","bodyEncoding"}
        extFields keeps the wire order; body is text when it is valid UTF-8 (bodyEncoding "utf8"),
        else base64 (bodyEncoding "base64"); null when there is no body.
encode  The reverse: reads such JSON (stdin, or --json): one object, a JSON array of them, or one
        object per line. Prints each frame as one line of hex. The header type is --serialize,
        else the object's serializeType, else json. Only code is required; response/oneway, when
        present, set or clear their flag bits.

Exit codes: 0 ok, 2 bad input (bad hex or JSON, an invalid frame, a value a header cannot carry).`;

/** `rocket-rpc frame decode|encode`. */
export async function frameCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs({
      args,
      allowPositionals: true,
      options: {
        hex: { type: 'string' },
        file: { type: 'string' },
        array: { type: 'boolean' },
        json: { type: 'string' },
        serialize: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new CliUsageError(`unexpected argument '${extra[0]}'`);
  try {
    if (action === 'decode') {
      for (const option of ['json', 'serialize'] as const) if (values[option] !== undefined) throw new CliUsageError(`--${option} is an encode option`);
      if (values.hex !== undefined && values.file !== undefined) throw new CliUsageError('give --hex or --file, not both');
      const bytes = values.file !== undefined ? await readFile(values.file) : parseHex(values.hex ?? (await readText(io.stdin)));
      const lines = decodeFrames(bytes).map(commandToJson);
      io.stdout.write(values.array ? `[${lines.join(',\n')}]\n` : lines.map((line) => line + '\n').join(''));
      return 0;
    }
    if (action === 'encode') {
      for (const option of ['hex', 'file', 'array'] as const) if (values[option] !== undefined) throw new CliUsageError(`--${option} is a decode option`);
      const forced = values.serialize === undefined ? undefined : parseSerializeType(values.serialize, '--serialize');
      const inputs = parseJsonValues(values.json ?? (await readText(io.stdin))).flatMap((value) => (Array.isArray(value) ? value : [value]));
      if (inputs.length === 0) throw new CliUsageError('no command in the input');
      const frames = inputs.map((input, i) => {
        const { command, serializeType } = commandFromJson(input, inputs.length > 1 ? `command ${i + 1}: ` : '');
        return encodeCommand(command, forced ?? serializeType).toString('hex');
      });
      io.stdout.write(frames.map((hex) => hex + '\n').join(''));
      return 0;
    }
  } catch (error) {
    if (error instanceof ProtocolError) throw new CliUsageError(`${error.reason}: ${error.message}`);
    throw error;
  }
  throw new CliUsageError(action === undefined ? 'expected decode or encode (rocket-rpc frame --help for usage)' : `unknown action '${action}' (expected decode or encode)`);
}

async function readText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function parseHex(text: string): Buffer {
  const hex = text.replace(/\s+/g, '');
  const bad = /[^0-9a-fA-F]/.exec(hex);
  if (bad !== null) throw new CliUsageError(`bad hex: unexpected ${JSON.stringify(bad[0])}`);
  if (hex.length % 2 !== 0) throw new CliUsageError('bad hex: odd number of digits');
  return Buffer.from(hex, 'hex');
}

/** Splits `bytes` into frames and decodes each; errors say which frame and where it starts. */
function decodeFrames(bytes: Buffer): RemotingCommand[] {
  if (bytes.length === 0) throw new CliUsageError('no frame in the input');
  const commands: RemotingCommand[] = [];
  for (let at = 0; at < bytes.length; ) {
    const where = `frame ${commands.length + 1} (byte ${at})`;
    try {
      if (bytes.length - at < 4) throw new CliUsageError(`${where}: ${bytes.length - at} bytes left, too few for a length field`);
      const length = checkFrameLength(bytes.readInt32BE(at), DEFAULT_MAX_FRAME_LENGTH);
      if (bytes.length - at - 4 < length) throw new CliUsageError(`${where}: truncated, its length field says ${length + 4} bytes but ${bytes.length - at} are left`);
      commands.push(decodeCommand(bytes.subarray(at, at + 4 + length)));
      at += 4 + length;
    } catch (error) {
      if (error instanceof ProtocolError) throw new CliUsageError(`${where}: ${error.reason}: ${error.message}`);
      throw error;
    }
  }
  return commands;
}

/** One command as a line of JSON, keys in a fixed order and ext fields in wire order. */
function commandToJson(command: RemotingCommand): string {
  const body = command.body;
  const text = body !== null && isUtf8(body);
  const ext = command.extFields === null ? 'null' : `{${[...command.extFields].map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`;
  const fields: Array<[string, string]> = [
    ['serializeType', JSON.stringify(serializeTypeName(command.serializeType))],
    ['code', String(command.code)],
    ['language', JSON.stringify(command.language)],
    ['version', String(command.version)],
    ['opaque', String(command.opaque)],
    ['flag', String(command.flag)],
    ['response', String(command.isResponse())],
    ['oneway', String(command.isOneway())],
    ['remark', JSON.stringify(command.remark)],
    ['extFields', ext],
    ['body', body === null ? 'null' : JSON.stringify(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString(text ? 'utf8' : 'base64'))],
    ['bodyEncoding', body === null ? 'null' : text ? '"utf8"' : '"base64"'],
  ];
  return `{${fields.map(([key, value]) => `"${key}":${value}`).join(',')}}`;
}

// ---- encode input ----

/** JSON values, objects as Maps so that ext fields keep the order they were written in. */
type Json = null | boolean | number | string | Json[] | Map<string, Json>;

const KNOWN = new Set(['serializeType', 'code', 'language', 'version', 'opaque', 'flag', 'response', 'oneway', 'remark', 'extFields', 'body', 'bodyEncoding']);

function commandFromJson(input: Json, where: string): { command: RemotingCommand; serializeType: SerializeType | undefined } {
  if (!(input instanceof Map)) throw new CliUsageError(`${where}expected a JSON object`);
  for (const key of input.keys()) if (!KNOWN.has(key)) throw new CliUsageError(`${where}unknown property '${key}'`);
  const bad = (name: string, what: string): never => {
    throw new CliUsageError(`${where}${name} must be ${what}`);
  };
  const int = (name: string, fallback?: number): number => {
    const value = input.get(name);
    if (value === undefined && fallback !== undefined) return fallback;
    return typeof value === 'number' && Number.isInteger(value) ? value : bad(name, 'an integer');
  };
  const text = (name: string, what: string): string | null => {
    const value = input.get(name);
    if (value === undefined || value === null) return null;
    return typeof value === 'string' ? value : bad(name, what);
  };

  let flag = int('flag', 0);
  for (const [name, bit] of [['response', FlagBit.RESPONSE], ['oneway', FlagBit.ONEWAY]] as const) {
    const set = input.get(name);
    if (set === true) flag |= bit;
    else if (set === false) flag &= ~bit;
    else if (set !== undefined && set !== null) bad(name, 'true or false');
  }
  const ext = input.get('extFields');
  let extFields: Map<string, string> | null = null;
  if (ext instanceof Map) {
    extFields = new Map();
    for (const [key, value] of ext) extFields.set(key, typeof value === 'string' ? value : bad(`extFields[${JSON.stringify(key)}]`, 'a string'));
  } else if (ext !== undefined && ext !== null) {
    bad('extFields', 'an object of strings');
  }
  const language = input.get('language');
  const command = new RemotingCommand({
    code: int('code'),
    language: language === undefined ? 'JAVA' : (text('language', 'a language name or null') ?? null),
    version: int('version', 0),
    opaque: int('opaque', 0),
    flag,
    remark: text('remark', 'a string or null'),
    extFields,
    body: parseBody(text('body', 'a string or null'), text('bodyEncoding', '"utf8" or "base64"'), where),
  });
  const serializeType = text('serializeType', '"JSON" or "ROCKETMQ"');
  return { command, serializeType: serializeType === null ? undefined : parseSerializeType(serializeType, `${where}serializeType`) };
}

function parseSerializeType(name: string, what: string): SerializeType {
  const upper = name.toUpperCase();
  if (upper === 'JSON') return SerializeType.JSON;
  if (upper === 'ROCKETMQ') return SerializeType.ROCKETMQ;
  throw new CliUsageError(`${what} must be json or rocketmq, not '${name}'`);
}

function parseBody(body: string | null, encoding: string | null, where: string): Buffer | null {
  if (body === null) return null;
  if (encoding === null || encoding === 'utf8') return Buffer.from(body, 'utf8');
  if (encoding === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) throw new CliUsageError(`${where}body is not base64`);
    return Buffer.from(body, 'base64');
  }
  throw new CliUsageError(`${where}bodyEncoding must be "utf8" or "base64"`);
}

/*
 * A small JSON reader for the encode input: JSON.parse would move integer-like ext keys ("1", "2")
 * in front of the others, and the point of this tool is to reproduce frames byte for byte.
 * Tokens are matched by one sticky regex; strings and numbers are then read by JSON.parse.
 */
const TOKEN = /(?:([{}[\],:])|("(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null))/y; // eslint-disable-line no-control-regex -- control characters are not allowed raw in JSON strings
const MAX_DEPTH = 256;

/** Every JSON value in `text`, one after another (one value, or one per line). */
function parseJsonValues(text: string): Json[] {
  const tokens: string[] = [];
  const starts: number[] = [];
  let at = 0;
  for (;;) {
    at = skipSpace(text, at);
    if (at >= text.length) break;
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    if (match === null) throw new CliUsageError(`bad JSON at character ${at}`);
    starts.push(at);
    tokens.push(match[1] ?? match[2] ?? match[3] ?? match[4]!);
    at = TOKEN.lastIndex;
  }
  let next = 0;
  /** A syntax error at token `index` (by default the one just read). */
  const fail = (index = next - 1): never => {
    throw new CliUsageError(index < tokens.length ? `bad JSON at character ${starts[index]}` : 'bad JSON: unexpected end');
  };
  const value = (depth: number): Json => {
    if (depth > MAX_DEPTH) fail(next);
    const token = tokens[next];
    if (token === undefined) return fail(next);
    next++;
    if (token === '{') {
      const object = new Map<string, Json>();
      if (tokens[next] === '}') {
        next++;
        return object;
      }
      for (;;) {
        const key = tokens[next++];
        if (key === undefined || !key.startsWith('"')) return fail();
        if (tokens[next++] !== ':') return fail();
        object.set(JSON.parse(key) as string, value(depth + 1));
        const separator = tokens[next++];
        if (separator === '}') return object;
        if (separator !== ',') return fail();
      }
    }
    if (token === '[') {
      const array: Json[] = [];
      if (tokens[next] === ']') {
        next++;
        return array;
      }
      for (;;) {
        array.push(value(depth + 1));
        const separator = tokens[next++];
        if (separator === ']') return array;
        if (separator !== ',') return fail();
      }
    }
    if (token.length === 1 && '}],:'.includes(token)) return fail();
    return JSON.parse(token) as Json;
  };
  const values: Json[] = [];
  while (next < tokens.length) values.push(value(0));
  return values;
}

function skipSpace(text: string, at: number): number {
  for (;;) {
    const c = text.charCodeAt(at);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return at;
    at++;
  }
}
