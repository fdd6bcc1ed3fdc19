/** `LanguageCode` (docs/protocol.md §5): JSON headers carry the name, ROCKETMQ headers the number. */
export const LanguageCode = {
  JAVA: 0,
  CPP: 1,
  DOTNET: 2,
  PYTHON: 3,
  DELPHI: 4,
  ERLANG: 5,
  RUBY: 6,
  OTHER: 7,
  HTTP: 8,
  GO: 9,
  PHP: 10,
  OMS: 11,
  RUST: 12,
  /** Known to RocketMQ 5.x only; a 4.9.x peer cannot map it (JSON) or reads null (binary). */
  NODE_JS: 13,
} as const;

export type LanguageName = keyof typeof LanguageCode;

const namesByCode: readonly LanguageName[] = (() => {
  const names: LanguageName[] = [];
  for (const [name, code] of Object.entries(LanguageCode)) names[code] = name as LanguageName;
  return names;
})();

/** The name for a binary language byte, or null when unknown (Java sets null too). */
export function languageName(code: number): LanguageName | null {
  return namesByCode[code] ?? null;
}

/**
 * The byte for a language name. Unknown or null names are written as OTHER: Java would fail with a
 * NullPointerException here, and OTHER is the value every server version accepts.
 */
export function languageCode(name: string | null): number {
  if (name === null) return LanguageCode.OTHER;
  return (LanguageCode as Record<string, number>)[name] ?? LanguageCode.OTHER;
}
