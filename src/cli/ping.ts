import { setTimeout as sleep } from 'node:timers/promises';
import { probeOnce, HEALTH_PROBE_REQUEST_CODE, type ProbeResult } from '../health/probe.js';
import { RemotingClient } from '../transport/remoting-client.js';
import type { CliIo } from './run.js';
import { parseCommandArgs, singleAddress } from './command-args.js';
import { CLIENT_TLS_OPTIONS, CLIENT_TLS_USAGE, clientTls, formatMs, positiveInteger, positiveMs, responseCodeName } from './client-options.js';

const USAGE = `usage: rocket-rpc ping ADDR [options]

Sends health probes (request code ${HEALTH_PROBE_REQUEST_CODE}, no body) over one remoting connection and prints
each round trip, then min/avg/max. A rocket-rpc provider answers SUCCESS (SYSTEM_BUSY while it
drains before closing); a remoting server without the probe responder, such as a Java provider,
answers REQUEST_CODE_NOT_SUPPORTED, which still proves it serves. SUCCESS and
REQUEST_CODE_NOT_SUPPORTED count as healthy.

options:
  -c, --count N         stop after N probes (default: until interrupted)
  -i, --interval MS     between probes (default 1000)
  -W, --timeout MS      wait for each answer this long, connecting included (default 1000)
  --json                one JSON document at the end instead of the lines
${CLIENT_TLS_USAGE}

Exit codes: 0 when at least one probe was answered healthy, 1 when none was, 2 on usage errors.`;

interface ProbeLine {
  seq: number;
  healthy: boolean;
  code: number | null;
  status: string;
  latencyMs: number;
}

/** `rocket-rpc ping`. */
export async function pingCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args,
    allowPositionals: true,
    options: {
      count: { type: 'string', short: 'c' },
      interval: { type: 'string', short: 'i' },
      timeout: { type: 'string', short: 'W' },
      json: { type: 'boolean' },
      ...CLIENT_TLS_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  const addr = singleAddress(positionals, USAGE);
  const count = values.count === undefined ? Infinity : positiveInteger(values.count, '--count', 1);
  const intervalMs = positiveMs(values.interval, '--interval', 1000);
  const timeoutMs = positiveMs(values.timeout, '--timeout', 1000);
  const json = values.json === true;
  const tls = clientTls(values);

  // Ctrl-C ends the run early and still prints the summary, as ping does.
  const interrupted = new AbortController();
  const onSignal = (): void => interrupted.abort();
  process.on('SIGINT', onSignal);
  const client = new RemotingClient({ connectTimeoutMs: timeoutMs, ...(tls === undefined ? {} : { tls }) });
  const lines: ProbeLine[] = [];
  try {
    if (!json) io.stdout.write(`PING ${addr} (health probe, request code ${HEALTH_PROBE_REQUEST_CODE})\n`);
    for (let seq = 1; seq <= count && !interrupted.signal.aborted; seq++) {
      const result = await probeOnce(client, addr, timeoutMs, interrupted.signal);
      if (interrupted.signal.aborted && result.code === undefined) break;
      const line = toLine(seq, result);
      lines.push(line);
      if (!json) io.stdout.write(formatLine(addr, line, timeoutMs) + '\n');
      if (seq < count) await sleep(intervalMs, undefined, { signal: interrupted.signal }).catch(() => undefined);
    }
  } finally {
    process.off('SIGINT', onSignal);
    await client.close();
  }
  const answered = lines.filter((line) => line.code !== null);
  const latencies = answered.map((line) => line.latencyMs);
  const healthy = lines.filter((line) => line.healthy).length;
  const rtt = latencies.length === 0 ? null : { min: Math.min(...latencies), avg: latencies.reduce((a, b) => a + b, 0) / latencies.length, max: Math.max(...latencies) };
  if (json) {
    io.stdout.write(JSON.stringify({ addr, sent: lines.length, answered: answered.length, healthy, probes: lines, rttMs: rtt }, null, 2) + '\n');
  } else {
    const lost = lines.length === 0 ? 0 : Math.round(((lines.length - answered.length) / lines.length) * 100);
    io.stdout.write(`--- ${addr} ping statistics ---\n${lines.length} probes sent, ${answered.length} answered, ${healthy} healthy, ${lost}% lost\n`);
    if (rtt !== null) io.stdout.write(`round-trip min/avg/max = ${formatMs(rtt.min)}/${formatMs(rtt.avg)}/${formatMs(rtt.max)} ms\n`);
  }
  return healthy > 0 ? 0 : 1;
}

function toLine(seq: number, result: ProbeResult): ProbeLine {
  const latencyMs = Math.round(result.latencyMs * 1000) / 1000;
  if (result.code === undefined) {
    const error = result.error as (Error & { code?: string }) | undefined;
    return { seq, healthy: false, code: null, status: error?.code ?? error?.message ?? 'FAILED', latencyMs };
  }
  return { seq, healthy: result.healthy, code: result.code, status: responseCodeName(result.code), latencyMs };
}

function formatLine(addr: string, line: ProbeLine, timeoutMs: number): string {
  if (line.code === null) return `no reply from ${addr}: seq=${line.seq} ${line.status}${line.status === 'TIMEOUT' ? ` after ${timeoutMs} ms` : ''}`;
  const note = line.code === 2 ? ' (draining or overloaded: unhealthy)' : line.code === 3 ? ' (no probe responder: healthy)' : line.healthy ? '' : ' (unhealthy)';
  return `reply from ${addr}: seq=${line.seq} ${line.status}${note} time=${formatMs(line.latencyMs)} ms`;
}
