import { readFileSync } from 'node:fs';
import type tls from 'node:tls';
import { ResponseCode } from '../protocol/codes.js';
import { CliUsageError } from './usage-error.js';

/** The TLS options `ping` and `bench` share. */
export const CLIENT_TLS_OPTIONS = {
  tls: { type: 'boolean' },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
} as const;

export const CLIENT_TLS_USAGE = `  --tls                 connect with TLS (server verified against the system CAs or --tls-ca)
  --tls-ca FILE         CA bundle to verify the server with (implies --tls)
  --tls-cert FILE       client certificate for mutual TLS (with --tls-key; implies --tls)
  --tls-key FILE        its key`;

/** `RemotingClientOptions.tls` from the TLS flags; undefined for plain TCP. */
export function clientTls(values: { tls?: boolean; 'tls-ca'?: string; 'tls-cert'?: string; 'tls-key'?: string }): tls.ConnectionOptions | undefined {
  const { 'tls-ca': ca, 'tls-cert': cert, 'tls-key': key } = values;
  if ((cert === undefined) !== (key === undefined)) throw new CliUsageError('a client certificate needs both --tls-cert and --tls-key');
  if (values.tls !== true && ca === undefined && cert === undefined) return undefined;
  const read = (file: string, option: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new CliUsageError(`${option}: cannot read ${file}: ${(error as Error).message}`);
    }
  };
  return {
    ...(ca === undefined ? {} : { ca: read(ca, '--tls-ca') }),
    ...(cert === undefined || key === undefined ? {} : { cert: read(cert, '--tls-cert'), key: read(key, '--tls-key') }),
  };
}

/** A positive number of milliseconds (or a bounded integer) from a flag. */
export function positiveMs(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new CliUsageError(`${option} must be a positive number, got ${JSON.stringify(text)}`);
  return value;
}

export function positiveInteger(text: string | undefined, option: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new CliUsageError(`${option} must be an integer from 1 to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

const codeNames = new Map<number, string>(Object.entries(ResponseCode).map(([name, code]) => [code, name]));

/** `SUCCESS`, `SYSTEM_BUSY`… or `code N` for codes the remoting layer does not name. */
export function responseCodeName(code: number): string {
  return codeNames.get(code) ?? `code ${code}`;
}

/** Milliseconds with a precision that suits their size. */
export function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}
