import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyContract, Implementation } from '../rpc/contract.js';
import type { ApiProvider, ApiProviderOptions, RegisterOptions } from '../rpc/provider.js';
import { ServeError } from './errors.js';

/** One contract and its implementation, as `serveService()` builds it. */
export interface ServiceEntry {
  readonly contract: AnyContract;
  readonly implementation: object;
  readonly options?: RegisterOptions;
}

/**
 * Provider options a module may set (executors, listing, logger, server hooks, access control…):
 * every `ApiProviderOptions` field except where to listen and what to register, which come from
 * the command line. TLS from the command line is added to `serverOptions`.
 */
export type ModuleProviderOptions = Omit<ApiProviderOptions, 'server' | 'host' | 'port' | 'registrations'>;

/**
 * What `rocket-rpc serve MODULE` runs. The module's default export is either this object or a
 * setup function receiving the `ApiProvider` (register services on it; return a function to run
 * after the provider has closed, e.g. to close a database pool).
 */
export interface ServeModuleObject {
  readonly services: readonly ServiceEntry[];
  readonly provider?: ModuleProviderOptions;
  /** Runs after the provider has closed (in-flight calls finished). */
  readonly close?: () => void | Promise<void>;
}

export type ServeSetup = (provider: ApiProvider) => void | (() => void | Promise<void>) | Promise<void | (() => void | Promise<void>)>;

export type ServeModule = ServeModuleObject | ServeSetup;

/** A typed service entry: the implementation is checked against the contract. */
export function serveService<C extends AnyContract>(contract: C, implementation: NoInfer<Implementation<C>>, options?: NoInfer<RegisterOptions<C>>): ServiceEntry {
  return { contract, implementation: implementation as object, options: options as RegisterOptions | undefined };
}

/** Identity, for type checking a module's default export: `export default defineServeModule({...})`. */
export function defineServeModule<M extends ServeModule>(module: M): M {
  return module;
}

/** Imports `specifier` (a file path, relative to `cwd`, or a package name) and checks its default export. */
export async function loadServeModule(specifier: string, cwd = process.cwd()): Promise<ServeModule> {
  const isPath = specifier.startsWith('.') || specifier.startsWith('/') || path.isAbsolute(specifier) || /\.[cm]?js$/.test(specifier);
  const url = isPath ? pathToFileURL(path.resolve(cwd, specifier)).href : specifier;
  let imported: { default?: unknown };
  try {
    imported = (await import(url)) as { default?: unknown };
  } catch (error) {
    throw new ServeError('BAD_MODULE', `cannot import ${specifier}: ${(error as Error).message}`, { cause: error });
  }
  return checkServeModule(imported.default, specifier);
}

/** The default export if it is a setup function or a `{ services }` object; a BAD_MODULE error otherwise. */
export function checkServeModule(value: unknown, specifier: string): ServeModule {
  if (typeof value === 'function') return value as ServeSetup;
  const shape = "its default export must be a function (provider) => {…} or { services: [{ contract, implementation, options? }] }";
  if (value === null || typeof value !== 'object') throw new ServeError('BAD_MODULE', `${specifier}: ${value === undefined ? 'no default export' : `default export is ${typeof value}`}; ${shape}`);
  const services = (value as { services?: unknown }).services;
  if (!Array.isArray(services)) throw new ServeError('BAD_MODULE', `${specifier}: default export has no services array; ${shape}`);
  services.forEach((entry: unknown, i) => {
    const { contract, implementation } = (entry ?? {}) as { contract?: { serviceName?: unknown }; implementation?: unknown };
    if (typeof contract?.serviceName !== 'string' || implementation === null || typeof implementation !== 'object') {
      throw new ServeError('BAD_MODULE', `${specifier}: services[${i}] needs a contract (from defineContract) and an implementation object`);
    }
  });
  const close = (value as { close?: unknown }).close;
  if (close !== undefined && typeof close !== 'function') throw new ServeError('BAD_MODULE', `${specifier}: close must be a function`);
  return value as ServeModuleObject;
}

/** Provider options the module asks for (none for a setup function). */
export function moduleProviderOptions(module: ServeModule): ModuleProviderOptions {
  return typeof module === 'function' ? {} : (module.provider ?? {});
}

/** Registers the module's services on `provider`; returns what to run after the provider closed. */
export async function applyServeModule(module: ServeModule, provider: ApiProvider): Promise<() => Promise<void>> {
  if (typeof module === 'function') {
    const cleanup = await module(provider);
    return async () => {
      if (typeof cleanup === 'function') await cleanup();
    };
  }
  for (const entry of module.services) provider.register(entry.contract, entry.implementation as never, (entry.options ?? {}) as never);
  return async () => {
    await module.close?.();
  };
}
