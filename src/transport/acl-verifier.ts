/**
 * The server side of RocketMQ ACL 1.0 (docs/protocol.md §9): checks the `AccessKey` / `Signature` ext
 * fields Java's `AclClientRPCHook` (and our `AclClientRpcHook`) add to every request, and each
 * account's allow-list of request codes. Give it to a server (`new RemotingServer({ acl })`); the
 * engine asks it about every request before any hook or processor runs, and answers a denied one
 * with NO_PERMISSION (16). Service and method allow-lists are the RPC layer's: `ApiProvider` asks
 * the `AclCaller` the engine puts in the request context.
 */
import { createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RemotingCommand } from '../protocol/command.js';
import { RemotingError } from '../errors.js';
import { aclSignature, CLIENT_UNSIGNED_FIELDS } from './acl-hook.js';
import { defaultLogger } from './logger.js';
import type { Logger } from './processor.js';

/** Methods of one service an account may call: `'*'`, or contract keys / Java names / `Method#toString()`s. */
export type MethodAllowList = '*' | readonly string[];
/** Services an account may call: `'*'`, or interface name → its methods. */
export type ServiceAllowList = '*' | { readonly [interfaceName: string]: MethodAllowList };

export interface AclAccount {
  readonly accessKey: string;
  readonly secretKey: string;
  /** Request codes this account may send (engine level). Default `'*'`: every code. */
  readonly codes?: '*' | readonly number[];
  /** Services and methods this account may call (checked by `ApiProvider`). Default `'*'`. */
  readonly services?: ServiceAllowList;
}

export interface AclVerifierOptions {
  readonly accounts: readonly AclAccount[];
  /**
   * Request codes served without a signature. Default `[9000]`, the health probe's code, so load
   * balancers and `ServiceCluster` probes work without credentials. `[]` demands a signature on
   * every request.
   */
  readonly exemptCodes?: readonly number[];
  /** Where denials are reported (one debug line each, a warning at most every 10 s). */
  readonly logger?: Logger;
}

/** Why a request was refused. Stable strings, for counts and logs. */
export type AclDenialReason = 'NOT_SIGNED' | 'UNKNOWN_ACCESS_KEY' | 'BAD_SIGNATURE' | 'CODE_NOT_ALLOWED' | 'SERVICE_NOT_ALLOWED';

export type AclVerdict =
  | { readonly allowed: true; readonly caller: AclCaller | null }
  | { readonly allowed: false; readonly reason: AclDenialReason; readonly remark: string };

export interface AclCounts {
  /** Requests whose signature checked out and whose code was allowed. */
  readonly verified: number;
  /** Requests with an exempt code, served without a check. */
  readonly exempt: number;
  /** Refused requests, by reason (oneway ones included: they are counted, never answered). */
  readonly denied: Readonly<Record<AclDenialReason, number>>;
}

/** The health probe's request code (`src/health/probe.ts`; transport cannot import upwards). */
const HEALTH_PROBE_CODE = 9000;
/** The 4.9.x broker leaves `_UNIQUE_KEY_QUERY` out of the content it checks (docs/protocol.md §9). */
const BROKER_UNSIGNED_FIELDS: ReadonlySet<string> = new Set(['Signature', '_UNIQUE_KEY_QUERY']);
/** Signs for unknown access keys, so a wrong key costs the same time as a wrong signature. */
const DECOY_KEY = createSecretKey(Buffer.from('rocket-rpc: no such account', 'utf8'));
const WARN_INTERVAL_MS = 10_000;

/**
 * The remarks of NO_PERMISSION answers. An unknown access key and a wrong signature get the same
 * text, so a caller cannot probe which access keys exist; the server's debug log tells them apart.
 */
export const AclRemark = {
  NOT_SIGNED: '[NO_PERMISSION] request not signed: the AccessKey and Signature ext fields are required (ACL 1.0, AclClientRPCHook)',
  SIGNATURE_FAILED: '[NO_PERMISSION] signature check failed: unknown AccessKey or wrong Signature',
  codeNotAllowed: (accessKey: string, code: number): string => `[NO_PERMISSION] AccessKey ${accessKey} may not send request code ${code}`,
  serviceNotAllowed: (accessKey: string, service: string, method?: string): string =>
    `[NO_PERMISSION] AccessKey ${accessKey} may not call ${service}${method === undefined ? '' : `.${method}`}`,
} as const;

