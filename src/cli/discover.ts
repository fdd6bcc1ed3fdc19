import { DnsSource, type DnsRecordType } from '../discovery/dns.js';
import type { DiscoveryError } from '../discovery/errors.js';
import { HttpListSource } from '../discovery/http-list.js';
import type { Instance } from '../discovery/instance.js';
import type { DiscoverySource } from '../discovery/source.js';
import { StaticSource } from '../discovery/static.js';
import { probeOnce, type ProbeResult } from '../health/probe.js';
import { RemotingClient } from '../transport/index.js';
import type { CliIo } from './run.js';
import { parseCommandArgs } from './command-args.js';
import { CliUsageError } from './usage-error.js';

const USAGE = `usage: rocket-rpc discover SOURCE [options]

Prints the instances a discovery source lists now, each with its health: one probe (request code
9000) over a remoting connection, answered or not within --timeout.

SOURCE:
  http://HOST/PATH?QUERY        the platform's instance list ({"result":[{"dns_ip","state"}],...}); needs --port
  dns:NAME                      A records (or --type AAAA, A+AAAA); needs --port
  dns:_SERVICE._tcp.NAME        SRV records (port and weight from the records)
  etcd://HOST:PORT[,...]/SERVICE        providers registered in etcd (needs the etcd3 package)
  zookeeper://HOST:PORT[,...]/SERVICE   providers registered in ZooKeeper (needs node-zookeeper-client)
  static:ADDR[,ADDR...]         a fixed list (host:port)

options:
  --port N         provider port, for sources that list addresses only (http, dns A/AAAA)
  --type T         DNS record type: A, AAAA, A+AAAA or SRV
  --server ADDR    DNS server to ask (ip or ip:port; repeatable); default the system's
  --snapshot FILE  http: read (and update) the on-disk snapshot of the last good list
  --timeout MS     per request: the listing and each probe (default 3000)
  --no-probe       list only, without health
  --json           one JSON document instead of a table`;

interface Row {
  addr: string;
  health: 'healthy' | 'unhealthy' | 'not probed';
  detail: string;
  latencyMs: number | null;
  weight: number | null;
  metadata: Readonly<Record<string, string>>;
}

