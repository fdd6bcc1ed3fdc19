import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { RemotingClient, RemotingCommand, RemotingServer, ResponseCode, silentLogger } from '../../src/index.js';
import { enableOpenTelemetry } from '../../src/otel.js';
import { repoRoot } from '../support/repo-root.js';

const built = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Imports `entry` in a fresh process where every `@opentelemetry/*` import fails; returns what happened. */
function importWithoutOpenTelemetry(entry: string): string {
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier.startsWith('@opentelemetry/')) throw new Error('not installed: ' + specifier);
    return next(specifier, context);
  }`;
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
    try { await import(${JSON.stringify(entry)}); console.log('loaded'); } catch (error) { console.log('failed: ' + error.message); }
  `;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
}

test('the core entry point works without @opentelemetry/api installed; rocket-rpc/otel is the one that needs it', () => {
  assert.equal(importWithoutOpenTelemetry(path.join(built, 'index.js')), 'loaded');
  assert.match(importWithoutOpenTelemetry(path.join(built, 'otel.js')), /^failed: not installed: @opentelemetry\/api/);
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, { default: string }>; peerDependenciesMeta: Record<string, { optional: boolean }> };
  assert.equal(pkg.exports['./otel']?.default, './dist/otel.js');
  assert.equal(pkg.peerDependenciesMeta['@opentelemetry/api']?.optional, true);
  assert.equal(pkg.peerDependenciesMeta['@opentelemetry/exporter-prometheus']?.optional, true);
});

test('requests carry trace context only while OpenTelemetry is enabled, and nothing is traced after disable()', { timeout: 20_000 }, async (t) => {
  const server = new RemotingServer({ host: '127.0.0.1', port: 0, logger: silentLogger });
  const seen: Array<string | undefined> = [];
  server.registerProcessor(100, (request) => {
    seen.push(request.getExt('traceparent'));
    return RemotingCommand.createResponse(ResponseCode.SUCCESS);
  });
  const { addr } = await server.start();
  const client = new RemotingClient({ logger: silentLogger });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  t.after(async () => {
    await client.close();
    await server.close({ graceMs: 0 });
    await tracerProvider.shutdown();
  });

  const plain = RemotingCommand.createRequest(100);
  await client.invokeSync(addr, plain, 3000);
  assert.equal(plain.extFields, null, 'nothing is added to a request while no instrumentation is registered');

  const otel = enableOpenTelemetry({ tracerProvider, metrics: false });
  await client.invokeSync(addr, RemotingCommand.createRequest(100), 3000);
  otel.disable();
  const after = RemotingCommand.createRequest(100);
  await client.invokeSync(addr, after, 3000);
  assert.equal(after.extFields, null);

  assert.equal(seen.length, 3);
  assert.equal(seen[0], undefined);
  assert.match(seen[1] ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.equal(seen[2], undefined);
  assert.equal(exporter.getFinishedSpans().length, 2, 'one client and one server span, from the enabled call only');
});
