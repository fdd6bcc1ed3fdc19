import { ApiConsumer, RemoteError, type ServiceListing } from '../index.js';
import { parseTimeout } from './call.js';
import type { CliIo } from './run.js';
import { parseCommandArgs } from './command-args.js';
import { CliUsageError } from './usage-error.js';

const USAGE = `usage: rocket-rpc ls ADDR [--json] [--timeout MS]

Lists the services of a rocket-rpc provider: each method with its Java signature (what
'rocket-rpc call' and Java consumers send), parameter and result types, and the POJO types used.`;

/** \`rocket-rpc ls\`. */
export async function lsCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new CliUsageError(`expected ADDR\n${USAGE}`);
  const addr = positionals[0]!;
  const consumer = new ApiConsumer({ target: addr });
  try {
    let listing: ServiceListing;
    try {
      listing = await consumer.generic().listServices({ timeoutMs: parseTimeout(values.timeout) });
    } catch (error) {
      if (error instanceof RemoteError && error.responseCode === 1) {
        io.stderr.write(`rocket-rpc ls: ${addr} does not list its services (a Java provider, or listing disabled): ${error.detail ?? ''}\n`);
        return 1;
      }
      throw error;
    }
    io.stdout.write(values.json ? JSON.stringify(listing, null, 2) + '\n' : formatListing(listing));
    return 0;
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
