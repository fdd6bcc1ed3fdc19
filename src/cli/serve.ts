import { constants } from 'node:os';
import { serveCluster, type RunningCluster } from '../serve/cluster.js';
import { serveProvider, type RunningProvider, type ServeOptions } from '../serve/serve-provider.js';
import type { RegistrySettings } from '../serve/registry.js';
import type { CliIo } from './run.js';
import { parseCommandArgs } from './command-args.js';
import { CliUsageError } from './usage-error.js';

const USAGE = `usage: rocket-rpc serve MODULE [options]

Runs the providers a module defines until SIGTERM or SIGINT. MODULE is a path (or package name)
whose default export is either
  { services: [{ contract, implementation, options? }], provider?: {...}, close?: () => {...} }
or a function (provider) => { provider.register(contract, implementation); return cleanup? }.
Prints one line when serving: the address, the services, the workers.

options:
  --host HOST               listen address (default 0.0.0.0)
  --port PORT               listen port (default 8888; 0 picks a free one)
  --workers N               N worker processes sharing the port (node:cluster); default 1, in this process
  --tls-key FILE            serve TLS with this PEM key …
  --tls-cert FILE           … and certificate
  --tls-ca FILE             CA bundle for client certificates
  --tls-require-client-cert mutual TLS: refuse clients without a certificate signed by --tls-ca
  --etcd URL[,URL…]         register every service in etcd (needs the etcd3 package)
  --zookeeper HOST:PORT[,…][/chroot]  register every service in ZooKeeper (needs node-zookeeper-client)
  --register SERVICE        register only this service (repeatable)
  --advertise HOST          address to register (default the listen host, or the first external IPv4)
  --registry-root PATH      key / path root in the registry
  --metrics-port PORT       Prometheus metrics on this port (worker i of N: PORT+i-1)
  --metrics-host HOST       metrics listen address (default 0.0.0.0)
  --drain-ms MS             on stop, keep serving this long after deregistering (default 0)
  --grace-ms MS             on stop, let in-flight calls finish this long (default 10000)

Stopping: the first SIGTERM/SIGINT drains (health probes answer SYSTEM_BUSY, registry entries are
removed), waits --drain-ms, closes the listener, lets in-flight calls finish (up to --grace-ms) and
exits 0. A second signal exits at once with 128+signal (130 for SIGINT, 143 for SIGTERM).`;

/** `rocket-rpc serve`. */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      workers: { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-ca': { type: 'string' },
      'tls-require-client-cert': { type: 'boolean' },
      etcd: { type: 'string' },
      zookeeper: { type: 'string' },
      register: { type: 'string', multiple: true },
      advertise: { type: 'string' },
      'registry-root': { type: 'string' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
      'drain-ms': { type: 'string' },
      'grace-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new CliUsageError(`expected one MODULE\n${USAGE}`);
  const workers = values.workers === undefined ? 1 : integer(values.workers, '--workers', 1, 1024);
  const tlsKey = values['tls-key'];
  const tlsCert = values['tls-cert'];
  if ((tlsKey === undefined) !== (tlsCert === undefined)) throw new CliUsageError('TLS needs both --tls-key and --tls-cert');
  if (tlsKey === undefined && (values['tls-ca'] !== undefined || values['tls-require-client-cert'] === true)) throw new CliUsageError('--tls-ca and --tls-require-client-cert need --tls-key and --tls-cert');
  if (values['tls-require-client-cert'] === true && values['tls-ca'] === undefined) throw new CliUsageError('--tls-require-client-cert needs --tls-ca');
  const registry: RegistrySettings = {
    ...(values.etcd === undefined ? {} : { etcd: values.etcd.split(',').filter((host) => host !== '').map((host) => (host.includes('://') ? host : `http://${host}`)) }),
    ...(values.zookeeper === undefined ? {} : { zookeeper: values.zookeeper }),
    ...(values.register === undefined ? {} : { services: values.register }),
    ...(values.advertise === undefined ? {} : { advertiseHost: values.advertise }),
    ...(values['registry-root'] === undefined ? {} : { root: values['registry-root'] }),
  };
  if (registry.etcd === undefined && registry.zookeeper === undefined && (values.register ?? values.advertise ?? values['registry-root']) !== undefined) {
    throw new CliUsageError('--register, --advertise and --registry-root need --etcd or --zookeeper');
  }
  const options: ServeOptions = {
    module: positionals[0] as string,
    host: values.host ?? '0.0.0.0',
    port: values.port === undefined ? 8888 : integer(values.port, '--port', 0, 65535),
    ...(tlsKey === undefined || tlsCert === undefined
      ? {}
      : { tls: { key: tlsKey, cert: tlsCert, ...(values['tls-ca'] === undefined ? {} : { ca: values['tls-ca'] }), requireClientCert: values['tls-require-client-cert'] === true } }),
    registry,
    ...(values['metrics-port'] === undefined ? {} : { metrics: { port: integer(values['metrics-port'], '--metrics-port', 1, 65535), host: values['metrics-host'] ?? '0.0.0.0' } }),
    graceMs: values['grace-ms'] === undefined ? 10_000 : integer(values['grace-ms'], '--grace-ms', 0, 86_400_000),
    drainMs: values['drain-ms'] === undefined ? 0 : integer(values['drain-ms'], '--drain-ms', 0, 86_400_000),
  };
  if (values['metrics-host'] !== undefined && options.metrics === undefined) throw new CliUsageError('--metrics-host needs --metrics-port');

  const running: RunningProvider | RunningCluster = workers > 1 ? await serveCluster({ ...options, module: options.module as string, workers }) : await serveProvider(options);
  const extras = [workers > 1 ? `${workers} workers` : `pid ${process.pid}`, options.tls === undefined ? '' : 'tls', running.metricsUrl === undefined ? '' : `metrics ${running.metricsUrl}`].filter(Boolean);
  io.stdout.write(`rocket-rpc serve: serving ${running.services.join(', ') || '(no services)'} on ${running.addr} (${extras.join(', ')})\n`);
  return waitForSignals(running, io);
}

/** Graceful close on the first SIGTERM/SIGINT; a second one exits at once with 128+signal. */
async function waitForSignals(running: RunningProvider | RunningCluster, io: CliIo): Promise<number> {
  let received: NodeJS.Signals | undefined;
  let stopped!: (signal: NodeJS.Signals) => void;
  const first = new Promise<NodeJS.Signals>((resolve) => (stopped = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received === undefined) {
      received = signal;
      stopped(signal);
      return;
    }
    io.stderr.write(`rocket-rpc serve: ${signal} again, exiting without waiting for in-flight calls\n`);
    if ('kill' in running) running.kill();
    process.exit(128 + constants.signals[signal]);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const signal = await first;
    io.stderr.write(`rocket-rpc serve: ${signal}, stopping: draining and finishing in-flight calls (send it again to exit now)\n`);
    await running.close();
    io.stderr.write('rocket-rpc serve: stopped\n');
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function integer(text: string, option: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new CliUsageError(`${option} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}
