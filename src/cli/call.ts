import { parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';
import { ApiConsumer, parseMethodSignature, RemoteError, type CallOptions, type GenericService, type MethodDescription } from '../index.js';
import type { CliIo } from './run.js';
import { parseCommandArgs } from './command-args.js';
import { CliUsageError } from './usage-error.js';
import { contractCall, loadContracts } from './contract-file.js';

const USAGE = `usage: rocket-rpc call ADDR SERVICE METHOD [ARGS_JSON] [options]

Calls one method of a provider (rocket-rpc or the article's Java ApiProviderBean) and prints the
result as JSON ("null" for no result).

  ADDR       host:port of the provider
  SERVICE    interface name, e.g. com.uext.remote.rf.service.ServiceHello (with --contract the
             simple name is enough: ServiceHello)
  METHOD     the full Java signature (Method#toString()), or a method name when the provider
             lists its services (rocket-rpc providers do) or --contract declares it
  ARGS_JSON  JSON array of the arguments, default []; e.g. '["a","b"]'

options:
  --contract FILE    a JavaScript module exporting defineContract values (repeatable): SERVICE and
                     METHOD are looked up there, the arguments converted through its types, and the
                     contract's Java signature is sent, so no listing is needed (Java providers)
  --timeout MS       call timeout (default 3000)
  --oneway           send oneway (void methods); prints nothing
  --attach NAME=VAL  string attachment (repeatable), e.g. --attach traceId=abc
  --raw              print the answer body exactly as received
  --json             print {"addr","service","method","elapsedMs","result"} (method: the Java signature)`;

/** \`rocket-rpc call\`. */
export async function callCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(args);
  if (values.help) {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  const [addr, service, methodArg, argsJson = '[]', ...extra] = positionals;
  if (addr === undefined || service === undefined || methodArg === undefined || extra.length > 0) throw new CliUsageError('expected ADDR SERVICE METHOD [ARGS_JSON] (rocket-rpc call --help for usage)');
  const options: CallOptions = { timeoutMs: parseTimeout(values.timeout), attachments: parseAttachments(values.attach ?? []) };
  const argTexts = argumentTexts(argsJson);
  const fromContract = values.contract === undefined ? undefined : await contractCall(await loadContracts(values.contract), service, methodArg, argTexts);
  const consumer = new ApiConsumer({ target: addr });
  try {
    const generic = consumer.generic();
    let call = fromContract;
    if (call === undefined) {
      const signature = methodArg.includes('(') ? checkedSignature(methodArg, service) : await resolveByName(generic, addr, service, methodArg, argTexts.length, options);
      call = { service, signature, argTexts };
    }
    const started = performance.now();
    const body = await generic.invokeJson(call.service, call.signature, call.argTexts, { ...options, oneway: values.oneway === true });
    if (values.json) {
      io.stdout.write(callJson(addr, call.service, call.signature, performance.now() - started, body) + '\n');
      return 0;
    }
    if (values.oneway) return 0;
    io.stdout.write((body === null ? 'null' : values.raw ? body : prettyJson(body)) + '\n');
    return 0;
  } finally {
    await consumer.close();
  }
}

function parseCliArgs(args: string[]) {
  return parseCommandArgs({
      args,
      allowPositionals: true,
      options: {
        timeout: { type: 'string' },
        oneway: { type: 'boolean' },
        attach: { type: 'string', multiple: true },
        raw: { type: 'boolean' },
        contract: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
}

export function parseTimeout(text: string | undefined): number {
  if (text === undefined) return 3000;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new CliUsageError(`--timeout must be a positive number of milliseconds, got ${JSON.stringify(text)}`);
  return value;
}

function parseAttachments(pairs: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliUsageError(`--attach expects NAME=VALUE, got ${JSON.stringify(pair)}`);
    out.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return out;
}

/** Each argument's JSON text, numbers kept exactly as typed (longs beyond 2^53 included). */
export function argumentTexts(argsJson: string): string[] {
  let parsed: unknown;
  try {
    parsed = parseLossless(argsJson);
  } catch (error) {
    throw new CliUsageError(`ARGS_JSON is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new CliUsageError(`ARGS_JSON must be a JSON array of the arguments, e.g. '["a","b"]'`);
  return parsed.map((arg) => stringifyLossless(arg) ?? 'null');
}

/** The `--json` document; the result stays lossless (longs beyond 2^53 as sent). */
function callJson(addr: string, service: string, method: string, elapsedMs: number, body: string | null): string {
  let result: unknown = null;
  if (body !== null) {
    try {
      result = parseLossless(body);
    } catch {
      result = body;
    }
  }
  return stringifyLossless({ addr, service, method, elapsedMs: Math.round(elapsedMs * 1000) / 1000, result }, null, 2) ?? 'null';
}

function prettyJson(body: string): string {
  try {
    return stringifyLossless(parseLossless(body), null, 2) ?? body;
  } catch {
    return body;
  }
}

export function checkedSignature(signature: string, service: string): string {
  const parsed = parseMethodSignature(signature);
  if (parsed === null) throw new CliUsageError(`METHOD is not a Java Method#toString() signature: ${signature}`);
  if (parsed.declaringClass !== service) throw new CliUsageError(`the signature declares ${parsed.declaringClass}, not ${service}`);
  return signature;
}

/** Finds the signature of `name` in the provider's listing; overloads are told apart by argument count. */
export async function resolveByName(generic: GenericService, addr: string, service: string, name: string, argCount: number, options: CallOptions): Promise<string> {
  let methods: MethodDescription[];
  try {
    const listing = await generic.listServices(options);
    const found = listing.services.find((s) => s.name === service);
    if (found === undefined) {
      throw new CliUsageError(`${addr} does not serve ${service}; it serves: ${listing.services.map((s) => s.name).join(' ') || 'nothing'}`);
    }
    methods = found.methods;
  } catch (error) {
    if (error instanceof RemoteError && error.responseCode === 1) {
      throw new CliUsageError(`${addr} does not list its services (a Java provider?): give METHOD as the full Java signature, e.g. 'public abstract java.lang.String ${service}.${name}(java.lang.String)', or the contract with --contract FILE`);
    }
    throw error;
  }
  let candidates = methods.filter((m) => m.name === name || m.key === name);
  if (candidates.length > 1) candidates = candidates.filter((m) => m.parameters.length === argCount);
  if (candidates.length === 1) return candidates[0]!.signature;
  if (candidates.length === 0) {
    const names = [...new Set(methods.map((m) => m.name))].join(' ');
    throw new CliUsageError(`${service} has no method ${name} taking ${argCount} argument(s); its methods: ${names}`);
  }
  throw new CliUsageError(`${name} is ambiguous; give the full signature, one of: ${candidates.map((m) => m.signature).join(' | ')}`);
}
