import { ApiConsumer, RemoteError, type ServiceListing } from '../index.js';
import { parseTimeout } from './call.js';
import type { CliIo } from './run.js';
import { parseCommandArgs } from './command-args.js';
import { CliUsageError } from './usage-error.js';
import { describeContracts, loadContracts } from './contract-file.js';

const USAGE = `usage: rocket-rpc ls ADDR [--json] [--timeout MS]
       rocket-rpc ls --contract FILE [--json]

Lists the services of a rocket-rpc provider: each method with its Java signature (what
'rocket-rpc call' and Java consumers send), parameter and result types, and the POJO types used.

  --contract FILE  a JavaScript module exporting defineContract values (repeatable). Without ADDR:
                   lists what the contracts send, contacting nothing. With ADDR: lists the provider,
                   then fails (exit 1) if it does not serve every key of the contracts.`;

/** \`rocket-rpc ls\`. */
export async function lsCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, timeout: { type: 'string' }, contract: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
  });
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  const contracts = values.contract === undefined ? undefined : await loadContracts(values.contract);
  if (positionals.length > 1 || (positionals.length === 0 && contracts === undefined)) throw new CliUsageError('expected ADDR or --contract FILE (rocket-rpc ls --help for usage)');
  const addr = positionals[0];
  if (addr === undefined) {
    const listing = describeContracts(contracts!);
    io.stdout.write(values.json ? JSON.stringify(listing, null, 2) + '\n' : formatListing(listing));
    return 0;
  }
  const consumer = new ApiConsumer({ target: addr });
  try {
    let listing: ServiceListing;
    try {
      listing = await consumer.generic().listServices({ timeoutMs: parseTimeout(values.timeout) });
    } catch (error) {
      if (error instanceof RemoteError && error.responseCode === 1) {
        io.stderr.write(`rocket-rpc ls: ${addr} does not list its services (a Java provider, or listing disabled): ${error.detail ?? ''}; 'rocket-rpc ls --contract FILE' lists what a contract sends\n`);
        return 1;
      }
      throw error;
    }
    io.stdout.write(values.json ? JSON.stringify(listing, null, 2) + '\n' : formatListing(listing));
    const missing = contracts === undefined ? [] : notServed(describeContracts(contracts), listing);
    if (missing.length === 0) return 0;
    io.stderr.write(`rocket-rpc ls: ${addr} does not serve ${missing.length} key(s) of the contract: ${missing.join(' | ')}\n`);
    return 1;
  } finally {
    await consumer.close();
  }
}

/** The listing as text: services, methods (readable form, then the Java signature), POJO types. */
export function formatListing(listing: ServiceListing): string {
  let out = '';
  for (const service of listing.services) {
    out += `${service.name}\n`;
    for (const m of service.methods) {
      const flags = [m.oneway ? 'oneway' : '', m.idempotent ? 'idempotent' : ''].filter(Boolean);
      out += `  ${m.result} ${m.name}(${m.parameters.join(', ')})${flags.length > 0 ? `  [${flags.join(', ')}]` : ''}\n`;
      out += `    ${m.signature}\n`;
    }
  }
  const types = Object.entries(listing.types);
  if (types.length > 0) {
    out += 'types:\n';
    for (const [name, shape] of types) {
      out += Array.isArray(shape)
        ? `  enum ${name} { ${shape.join(', ')} }\n`
        : `  ${name} { ${Object.entries(shape).map(([field, type]) => `${field}: ${type}`).join(', ')} }\n`;
    }
  }
  return out === '' ? '(no services)\n' : out;
}

/** The signatures `expected` sends that `served` does not list. */
function notServed(expected: ServiceListing, served: ServiceListing): string[] {
  const keys = new Set(served.services.flatMap((service) => service.methods.map((m) => `${service.name} ${m.signature}`)));
  return expected.services.flatMap((service) => service.methods.filter((m) => !keys.has(`${service.name} ${m.signature}`)).map((m) => m.signature));
}
