// The wire codec on its own (no sockets): a typed custom header, a request encoded with both header
// types, the bytes fed to a FrameDecoder in small pieces as a socket would deliver them, and the
// header read back. Run: node .build/examples/codec-roundtrip.js   (docs/codec.md)
import { pathToFileURL } from 'node:url';
import { decodeCommand, defineHeader, encodeCommand, FrameDecoder, RemotingCommand, SerializeType, type RemotingCommand as Command } from '../src/index.js';

/** Java: `class PullHeader implements CommandCustomHeader { @CFNotNull String topic; @CFNotNull Integer queueId; Long offset; Boolean suspend; }` */
const PullHeader = defineHeader({
  topic: { kind: 'string', notNull: true },
  queueId: { kind: 'int', notNull: true },
  offset: 'long',
  suspend: 'boolean',
});

const PULL_MESSAGE = 11;

export function main(log: (line: string) => void = console.log): void {
  const request = RemotingCommand.createRequest(PULL_MESSAGE, {
    opaque: 1,
    extFields: PullHeader.encode({ topic: 'TopicTest', queueId: 3, offset: 9007199254740993n, suspend: true }),
    body: Buffer.from('hello'),
  });

  const json = encodeCommand(request, SerializeType.JSON);
  const binary = encodeCommand(request, SerializeType.ROCKETMQ);
  log(`JSON frame: ${json.length} bytes, header ${json.toString('utf8', 8, json.length - 5)}`);
  log(`ROCKETMQ frame: ${binary.length} bytes`);

  // A socket delivers bytes in arbitrary pieces; the decoder hands out whole commands, in order.
  const decoder = new FrameDecoder();
  const received: Command[] = [];
  const stream = Buffer.concat([json, binary]);
  for (let at = 0; at < stream.length; at += 7) decoder.push(stream.subarray(at, at + 7), (command) => received.push(command));

  for (const command of received) {
    const header = PullHeader.decode(command.extFields, { strict: true });
    log(`${command.serializeType === SerializeType.JSON ? 'JSON' : 'ROCKETMQ'}: code ${command.code}, topic ${header.topic}, queue ${header.queueId}, offset ${header.offset}, suspend ${header.suspend}, body ${Buffer.from(command.body ?? []).toString()}`);
  }

  // One whole frame in a buffer: decodeCommand.
  log(`decodeCommand: opaque ${decodeCommand(binary).opaque}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