/**
 * Who sent a request that passed the check: processors read it from `context.caller` (null when
 * the server has no verifier or the code is exempt).
 */
export class AclCaller {
  /** interface name → allowed method names (null: all); null for `'*'`. */
  readonly #services: ReadonlyMap<string, ReadonlySet<string> | null> | null;

  constructor(
    readonly accessKey: string,
    services: ServiceAllowList,
  ) {
    this.#services = services === '*' ? null : new Map(Object.entries(services).map(([name, methods]) => [name, methods === '*' ? null : new Set(methods)]));
  }

  /** Whether this caller may call `service`; with method names, one of them must be allowed. */
  mayCall(service: string, ...methodNames: readonly string[]): boolean {
    if (this.#services === null) return true;
    if (!this.#services.has(service)) return false;
    const methods = this.#services.get(service)!;
    if (methods === null || methodNames.length === 0) return true;
    return methodNames.some((name) => methods.has(name));
  }

  /** True when some, not all, services are allowed (a listing must then be filtered). */
  get restricted(): boolean {
    return this.#services !== null;
  }
}

interface AccountEntry {
  /** The secret key (a KeyObject: made once, and never printed by `inspect`). */
  readonly key: KeyObject;
  /** null: every code. */
  readonly codes: ReadonlySet<number> | null;
  readonly caller: AclCaller;
}

/**
 * Verifies ACL 1.0 signatures against a fixed set of accounts. Signatures are compared in
 * constant time; secret keys stay inside (never in remarks, logs, errors, `inspect` or JSON).
 */
export class AclVerifier {
  readonly #accounts = new Map<string, AccountEntry>();
  readonly #exempt: ReadonlySet<number>;
  readonly #logger: Logger;
  #verified = 0;
  #exemptCount = 0;
  readonly #denied: Record<AclDenialReason, number> = { NOT_SIGNED: 0, UNKNOWN_ACCESS_KEY: 0, BAD_SIGNATURE: 0, CODE_NOT_ALLOWED: 0, SERVICE_NOT_ALLOWED: 0 };
  #deniedSinceWarning = 0;
  #lastWarning = -Infinity;

  constructor(options: AclVerifierOptions) {
    for (const [index, account] of options.accounts.entries()) {
      const { accessKey, secretKey } = account;
      // Messages name the account by position, never by its secret.
      if (typeof accessKey !== 'string' || accessKey === '') throw invalid(`account ${index}: accessKey must be a non-empty string`);
      if (typeof secretKey !== 'string' || secretKey === '') throw invalid(`account ${index} (${accessKey}): secretKey must be a non-empty string`);
      if (this.#accounts.has(accessKey)) throw invalid(`account ${index}: accessKey ${accessKey} appears twice`);
      this.#accounts.set(accessKey, {
        key: createSecretKey(Buffer.from(secretKey, 'utf8')),
        codes: checkCodes(account.codes ?? '*', `account ${index} (${accessKey}): codes`),
        caller: new AclCaller(accessKey, checkServices(account.services ?? '*', `account ${index} (${accessKey}): services`)),
      });
    }
    this.#exempt = checkCodes(options.exemptCodes ?? [HEALTH_PROBE_CODE], 'exemptCodes') ?? new Set();
    this.#logger = options.logger ?? defaultLogger;
  }

  /** Codes served without a signature. */
  get exemptCodes(): readonly number[] {
    return [...this.#exempt];
  }

  get counts(): AclCounts {
    return { verified: this.#verified, exempt: this.#exemptCount, denied: { ...this.#denied } };
  }

  /**
   * Checks one request: exempt code, or a valid signature of a known account allowed to send this
   * code. Accepts the content both as the broker computes it (without `_UNIQUE_KEY_QUERY`) and as
   * the client hooks do (with it), so every signer Java ships is accepted.
   */
  verify(request: RemotingCommand, remoteAddress: string): AclVerdict {
    if (this.#exempt.has(request.code)) {
      this.#exemptCount++;
      return { allowed: true, caller: null };
    }
    const ext = request.extFields;
    const accessKey = ext?.get('AccessKey');
    const signature = ext?.get('Signature');
    if (ext == null || accessKey === undefined || signature === undefined) return this.deny('NOT_SIGNED', AclRemark.NOT_SIGNED, request, remoteAddress, undefined);
    const account = this.#accounts.get(accessKey);
    const key = account?.key ?? DECOY_KEY;
    let good = signatureMatches(signature, aclSignature(ext, request.body, key, BROKER_UNSIGNED_FIELDS));
    if (!good && ext.has('_UNIQUE_KEY_QUERY')) good = signatureMatches(signature, aclSignature(ext, request.body, key, CLIENT_UNSIGNED_FIELDS));
    if (account === undefined) return this.deny('UNKNOWN_ACCESS_KEY', AclRemark.SIGNATURE_FAILED, request, remoteAddress, accessKey);
    if (!good) return this.deny('BAD_SIGNATURE', AclRemark.SIGNATURE_FAILED, request, remoteAddress, accessKey);
    if (account.codes !== null && !account.codes.has(request.code)) {
      return this.deny('CODE_NOT_ALLOWED', AclRemark.codeNotAllowed(accessKey, request.code), request, remoteAddress, accessKey);
    }
    this.#verified++;
    return { allowed: true, caller: account.caller };
  }

  /**
   * Records that an authenticated caller was refused a service or method (the RPC layer's check)
   * and returns the remark to answer with.
   */
  denyService(caller: AclCaller, service: string, method: string | undefined, request: RemotingCommand, remoteAddress: string): string {
    const verdict = this.deny('SERVICE_NOT_ALLOWED', AclRemark.serviceNotAllowed(caller.accessKey, service, method), request, remoteAddress, caller.accessKey);
    return verdict.remark;
  }

  toJSON(): { accounts: string[]; exemptCodes: number[] } {
    return { accounts: [...this.#accounts.keys()], exemptCodes: [...this.#exempt] };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AclVerifier { accounts: ${this.#accounts.size}, exemptCodes: [${[...this.#exempt].join(', ')}] }`;
  }

  private deny(reason: AclDenialReason, remark: string, request: RemotingCommand, remoteAddress: string, accessKey: string | undefined): AclVerdict & { allowed: false } {
    this.#denied[reason]++;
    this.#deniedSinceWarning++;
    // The access key comes from the peer: quoted and cut, so it can neither forge log lines nor flood them.
    const who = accessKey === undefined ? 'no AccessKey' : `AccessKey ${JSON.stringify(accessKey.slice(0, 64))}`;
    const what = `${reason}: request code ${request.code}${request.isOneway() ? ' (oneway, not answered)' : ''} from ${remoteAddress}, ${who}`;
    this.#logger.debug(`ACL denied ${what}`);
    const now = performance.now();
    if (now - this.#lastWarning >= WARN_INTERVAL_MS) {
      this.#logger.warn(`ACL denied ${this.#deniedSinceWarning} request(s) since the last report; latest ${what}`);
      this.#deniedSinceWarning = 0;
      this.#lastWarning = now;
    }
    return { allowed: false, reason, remark };
  }
}

/** Constant-time comparison of two Base64 signatures (the length of a signature is no secret). */
function signatureMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function invalid(message: string): RemotingError {
  return new RemotingError('INVALID_ARGUMENT', `AclVerifier: ${message}`);
}

function checkCodes(codes: '*' | readonly number[], what: string): ReadonlySet<number> | null {
  if (codes === '*') return null;
  if (!Array.isArray(codes)) throw invalid(`${what} must be '*' or an array of request codes`);
  for (const code of codes) {
    if (!Number.isInteger(code)) throw invalid(`${what}: ${String(code)} is not an integer request code`);
  }
  return new Set(codes);
}

function checkServices(services: ServiceAllowList, what: string): ServiceAllowList {
  if (services === '*') return services;
  if (typeof services !== 'object' || services === null || Array.isArray(services)) throw invalid(`${what} must be '*' or an object of interface name → methods`);
  for (const [name, methods] of Object.entries(services)) {
    if (methods === '*') continue;
    if (!Array.isArray(methods) || !methods.every((method) => typeof method === 'string')) throw invalid(`${what}.${name} must be '*' or an array of method names`);
  }
  return services;
}
