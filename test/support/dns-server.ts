import dns2 from 'dns2';
import type { DnsServer } from 'dns2';

const { Packet } = dns2;
// Response codes (RFC 1035 §4.1.1); dns2 has them at runtime but not in its types.
const SERVFAIL = 2;
const NXDOMAIN = 3;

/** dns2 encodes plain records; its types ask for a `toBuffer` the encoder never needs. */
function record(fields: Omit<dns2.Packet.Resource, 'toBuffer'>): dns2.Packet.Resource {
  return fields as dns2.Packet.Resource;
}

export interface AddressRecord {
  address: string;
  ttl: number;
}

export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  target: string;
  ttl: number;
}

export interface Zone {
  A?: AddressRecord[];
  AAAA?: AddressRecord[];
  SRV?: SrvRecord[];
}

/** How the server answers every query right now. */
export type DnsBehaviour = 'answer' | 'servfail' | 'drop';

/**
 * A small authoritative DNS server in the test process (dns2, UDP on 127.0.0.1, random port). The
 * test edits `zones` between resolutions; unknown names get NXDOMAIN.
 */
export class TestDnsServer {
  readonly zones = new Map<string, Zone>();
  behaviour: DnsBehaviour = 'answer';
  queries = 0;
  #server: DnsServer | undefined;
  #port = 0;

  async start(): Promise<string> {
    const server = dns2.createServer({ udp: true, handle: (request, send) => this.#handle(request, send) });
    const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
    this.#server = server;
    this.#port = addresses.udp?.port ?? 0;
    return this.address;
  }

  /** `127.0.0.1:port`, for Resolver.setServers. */
  get address(): string {
    return `127.0.0.1:${this.#port}`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.close();
  }

  #handle(request: dns2.Packet, send: (response: dns2.Packet) => Promise<Buffer>): void {
    this.queries++;
    if (this.behaviour === 'drop') return;
    const response = Packet.createResponseFromRequest(request);
    const question = request.questions[0];
    if (this.behaviour === 'servfail' || question === undefined) {
      response.header.rcode = SERVFAIL;
      void send(response);
      return;
    }
    const zone = this.zones.get(question.name.toLowerCase());
    if (zone === undefined) {
      response.header.rcode = NXDOMAIN;
      void send(response);
      return;
    }
    const base = { name: question.name, class: Packet.CLASS.IN };
    if (question.type === Packet.TYPE.A) for (const r of zone.A ?? []) response.answers.push(record({ ...base, type: Packet.TYPE.A, ttl: r.ttl, address: r.address }));
    if (question.type === Packet.TYPE.AAAA) for (const r of zone.AAAA ?? []) response.answers.push(record({ ...base, type: Packet.TYPE.AAAA, ttl: r.ttl, address: r.address }));
    if (question.type === Packet.TYPE.SRV) {
      for (const r of zone.SRV ?? []) response.answers.push(record({ ...base, type: Packet.TYPE.SRV, ttl: r.ttl, priority: r.priority, weight: r.weight, port: r.port, target: r.target }));
    }
    void send(response);
  }
}
