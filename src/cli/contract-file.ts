import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyContract, ContractMethod } from '../rpc/contract.js';
import { collectNamedTypes, describeMethod, type ServiceListing } from '../rpc/service-listing.js';
import { errorLine } from './failure.js';
import { CliUsageError } from './usage-error.js';

/**
 * `--contract FILE`: contracts read from the user's JavaScript module, so the CLI can send the
 * `Method#toString()` keys a Java provider needs (it cannot list its services) and convert the
 * arguments through the contract's types.
 */

/**
 * The contracts a module exports: every export made by `defineContract`, and those in a default-
 * exported object (a CommonJS `module.exports = { … }`). Recognized by shape rather than
 * `instanceof`, so a module that imports another copy of rocket-rpc (a project's own, next to a
 * globally installed CLI) works too.
 */
export async function loadContracts(files: readonly string[]): Promise<AnyContract[]> {
  const found = new Set<AnyContract>();
  for (const file of files) {
    let exports: Record<string, unknown>;
    try {
      exports = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
    } catch (error) {
      throw new CliUsageError(`--contract ${file}: cannot load it: ${errorLine(error)}`);
    }
    const candidates = Object.values(exports);
    const fallback = exports.default;
    if (typeof fallback === 'object' && fallback !== null && !isContract(fallback)) candidates.push(...Object.values(fallback));
    const contracts = candidates.filter(isContract);
    if (contracts.length === 0) throw new CliUsageError(`--contract ${file} exports no contract (a value made by defineContract)`);
    for (const contract of contracts) found.add(contract);
  }
  return [...found];
}

function isContract(value: unknown): value is AnyContract {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<AnyContract>;
  return typeof candidate.serviceName === 'string' && candidate.methodsByKey instanceof Map && candidate.methodsBySignature instanceof Map;
}

/** The call a contract makes of `SERVICE METHOD ARGS_JSON`: its interface name, key and arguments' JSON. */
export interface ContractCall {
  service: string;
  signature: string;
  argTexts: string[];
}

/**
 * Resolves SERVICE (the full interface name or its simple name) and METHOD (contract key, Java
 * name, or full signature; overloads told apart by argument count) in `contracts`, and converts
 * each argument through its contract type: read as the provider would read it (J.long → bigint,
 * J.Date → Date, POJO fields checked), written back as the typed proxy would send it.
 */
export async function contractCall(contracts: readonly AnyContract[], service: string, methodArg: string, argTexts: readonly string[]): Promise<ContractCall> {
  const contract = findContract(contracts, service);
  const method = findMethod(contract, methodArg, argTexts.length);
  if (method.args.length !== argTexts.length) {
    throw new CliUsageError(`${contract.serviceName}.${method.javaName} takes ${method.args.length} argument(s) (${method.args.map((codec) => codec.description).join(', ')}), ${argTexts.length} given`);
  }
  const converted: string[] = [];
  for (const [i, codec] of method.args.entries()) {
    const text = argTexts[i]!;
    try {
      const value: unknown = await codec.decode(text);
      // A Standard Schema's output may differ from what it accepts (transforms): send what the user wrote.
      converted.push(codec.javaType === undefined ? text : codec.encode(value));
    } catch (error) {
      throw new CliUsageError(`argument ${i} (${codec.description}) of ${contract.serviceName}.${method.javaName}: ${errorLine(error)}`);
    }
  }
  return { service: contract.serviceName, signature: method.signature, argTexts: converted };
}

function findContract(contracts: readonly AnyContract[], service: string): AnyContract {
  const exact = contracts.filter((c) => c.serviceName === service);
  const matches = exact.length > 0 ? exact : contracts.filter((c) => simpleNames(c.serviceName).includes(service));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new CliUsageError(`no contract for ${service}; the contracts are: ${contracts.map((c) => c.serviceName).join(' ')}`);
  throw new CliUsageError(`${service} is ambiguous; give the full interface name, one of: ${matches.map((c) => c.serviceName).join(' ')}`);
}

/** `com.acme.Outer$Svc` answers to `Outer$Svc` and `Svc` (Java's getSimpleName). */
function simpleNames(serviceName: string): string[] {
  const afterDot = serviceName.slice(serviceName.lastIndexOf('.') + 1);
  return [afterDot, afterDot.slice(afterDot.lastIndexOf('$') + 1)];
}

function findMethod(contract: AnyContract, methodArg: string, argCount: number): ContractMethod {
  const methods = [...contract.methodsByKey.values()];
  if (methodArg.includes('(')) {
    const bySignature = contract.methodsBySignature.get(methodArg);
    if (bySignature !== undefined) return bySignature;
    throw new CliUsageError(`the contract of ${contract.serviceName} has no method ${methodArg}; its keys: ${methods.map((m) => m.signature).join(' | ')}`);
  }
  // As without a contract: a key or a Java name, overloads told apart by the number of arguments.
  let candidates = methods.filter((m) => m.key === methodArg || m.javaName === methodArg);
  if (candidates.length > 1) {
    const sameCount = candidates.filter((m) => m.args.length === argCount);
    if (sameCount.length > 0) candidates = sameCount;
  }
  // Still several: a contract key is unique, so it settles it.
  const byKey = candidates.length > 1 ? candidates.find((m) => m.key === methodArg) : undefined;
  if (byKey !== undefined) return byKey;
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) {
    throw new CliUsageError(`the contract of ${contract.serviceName} has no method ${methodArg}; its methods: ${methods.map((m) => m.key).join(' ')}`);
  }
  throw new CliUsageError(
    `${methodArg} is ambiguous in ${contract.serviceName}; give a contract key or the full signature, one of: ${candidates.map((m) => `${m.key} = ${m.signature}`).join(' | ')}`,
  );
}

/** The listing `rocket-rpc ls --contract` prints: what the contracts send, in the provider listing's form. */
export function describeContracts(contracts: readonly AnyContract[]): ServiceListing {
  const types = new Map<string, Record<string, string> | string[]>();
  const services = contracts.map((contract) => ({
    name: contract.serviceName,
    methods: [...contract.methodsByKey.values()].map((method) => {
      for (const codec of [...method.args, method.result]) collectNamedTypes(codec.javaType, types);
      return describeMethod(method);
    }),
  }));
  return { services, types: Object.fromEntries(types) };
}
