import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpListSource, type HttpListSourceOptions } from '../../src/discovery/http-list.js';
import { DiscoveryError } from '../../src/discovery/errors.js';
import { PlatformServer } from '../support/platform-server.js';
import { addrs, waitForError, waitForSet, waitUntil } from '../support/discovery-wait.js';

describe('HTTP instance-list source against a real platform endpoint', () => {
  let platform: PlatformServer;
  let dir: string;
  const sources: HttpListSource[] = [];

  beforeEach(async () => {
    platform = new PlatformServer();
    await platform.start();
    dir = await mkdtemp(path.join(tmpdir(), 'rocket-rpc-http-list-'));
  });

  afterEach(async () => {
    await Promise.all(sources.splice(0).map((source) => source.close()));
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Polls only when the test says so (refresh), unless it asks for an interval. */
  function source(options: Partial<HttpListSourceOptions> = {}): HttpListSource {
    const created = new HttpListSource({ url: platform.url, port: 20880, intervalMs: 3_600_000, ...options });
    sources.push(created);
    return created;
  }

  test('lists only working_online instances, on the configured provider port', async () => {
    platform.instances = [
      { dns_ip: '10.1.0.1', state: 'working_online' },
      { dns_ip: '10.1.0.2', state: 'offline' },
      { dns_ip: '10.1.0.3', state: 'working_online' },
      { dns_ip: 'fd00::7', state: 'working_online' },
      { dns_ip: '10.1.0.4', state: 'pre_online' },
    ];
    const list = source();
    await list.start();
    const set = list.current();
    assert.equal(addrs(set), '10.1.0.1:20880,10.1.0.3:20880,[fd00::7]:20880');
    assert.equal(set.origin, 'source');
    assert.equal(set.version, 1);
    assert.equal(list.lastError(), undefined);
    const query = platform.requests[0] as URL;
    assert.equal(query.searchParams.get('env'), 'test', 'the configured query survives');
    assert.equal(query.searchParams.get('start'), '0');
  });

  test('pages through the listing by start/num when total exceeds the page size', async () => {
    platform.online(...Array.from({ length: 250 }, (_, i) => `10.2.${i >> 8}.${i & 255}`));
    const list = source({ pageSize: 100 });
    await list.start();
    assert.equal(list.current().instances.length, 250);
    assert.deepEqual(
      platform.requests.map((url) => [url.searchParams.get('start'), url.searchParams.get('num')]),
      [['0', '100'], ['100', '100'], ['200', '100']],
    );
  });

  test('pages that disagree on the total are an INCONSISTENT listing; the last good list stays', async () => {
    platform.online('10.3.0.1', '10.3.0.2', '10.3.0.3');
    const list = source({ pageSize: 2 });
    await list.start();
    platform.behaviour = { kind: 'shifting-total' };
    const error = waitForError(list);
    await list.refresh();
    assert.equal((await error).reason, 'INCONSISTENT');
    assert.equal(list.current().instances.length, 3);
  });

  test('follows the platform as its list changes, polling by itself', async () => {
    platform.online('10.4.0.1', '10.4.0.2');
    const list = source({ intervalMs: 25, jitter: 0.5 });
    await list.start();
    assert.equal(addrs(list.current()), '10.4.0.1:20880,10.4.0.2:20880');
    platform.online('10.4.0.2', '10.4.0.3', '10.4.0.9');
    const changed = await waitForSet(list, (set) => set.instances.length === 3);
    assert.equal(addrs(changed), '10.4.0.2:20880,10.4.0.3:20880,10.4.0.9:20880');
    assert.equal(changed.version, 2);
  });

  test('an unchanged list publishes nothing new', async () => {
    platform.online('10.5.0.1');
    const list = source();
    await list.start();
    let changes = 0;
    list.subscribe(() => changes++);
    await list.refresh();
    await list.refresh();
    assert.equal(changes, 0);
    assert.equal(list.current().version, 1);
    assert.equal(platform.requests.length, 3);
  });

  for (const [label, behave, reason] of [
    ['an HTTP 500', () => (platform.behaviour = { kind: 'status', status: 500 }), 'HTTP_STATUS'],
    ['junk that is not JSON', () => (platform.behaviour = { kind: 'body', body: '<html>maintenance</html>' }), 'MALFORMED'],
    ['JSON of the wrong shape', () => (platform.behaviour = { kind: 'body', body: '{"result":"none","total":1}' }), 'MALFORMED'],
    ['an entry without an IP', () => (platform.behaviour = { kind: 'body', body: '{"result":[{"dns_ip":"nope","state":"working_online"}],"total":1,"start":0,"num":1}' }), 'MALFORMED'],
    ['an empty list where instances were known', () => platform.online(), 'EMPTY'],
    ['the endpoint going down', () => platform.stop(), 'UNREACHABLE'],
  ] as const) {
    test(`${label} keeps the last good list and reports ${reason}`, async () => {
      platform.online('10.6.0.1', '10.6.0.2');
      const list = source();
      await list.start();
      const before = list.current();
      await behave();
      const reported = waitForError(list);
      await list.refresh();
      const error = await reported;
      assert.ok(error instanceof DiscoveryError);
      assert.equal(error.code, 'DISCOVERY');
      assert.equal(error.reason, reason);
      assert.equal(error.kept, 2);
      if (reason === 'HTTP_STATUS') assert.equal(error.status, 500);
      assert.equal(list.current(), before, 'the same set object: nothing was published');
      assert.equal(list.lastError(), error);
      if (reason !== 'UNREACHABLE') {
        platform.behaviour = { kind: 'list' };
        platform.online('10.6.0.1', '10.6.0.3');
        await list.refresh();
        assert.equal(addrs(list.current()), '10.6.0.1:20880,10.6.0.3:20880');
        assert.equal(list.lastError(), undefined, 'a good refresh clears the error');
      }
    });
  }

  test('a request past its timeout is a TIMEOUT error and is aborted', async () => {
    platform.online('10.7.0.1');
    const list = source({ timeoutMs: 150 });
    await list.start();
    platform.behaviour = { kind: 'hang' };
    const reported = waitForError(list);
    await list.refresh();
    assert.equal((await reported).reason, 'TIMEOUT');
    assert.equal(addrs(list.current()), '10.7.0.1:20880');
    await waitUntil(() => platform.abortedRequests === 1);
  });

  test('an empty list is accepted when nothing was known, or when configured to', async () => {
    const list = source();
    await list.start();
    assert.equal(list.current().instances.length, 0);
    assert.equal(list.lastError(), undefined);

    platform.online('10.8.0.1');
    const lenient = source({ acceptEmpty: true });
    await lenient.start();
    platform.online();
    await lenient.refresh();
    assert.equal(lenient.current().instances.length, 0);
  });

  test('close aborts a poll in flight and stops polling', async () => {
    platform.behaviour = { kind: 'hang' };
    const list = new HttpListSource({ url: platform.url, port: 1, timeoutMs: 60_000, intervalMs: 10 });
    const started = list.start();
    await waitUntil(() => platform.requests.length === 1);
    await list.close();
    await started;
    await waitUntil(() => platform.abortedRequests === 1);
    assert.equal(platform.requests.length, 1, 'no poll after close');
    assert.equal(list.lastError(), undefined, 'closing is not an error');
    await assert.rejects(list.start(), DiscoveryError);
  });

  test('the snapshot carries the last good list across a restart during an outage', async () => {
    const file = path.join(dir, 'nested', 'demo.json');
    platform.online('10.9.0.1', '10.9.0.2');
    const first = source({ snapshotFile: file });
    await first.start();
    await first.close();
    const saved = JSON.parse(await readFile(file, 'utf8')) as { format: string; instances: { id: string }[] };
    assert.equal(saved.format, 'rocket-rpc/instances@1');
    assert.deepEqual(saved.instances.map((instance) => instance.id), ['10.9.0.1:20880', '10.9.0.2:20880']);
    assert.deepEqual(await readdir(path.dirname(file)), ['demo.json'], 'no temporary file left behind');

    await platform.stop();
    const restarted = source({ snapshotFile: file });
    const errors: DiscoveryError[] = [];
    restarted.onError((error) => errors.push(error));
    await restarted.start();
    assert.equal(addrs(restarted.current()), '10.9.0.1:20880,10.9.0.2:20880');
    assert.equal(restarted.current().origin, 'snapshot');
    assert.deepEqual(errors.map((error) => error.reason), ['UNREACHABLE']);
    platform = new PlatformServer();
    await platform.start();
  });

  test('the snapshot follows changes, and a live list replaces a restored one', async () => {
    const file = path.join(dir, 'demo.json');
    platform.online('10.10.0.1');
    const list = source({ snapshotFile: file });
    await list.start();
    platform.online('10.10.0.1', '10.10.0.2');
    await list.refresh();
    await list.close();
    const saved = JSON.parse(await readFile(file, 'utf8')) as { instances: unknown[] };
    assert.equal(saved.instances.length, 2);

    platform.online('10.10.0.3');
    const next = source({ snapshotFile: file });
    const seen: string[] = [];
    next.subscribe((set) => seen.push(`${set.origin}:${addrs(set)}`));
    await next.start();
    assert.deepEqual(seen, ['snapshot:10.10.0.1:20880,10.10.0.2:20880', 'source:10.10.0.3:20880']);
  });

  test('an unreadable snapshot is reported and the source carries on', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{"format":"something else"}');
    platform.online('10.11.0.1');
    const list = source({ snapshotFile: file });
    const reported = waitForError(list, (error) => error.reason === 'SNAPSHOT');
    await list.start();
    await reported;
    assert.equal(addrs(list.current()), '10.11.0.1:20880');
  });

  test('the async iterator yields the current set, then each change, and ends on close', async () => {
    platform.online('10.12.0.1');
    const list = source();
    await list.start();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const set of list) {
        seen.push(addrs(set));
        if (set.instances.length === 1) {
          platform.online('10.12.0.1', '10.12.0.2');
          await list.refresh();
        }
      }
    })();
    await waitForSet(list, (set) => set.instances.length === 2);
    await list.close();
    await reading;
    assert.deepEqual(seen, ['10.12.0.1:20880', '10.12.0.1:20880,10.12.0.2:20880']);
  });
});
