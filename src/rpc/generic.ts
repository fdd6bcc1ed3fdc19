import { ProtocolError } from '../errors.js';
import { encodeArgsJsonJson } from './args-json.js';
import { invokeSeed, type CallOptions, type InvocationSettings } from './invocation.js';
import { parsePlainJson, writePlainJson } from './json-value.js';
import { parseMethodSignature } from './method-signature.js';
import { SERVICE_LISTING_INTERFACE, SERVICE_LISTING_METHOD, type ServiceListing } from './service-listing.js';

export interface GenericCallOptions extends CallOptions {
  /** Send oneway (no answer): for `void` methods. Default: a normal request. */
  oneway?: boolean;
  /** The call may be retried on another provider (cluster targets). */
  idempotent?: boolean;
}

/**
 * Calls a service without its contract: interface name, `Method#toString()` and JSON arguments.
 * The basis of `rocket-rpc call` and of gateways. Works against rocket-rpc and Java providers.
 */
export class GenericService {
  constructor(private readonly settings: InvocationSettings) {}

  /**
   * Calls with argument values written as plain JSON (fastjson-like: bigint as digits, Date as
   * epoch ms, bytes as Base64, null object properties left out); resolves with the result as plain
   * values (integers beyond 2^53 as bigint), null for no body.
   */
  async invoke(service: string, signature: string, args: readonly unknown[], options?: GenericCallOptions): Promise<unknown> {
    const texts = args.map((arg) => writePlainJson(arg, { omitNullProperties: true }));
    const body = await this.invokeJson(service, signature, texts, options);
    return body === null ? null : parseBody(body, service);
  }

  /**
   * Calls with each argument given as its JSON text (exactly what goes into `argsJsonJson`);
   * resolves with the response body text (JSON), or null for no body.
   */
  async invokeJson(service: string, signature: string, argsJson: readonly string[], options?: GenericCallOptions): Promise<string | null> {
    const parsed = parseMethodSignature(signature);
    if (parsed === null) throw new TypeError(`not a Java Method#toString() signature: ${JSON.stringify(signature)}`);
    if (parsed.parameterTypes.length !== argsJson.length) {
      throw new TypeError(`${parsed.name} takes ${parsed.parameterTypes.length} arguments, ${argsJson.length} given`);
    }
    for (const text of argsJson) parsePlainJson(text);
    const answer = await invokeSeed(
      this.settings,
      { service, signature, argsJsonJson: encodeArgsJsonJson(argsJson), oneway: options?.oneway === true, idempotent: options?.idempotent === true },
      options,
    );
    return answer.body;
  }

  /** Asks a rocket-rpc provider for its services (a Java provider answers `interface not exists …`). */
  async listServices(options?: CallOptions): Promise<ServiceListing> {
    const answer = await invokeSeed(
      this.settings,
      { service: SERVICE_LISTING_INTERFACE, signature: SERVICE_LISTING_METHOD, argsJsonJson: '[]', oneway: false, idempotent: true },
      options,
    );
    const listing = answer.body === null ? null : parseBody(answer.body, SERVICE_LISTING_INTERFACE);
    if (!isListing(listing)) throw new ProtocolError('BAD_FIELD', `the service listing from ${answer.addr} is not one`, { field: 'body' });
    return listing;
  }
}

function parseBody(body: string, service: string): unknown {
  try {
    return parsePlainJson(body);
  } catch (error) {
    throw new ProtocolError('MALFORMED_JSON', `the answer of ${service} is not JSON: ${(error as Error).message}`, { cause: error, field: 'body' });
  }
}

function isListing(value: unknown): value is ServiceListing {
  if (typeof value !== 'object' || value === null) return false;
  const listing = value as Partial<ServiceListing>;
  return (
    Array.isArray(listing.services) &&
    listing.services.every((service) => typeof service?.name === 'string' && Array.isArray(service.methods)) &&
    typeof listing.types === 'object' &&
    listing.types !== null
  );
}
