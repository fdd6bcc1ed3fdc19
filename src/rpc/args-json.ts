import { quoteJson } from '../protocol/index.js';
import { ValueError } from './json-value.js';

/**
 * `argsJsonJson` (SEED-RPC.md §1): a JSON array of strings, element i being the JSON text of
 * argument i. `["\"a\"","\"b\""]` for `sayHello("a", "b")`.
 */
export function encodeArgsJsonJson(argumentTexts: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < argumentTexts.length; i++) out += (i === 0 ? '' : ',') + quoteJson(argumentTexts[i]!);
  return out + ']';
}

/**
 * The argument texts of an `argsJsonJson` value. Lenient as fastjson's `List<String>` reading is:
 * a missing value is no arguments (the Java consumer cannot even send a no-argument call), a null
 * element is the argument `null`, a number or boolean element is its own text.
 */
export function decodeArgsJsonJson(text: string | undefined | null): string[] {
  if (text === undefined || text === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValueError(`argsJsonJson is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) throw new ValueError('argsJsonJson is not a JSON array');
  return parsed.map((item, i) => {
    if (typeof item === 'string') return item;
    if (item === null) return 'null';
    if (typeof item === 'boolean' || (typeof item === 'number' && Number.isSafeInteger(item))) return String(item);
    throw new ValueError(`argsJsonJson element ${i} is not a string`);
  });
}
