import { createInstance, type Instance } from './instance.js';
import type { ProviderEndpoint, ProviderRecord } from './registration.js';

/** Key layout shared by providers and consumers of a registry. */
export const DEFAULT_REGISTRY_ROOT = '/rocket-rpc/services';

export function encodeProviderRecord(endpoint: ProviderEndpoint): string {
  const record: ProviderRecord = { ...endpoint, registeredAt: new Date().toISOString() };
  return JSON.stringify(record);
}

/**
 * The instance a registry entry describes. The address comes from the entry's name (the part a
 * registry guarantees unique); the JSON value adds weight and metadata. Throws on a value that is
 * not a provider record for that address.
 */
export function decodeProviderRecord(addr: string, value: string): Instance {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`entry ${addr} is not JSON: ${JSON.stringify(value.slice(0, 60))}`);
  }
  if (parsed === null || typeof parsed !== 'object') throw new Error(`entry ${addr} is not a provider record`);
  const record = parsed as Partial<Record<keyof ProviderRecord, unknown>>;
  if (typeof record.host !== 'string' || typeof record.port !== 'number') throw new Error(`entry ${addr} lacks host/port`);
  const weight = typeof record.weight === 'number' ? record.weight : undefined;
  const metadata = isStringRecord(record.metadata) ? record.metadata : undefined;
  const instance = createInstance(record.host, record.port, { weight, metadata });
  if (instance.addr !== addr) throw new Error(`entry ${addr} describes ${instance.addr}`);
  return instance;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return value !== null && typeof value === 'object' && Object.values(value).every((v) => typeof v === 'string');
}
