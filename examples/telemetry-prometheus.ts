// Metrics for Prometheus and a pino-compatible logger: the provider and consumer of the quick
// start, with every call counted and timed, scraped over HTTP. Run: node .build/examples/telemetry-prometheus.js
import { pathToFileURL } from 'node:url';
import { ApiConsumer, ApiProvider, defineContract, J, method, type Logger } from '../src/index.js';
import { startPrometheusExporter } from '../src/otel.js';

const ServiceHello = defineContract('com.uext.remote.rf.service.ServiceHello', {
  sayHello: method([J.String, J.String], J.String),
});

export async function main(log: (line: string) => void = console.log, logger?: Logger): Promise<void> {
  // Port 9464 in production (`serve --metrics-port`); 0 here picks a free one.
  const metrics = await startPrometheusExporter({ host: '127.0.0.1', port: 0 });
  const provider = new ApiProvider({ host: '127.0.0.1', port: 0, logger, serverOptions: { slowCallMs: 500 } });
  provider.register(ServiceHello, { sayHello: (a, b) => `hello ${a} ${b}` });
  const { addr } = await provider.start();
  const consumer = new ApiConsumer({ target: addr, logger });
  try {
    const hello = consumer.proxy(ServiceHello);
    for (let i = 0; i < 3; i++) await hello.sayHello('a', String(i));
    const page = await (await fetch(metrics.url)).text();
    const calls = page.split('\n').filter((line) => line.startsWith('rpc_server_call_duration_count{') && line.includes('rpc_method="com.uext.remote.rf.service.ServiceHello/sayHello"'));
    for (const line of calls) log(line.replace(/server_port="\d+"/, 'server_port="…"'));
  } finally {
    await consumer.close();
    await provider.close();
    await metrics.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
