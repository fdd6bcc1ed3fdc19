import { isIP } from 'node:net';

/**
 * The deployment platform's instance list, one page of it:
 *
 *   {"num":2,"result":[{"dns_ip":"10.0.0.1","state":"working_online"},...],"start":0,"total":2}
 *
 * `total` counts every instance of the application, `start`/`num` select a page. Pure parsing: no
 * I/O here, so every malformed shape is testable without a server.
 */
export interface PlatformEntry {
  readonly ip: string;
  readonly state: string;
}

export interface PlatformPage {
  readonly total: number;
  readonly start: number;
  readonly entries: readonly PlatformEntry[];
}

/** The only state that takes traffic; others (offline, pre-online, deleting...) are left out. */
export const ONLINE_STATE = 'working_online';

export class PlatformFormatError extends Error {}

export function parsePlatformPage(text: string, requestedStart: number): PlatformPage {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new PlatformFormatError(`not JSON (${(error as Error).message}): ${preview(text)}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new PlatformFormatError(`expected an object, got ${preview(text)}`);
  const record = body as Record<string, unknown>;
  const result = record.result;
  if (!Array.isArray(result)) throw new PlatformFormatError(`"result" is not an array: ${preview(text)}`);
  const total = record.total === undefined ? requestedStart + result.length : record.total;
  if (!isCount(total)) throw new PlatformFormatError(`"total" is not a non-negative integer: ${JSON.stringify(record.total)}`);
  const start = record.start === undefined ? requestedStart : record.start;
  if (!isCount(start)) throw new PlatformFormatError(`"start" is not a non-negative integer: ${JSON.stringify(record.start)}`);
  const entries = result.map((item: unknown, index): PlatformEntry => {
    if (item === null || typeof item !== 'object') throw new PlatformFormatError(`result[${index}] is not an object`);
    const { dns_ip: ip, state } = item as Record<string, unknown>;
    if (typeof ip !== 'string' || isIP(ip) === 0) throw new PlatformFormatError(`result[${index}].dns_ip is not an IP address: ${JSON.stringify(ip)}`);
    if (typeof state !== 'string') throw new PlatformFormatError(`result[${index}].state is not a string: ${JSON.stringify(state)}`);
    return { ip, state };
  });
  return { total, start, entries };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? text.slice(0, 80) + '…' : text);
}
