/**
 * What every system in the engine benchmark sends: the same three ext fields (service, method,
 * trace id, as an RPC layer would put them) and a body of one of three sizes. The server echoes
 * the body back.
 */

export const REQUEST_CODE = 310;

export const EXT_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['service', 'com.example.demo.GreetingService'],
  ['method', 'sayHello(java.lang.String,int)x'],
  ['traceId', '7f3a9c2e4b1d4e8f9a0b1c2d3e4f5a6b'],
];

export const EXT_OBJECT: Readonly<Record<string, string>> = Object.fromEntries(EXT_FIELDS);

export type PayloadName = 'small' | '1k' | '64k';

export const PAYLOAD_NAMES: readonly PayloadName[] = ['small', '1k', '64k'];

const BODY_SIZES: Record<PayloadName, number> = { small: 20, '1k': 1024, '64k': 64 * 1024 };

/** A deterministic body (printable bytes, so a JSON-minded peer would not choke either). */
export function makeBody(name: PayloadName): Buffer {
  const size = BODY_SIZES[name];
  const body = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) body[i] = 0x61 + (i % 26);
  return body;
}

/**
 * The raw baseline has no header: its payload is the ext fields as `key=value;` text followed by
 * the body, so it moves the same information in about the same bytes.
 */
export function makeRawPayload(name: PayloadName): Buffer {
  const ext = EXT_FIELDS.map(([key, value]) => `${key}=${value};`).join('');
  return Buffer.concat([Buffer.from(ext, 'latin1'), makeBody(name)]);
}
