/**
 * The remark of a SYSTEM_ERROR answer built from a thrown value (docs/protocol.md §6.2). Java sends
 * `<Throwable.toString()>, <top stack frame>`; a JavaScript frame carries the server's absolute file
 * path (`file:///srv/app/x.mjs:13:52`), so by default only `<ErrorName>: <message>` goes to the peer,
 * which keeps the part of Java's shape callers parse. `stackFrame: true` adds the frame, for debugging.
 */
export function errorRemark(error: unknown, stackFrame = false): string {
  if (!(error instanceof Error)) return `Error: ${String(error)}`;
  const head = error.message ? `${error.name}: ${error.message}` : error.name;
  if (!stackFrame) return head;
  const frame = error.stack?.split('\n').find((line) => line.startsWith('    at '));
  return frame === undefined ? head : `${head}, ${frame.slice(7)}`;
}

/**
 * Java `RemotingHelper.exceptionSimpleDesc`: `<Throwable.toString()>, <top stack frame>`, e.g.
 * `Error: boom, processRequest (file:///app/server.js:10:11)`. The engine sends it only with the
 * `remarkStackFrame` option; see {@link errorRemark}.
 */
export function exceptionSimpleDesc(error: unknown): string {
  return errorRemark(error, true);
}
