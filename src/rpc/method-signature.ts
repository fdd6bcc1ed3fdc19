/**
 * `java.lang.reflect.Method#toString()`, the routing key of the seed RPC convention
 * (docs/protocol.md §7.3):
 *
 *   [<modifiers> ]<return type> <declaring class>.<name>(<p1>,<p2>,...)[ throws <e1>,<e2>,...]
 *
 * Types are erased `Class#getTypeName()` names (`int`, `java.util.List`, `com.acme.Svc$Pojo`,
 * `java.lang.String[]`); parameters are separated by `,` without a space.
 */
export interface MethodSignature {
  /** `public abstract` (interface method), `public default`, `public static`, or as Java prints them. */
  modifiers: string;
  returnType: string;
  /** Binary name of the declaring interface. */
  declaringClass: string;
  name: string;
  parameterTypes: readonly string[];
  exceptionTypes: readonly string[];
}

/** The modifier strings Java prints for interface methods. */
export const InterfaceModifiers = {
  ABSTRACT: 'public abstract',
  DEFAULT: 'public default',
  STATIC: 'public static',
} as const;

const IDENTIFIER = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;
const TYPE_NAME = /^[\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*(\[\])*$/u;
const MODIFIER_ORDER = ['public', 'protected', 'private', 'abstract', 'static', 'final', 'transient', 'volatile', 'synchronized', 'native', 'strictfp', 'interface', 'default'];

/** Checks a Java type name as `Class#getTypeName()` spells it; returns it. */
export function checkJavaTypeName(name: string): string {
  if (!TYPE_NAME.test(name)) throw new TypeError(`not a Java type name: ${JSON.stringify(name)} (use the binary name, e.g. com.acme.Svc$Pojo, int[])`);
  return name;
}

/** Checks a Java method name; returns it. */
export function checkJavaIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new TypeError(`not a Java method name: ${JSON.stringify(name)}`);
  return name;
}

function checkModifiers(modifiers: string): string {
  if (modifiers === '') return modifiers;
  const words = modifiers.split(' ');
  let last = -1;
  for (const word of words) {
    const rank = MODIFIER_ORDER.indexOf(word);
    // Java prints modifiers once each in Modifier.toString order ('default' comes last for interface methods).
    if (rank <= last) throw new TypeError(`modifiers ${JSON.stringify(modifiers)} are not as Java prints them`);
    last = rank;
  }
  return modifiers;
}

/** Renders `Method#toString()`. Throws `TypeError` for names Java could not print. */
export function renderMethodSignature(signature: MethodSignature): string {
  const modifiers = checkModifiers(signature.modifiers);
  const parameters = signature.parameterTypes.map(checkJavaTypeName).join(',');
  const exceptions = signature.exceptionTypes.map(checkJavaTypeName);
  return (
    (modifiers === '' ? '' : modifiers + ' ') +
    checkJavaTypeName(signature.returnType) +
    ' ' +
    checkJavaTypeName(signature.declaringClass) +
    '.' +
    checkJavaIdentifier(signature.name) +
    '(' +
    parameters +
    ')' +
    (exceptions.length > 0 ? ' throws ' + exceptions.join(',') : '')
  );
}

const SIGNATURE = /^((?:[a-z]+ )*)(\S+) (\S+)\.([^.\s(]+)\(([^()\s]*)\)(?: throws (\S+))?$/u;

/** Parses a `Method#toString()` text; null when it does not have that shape. */
export function parseMethodSignature(text: string): MethodSignature | null {
  const match = SIGNATURE.exec(text);
  if (match === null) return null;
  const [, modifiers = '', returnType = '', declaringClass = '', name = '', parameters = '', exceptions] = match;
  const signature: MethodSignature = {
    modifiers: modifiers.trimEnd(),
    returnType,
    declaringClass,
    name,
    parameterTypes: parameters === '' ? [] : parameters.split(','),
    exceptionTypes: exceptions === undefined ? [] : exceptions.split(','),
  };
  try {
    return renderMethodSignature(signature) === text ? signature : null;
  } catch {
    return null;
  }
}
