import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS_DOC = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));

/**
 * Replaces the part of docs/benchmarks.md between `<!-- bench:<name> -->` and
 * `<!-- /bench:<name> -->` (appending the section if it is not there yet), so each benchmark
 * rewrites only its own results and the hand-written text around them stays.
 */
export function writeSection(name: string, markdown: string): void {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const section = `${open}\n${markdown.trim()}\n${close}`;
  const doc = existsSync(BENCHMARKS_DOC) ? readFileSync(BENCHMARKS_DOC, 'utf8') : '# Benchmarks\n';
  const start = doc.indexOf(open);
  const end = doc.indexOf(close);
  const updated =
    start >= 0 && end > start
      ? doc.slice(0, start) + section + doc.slice(end + close.length)
      : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(BENCHMARKS_DOC, updated);
}

/** Columns of numbers (empty cells and `-` allowed) are right-aligned, in the console and in Markdown. */
const isNumeric = (cell: string) => /^([-+]?[\d.,]+( ?[x%])?|-|)$/.test(cell);

export function markdownTable(headers: string[], rows: string[][]): string {
  const align = headers.map((_, column) => (rows.every((row) => isNumeric(row[column] ?? '')) ? '---:' : '---'));
  return [headers, align, ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

export function consoleTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (isNumeric(cell) && !headers.includes(cell) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}
