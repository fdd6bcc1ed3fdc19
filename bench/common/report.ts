import os from 'node:os';

export interface ReportRow {
  name: string;
  /** Column name → value; numbers are formatted, strings printed as is. */
  [column: string]: string | number;
}

function format(value: string | number): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}

/** Prints rows as an aligned text table. */
export function printTable(title: string, rows: readonly ReportRow[]): void {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => columns.map((column) => (row[column] === undefined ? '' : format(row[column]!))));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: string[]): string => values.map((value, i) => (i === 0 ? value.padEnd(widths[i]!) : value.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(columns));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of cells) console.log(line(row));
}

/** The machine the numbers come from, for the JSON line. */
export function environment(): Record<string, string | number> {
  return { node: process.version, platform: `${process.platform}-${process.arch}`, cpu: os.cpus()[0]?.model ?? 'unknown', cpus: os.cpus().length };
}

/** One machine-readable line, prefixed so scripts can grep it: `BENCH {"bench":…}`. */
export function printJsonLine(bench: string, data: Record<string, unknown>): void {
  console.log('BENCH ' + JSON.stringify({ bench, ...data, env: environment() }));
}
