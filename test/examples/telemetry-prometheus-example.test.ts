import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../examples/telemetry-prometheus.js';
import { silentLogger } from '../../src/index.js';

test('the telemetry example serves the three calls it made on its Prometheus page', { timeout: 20_000 }, async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line), silentLogger);
  assert.deepEqual(lines, [
    'rpc_server_call_duration_count{rpc_system_name="rocketmq_remoting",rpc_method="com.uext.remote.rf.service.ServiceHello/sayHello",server_address="127.0.0.1",server_port="…",rpc_response_status_code="0",otel_scope_name="rocket-rpc"} 3',
  ]);
});
