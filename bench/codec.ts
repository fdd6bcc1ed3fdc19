/**
 * Wire codec throughput: encode + decode pairs per second of a typical small RPC request
 * (3 ext fields of about 40 bytes each, a 20-byte body), for
 *   naive     JSON.stringify of a ready header object + frame assembly, then JSON.parse of the
 *             header (the reference; it does less than a codec: no Map, no command object),
 *   json      encodeCommand + decodeCommand with the JSON header,
 *   rocketmq  encodeCommand + decodeCommand with the ROCKETMQ binary header.
 * The requests cycle through 1024 commands that differ in opaque and trace id, as real traffic does.
 *
 * Run: npm run bench -- codec            (add --quick for a short smoke run)
 */
import assert from 'node:assert/strict';
import { decodeCommand, encodeCommand, RemotingCommand, SerializeType } from '../src/protocol/index.js';
import { benchSink, measureCases, optionsFromArgv, pairedRatio, type BenchCase } from './common/measure.js';
import { printJsonLine, printTable } from './common/report.js';

const POOL = 1024;
const body = Buffer.from('{"name":"world-123"}');

interface HeaderObject {
  code: number;
  extFields: Record<string, string>;
  flag: number;
  language: string;
  opaque: number;
  serializeTypeCurrentRPC: string;
  version: number;
}

const commands: RemotingCommand[] = [];
const headerObjects: HeaderObject[] = [];
for (let i = 0; i < POOL; i++) {
  const ext = {
    service: 'com.example.demo.GreetingService',
    method: 'sayHello(java.lang.String,int)x',
    traceId: (0x7f3a9c2e + i).toString(16) + '4b1d4e8f9a0b1c2d3e4f5a6b',
  };
  const command = new RemotingCommand({ code: 310, opaque: 100_000 + i, extFields: new Map(Object.entries(ext)), body });
  commands.push(command);
  // The object a hand-rolled client would stringify: the properties Java writes, ready-made.
  headerObjects.push({ code: 310, extFields: ext, flag: 0, language: 'JAVA', opaque: command.opaque, serializeTypeCurrentRPC: 'JSON', version: 0 });
}

function naiveEncode(headerObject: HeaderObject): Buffer {
  const header = Buffer.from(JSON.stringify(headerObject));
  const frame = Buffer.allocUnsafe(8 + header.length + body.length);
  frame.writeInt32BE(4 + header.length + body.length, 0);
  frame.writeUInt32BE(header.length, 4);
  header.copy(frame, 8);
  body.copy(frame, 8 + header.length);
  return frame;
}

function naiveDecode(frame: Buffer): { header: HeaderObject; body: Buffer } {
  const length = frame.readInt32BE(0);
  const headerLength = frame.readUInt32BE(4) & 0xffffff;
  const header = JSON.parse(frame.toString('utf8', 8, 8 + headerLength)) as HeaderObject;
  return { header, body: frame.subarray(8 + headerLength, 4 + length) };
}

/** All three round-trip the commands before anything is timed. */
function checkCodecs(): void {
  for (let i = 0; i < POOL; i += 97) {
    const naive = naiveDecode(naiveEncode(headerObjects[i]!));
    assert.deepEqual(naive.header, headerObjects[i]);
    assert.deepEqual(naive.body, body);
    for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
      const decoded = decodeCommand(encodeCommand(commands[i]!, type));
      assert.deepEqual(decoded.extFields, commands[i]!.extFields);
      assert.deepEqual(Buffer.from(decoded.body!), body);
      assert.equal(decoded.opaque, commands[i]!.opaque);
    }
  }
}

const cases: BenchCase[] = [
  {
    name: 'naive',
    run(n) {
      let check = 0;
      for (let i = 0; i < n; i++) check += naiveDecode(naiveEncode(headerObjects[i & (POOL - 1)]!)).header.opaque;
      return check;
    },
  },
  {
    name: 'json',
    run(n) {
      let check = 0;
      for (let i = 0; i < n; i++) check += decodeCommand(encodeCommand(commands[i & (POOL - 1)]!, SerializeType.JSON)).opaque;
      return check;
    },
  },
  {
    name: 'rocketmq',
    run(n) {
      let check = 0;
      for (let i = 0; i < n; i++) check += decodeCommand(encodeCommand(commands[i & (POOL - 1)]!, SerializeType.ROCKETMQ)).opaque;
      return check;
    },
  },
];

/** Speed-up over `naive` the codecs must reach in the same run. */
const TARGETS: Record<string, number> = { json: 1.3, rocketmq: 3 };

checkCodecs();
const frameBytes: Record<string, number> = {
  naive: naiveEncode(headerObjects[0]!).length,
  json: encodeCommand(commands[0]!, SerializeType.JSON).length,
  rocketmq: encodeCommand(commands[0]!, SerializeType.ROCKETMQ).length,
};
const results = measureCases(cases, optionsFromArgv());
const reference = results.find((result) => result.name === 'naive')!;
const ratios = Object.fromEntries(results.map((result) => [result.name, Number(pairedRatio(result, reference).toFixed(3))]));
printTable(
  'codec: encode+decode pairs per CPU second, typical small RPC request (median of rounds)',
  results.map((result) => ({
    name: result.name,
    'frame bytes': frameBytes[result.name]!,
    'pairs/s': result.median,
    'ns/pair': 1e9 / result.median,
    min: result.min,
    max: result.max,
    'wall pairs/s': result.wallMedian,
    'vs naive': ratios[result.name]!,
    target: TARGETS[result.name] === undefined ? '' : `>= ${TARGETS[result.name]}x`,
  })),
);
const missed = Object.entries(TARGETS).filter(([name, target]) => ratios[name]! < target);
console.log(missed.length === 0 ? 'targets met' : `targets missed: ${missed.map(([name]) => name).join(', ')}`);
printJsonLine('codec', {
  unit: 'pairs/s',
  medians: Object.fromEntries(results.map((result) => [result.name, Math.round(result.median)])),
  wallMedians: Object.fromEntries(results.map((result) => [result.name, Math.round(result.wallMedian)])),
  ratios,
  targets: TARGETS,
  targetsMet: missed.length === 0,
  sink: benchSink() & 1,
});
