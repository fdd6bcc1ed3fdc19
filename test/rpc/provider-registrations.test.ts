import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiProvider, RemotingClient, RemotingCommand, type ProviderRegistration } from '../../src/index.js';

/** A registry entry that records, at each step, whether the provider answers on its address. */
class ProbingRegistration implements ProviderRegistration {
  readonly events: string[] = [];
  constructor(
    private readonly client: RemotingClient,
    private readonly addr: () => string,
    private readonly failRegister = false,
  ) {}

  async serving(): Promise<boolean> {
    try {
      // Any code will do: a serving provider answers REQUEST_CODE_NOT_SUPPORTED.
      await this.client.invokeSync(this.addr(), RemotingCommand.createRequest(12345), 2000);
      return true;
    } catch {
      return false;
    }
  }

  async register(): Promise<void> {
    this.events.push(`register, serving ${await this.serving()}`);
    if (this.failRegister) throw new Error('registry unreachable');
  }

  async deregister(): Promise<void> {
    this.events.push(`deregister, serving ${await this.serving()}`);
  }
}

test('registry entries are written once the provider serves, and removed before it stops serving', async () => {
  const client = new RemotingClient();
  let provider: ApiProvider | null = null;
  const registration = new ProbingRegistration(client, () => provider!.server.address().addr);
  provider = new ApiProvider({ host: '127.0.0.1', port: 0, registrations: [registration] });
  try {
    await provider.start();
    assert.deepEqual(registration.events, ['register, serving true']);
    await provider.close();
    assert.deepEqual(registration.events, ['register, serving true', 'deregister, serving true']);
    assert.equal(await registration.serving(), false, 'closed after deregistering');
  } finally {
    await client.close();
  }
});

test('a registration that fails undoes the others and closes the server: start() rejects', async () => {
  const client = new RemotingClient();
  let provider: ApiProvider | null = null;
  const addr = (): string => provider!.server.address().addr;
  const first = new ProbingRegistration(client, addr);
  const failing = new ProbingRegistration(client, addr, true);
  provider = new ApiProvider({ host: '127.0.0.1', port: 0, registrations: [first, failing] });
  try {
    await assert.rejects(provider.start(), /registry unreachable/);
    assert.deepEqual(first.events, ['register, serving true', 'deregister, serving true']);
    assert.equal(await first.serving(), false, 'the server it created is closed');
  } finally {
    await client.close();
  }
});