/** `rocket-rpc discover`. */
export async function discoverCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs({
      args,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        type: { type: 'string' },
        server: { type: 'string', multiple: true },
        snapshot: { type: 'string' },
        timeout: { type: 'string' },
        'no-probe': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new CliUsageError(`expected one SOURCE (rocket-rpc discover --help for usage)`);
  const timeoutMs = positiveNumber(values.timeout ?? '3000', '--timeout');
  const source = await createSource(positionals[0] as string, {
    port: values.port === undefined ? undefined : positiveNumber(values.port, '--port'),
    type: values.type,
    servers: values.server,
    snapshot: values.snapshot,
    timeoutMs,
  });
  const errors: DiscoveryError[] = [];
  source.onError((error) => errors.push(error));
  let instances: readonly Instance[];
  try {
    await source.start();
    instances = source.current().instances;
  } finally {
    await source.close();
  }
  for (const error of errors) io.stderr.write(`rocket-rpc discover: [${error.reason}] ${error.message}${error.kept > 0 ? ` (kept ${error.kept} known)` : ''}\n`);
  if (instances.length === 0 && errors.length > 0) return 1;

  const results = values['no-probe'] === true ? undefined : await probeAll(instances, timeoutMs);
  const rows: Row[] = instances.map((instance, i) => {
    const result = results?.[i];
    return {
      addr: instance.addr,
      health: result === undefined ? 'not probed' : result.healthy ? 'healthy' : 'unhealthy',
      detail: result === undefined ? '' : describe(result),
      latencyMs: result === undefined ? null : Math.round(result.latencyMs * 10) / 10,
      weight: instance.weight ?? null,
      metadata: instance.metadata ?? {},
    };
  });
  if (values.json === true) {
    io.stdout.write(JSON.stringify({ source: source.name, origin: source.current().origin, instances: rows }, null, 2) + '\n');
  } else {
    io.stdout.write(formatTable(source.name, rows));
  }
  return 0;
}

interface SourceSettings {
  port: number | undefined;
  type: string | undefined;
  servers: string[] | undefined;
  snapshot: string | undefined;
  timeoutMs: number;
}

async function createSource(spec: string, settings: SourceSettings): Promise<DiscoverySource> {
  if (spec.startsWith('http://') || spec.startsWith('https://')) {
    if (settings.port === undefined) throw new CliUsageError('an http source lists IPs only: give the providers’ --port');
    return new HttpListSource({ url: spec, port: settings.port, timeoutMs: settings.timeoutMs, snapshotFile: settings.snapshot });
  }
  if (spec.startsWith('dns:')) {
    const hostname = spec.slice('dns:'.length);
    const type = settings.type?.toUpperCase();
    if (type !== undefined && !['A', 'AAAA', 'A+AAAA', 'SRV'].includes(type)) throw new CliUsageError(`--type must be A, AAAA, A+AAAA or SRV, got ${settings.type}`);
    const isSrv = type === 'SRV' || (type === undefined && hostname.startsWith('_'));
    if (!isSrv && settings.port === undefined) throw new CliUsageError('A/AAAA records carry no port: give the providers’ --port');
    return new DnsSource({ hostname, type: type as DnsRecordType | undefined, port: settings.port, servers: settings.servers, timeoutMs: settings.timeoutMs, tries: 1 });
  }
  if (spec.startsWith('static:')) {
    return new StaticSource(spec.slice('static:'.length).split(',').filter((addr) => addr !== ''));
  }
  const registry = /^(etcd|zookeeper|zk):\/\/([^/]+)\/(.+)$/.exec(spec);
  if (registry !== null) {
    const scheme = registry[1] as string;
    const hosts = registry[2] as string;
    const service = registry[3] as string;
    if (scheme === 'etcd') {
      const { EtcdSource } = await import('../etcd.js');
      return new EtcdSource({ hosts: hosts.split(',').map((host) => (host.includes('://') ? host : `http://${host}`)), service: decodeURIComponent(service), timeoutMs: settings.timeoutMs });
    }
    const { ZooKeeperSource } = await import('../zookeeper.js');
    return new ZooKeeperSource({ connectionString: hosts, service: decodeURIComponent(service), connectTimeoutMs: settings.timeoutMs });
  }
  throw new CliUsageError(`unknown SOURCE '${spec}' (rocket-rpc discover --help lists the sources)`);
}

async function probeAll(instances: readonly Instance[], timeoutMs: number): Promise<ProbeResult[]> {
  const client = new RemotingClient({ connectTimeoutMs: timeoutMs });
  try {
    const results = new Array<ProbeResult>(instances.length);
    let next = 0;
    // At most 32 probes at once: a fleet-sized list must not open thousands of connections together.
    const lanes = Array.from({ length: Math.min(32, instances.length) }, async () => {
      while (next < instances.length) {
        const i = next++;
        results[i] = await probeOnce(client, (instances[i] as Instance).addr, timeoutMs);
      }
    });
    await Promise.all(lanes);
    return results;
  } finally {
    await client.close();
  }
}

function describe(result: ProbeResult): string {
  if (result.error !== undefined) return (result.error as Error & { code?: string }).code ?? result.error.message;
  return result.code === 0 ? 'SUCCESS' : result.code === 3 ? 'answered (no probe processor)' : result.code === 2 ? 'SYSTEM_BUSY' : `code ${result.code}`;
}

function formatTable(name: string, rows: readonly Row[]): string {
  if (rows.length === 0) return `${name}: no instances\n`;
  const header = ['ADDRESS', 'HEALTH', 'DETAIL', 'MS', 'WEIGHT', 'METADATA'];
  const lines = rows.map((row) => [
    row.addr,
    row.health,
    row.detail,
    row.latencyMs === null ? '' : String(row.latencyMs),
    row.weight === null ? '' : String(row.weight),
    Object.entries(row.metadata).map(([key, value]) => `${key}=${value}`).join(' '),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => (line[i] as string).length)));
  const render = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd();
  const healthy = rows.filter((row) => row.health === 'healthy').length;
  const probed = rows.some((row) => row.health !== 'not probed');
  return `${name}: ${rows.length} instance${rows.length === 1 ? '' : 's'}${probed ? `, ${healthy} healthy` : ''}\n${[render(header), ...lines.map(render)].join('\n')}\n`;
}

function positiveNumber(text: string, option: string): number {
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new CliUsageError(`${option} must be a positive number, got '${text}'`);
  return value;
}
