import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository root, with a trailing slash. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export function readText(path: string): string {
  return readFileSync(`${REPO}${path}`, 'utf8');
}

/** YAML with `<<` merge keys resolved, as Docker Compose and kustomize read it. */
export function readYaml<T = unknown>(path: string): T {
  return parse(readText(path), { merge: true }) as T;
}

export type ToolName = 'otelcol' | 'promtool' | 'kustomize' | 'kubeconform' | 'k8s-schemas' | 'docker-compose';

/**
 * A tool this machine cannot have at all (ensure-tool.sh exit status 3: no Go, no python3, no
 * docker-compose). A check that needs it is skipped with this reason, not failed; a tool that
 * fails to build is a failure.
 */
export class ToolUnavailable extends Error {
  override readonly name = 'ToolUnavailable';
}

/** Builds the tool on first use (scripts/tools/ensure-tool.sh; its progress shows) and returns its path. */
export function tool(name: ToolName): string {
  const result = spawnSync('bash', [`${REPO}scripts/tools/ensure-tool.sh`, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status === 0) return result.stdout.trim();
  if (result.status === 3) throw new ToolUnavailable(result.stdout.trim() || `${name} cannot be had on this machine`);
  throw new Error(`${name} could not be built (ensure-tool.sh exited ${result.status ?? result.signal}; its output is above)`);
}

/** Runs `use` with the tool, or notes why the part of the check that needs it was skipped. */
export function withTool(name: ToolName, result: Findings, what: string, use: (path: string) => void): void {
  let path: string;
  try {
    path = tool(name);
  } catch (error) {
    if (!(error instanceof ToolUnavailable)) throw error;
    result.notes.push(`SKIPPED ${what}: ${error.message}`);
    return;
  }
  use(path);
}

export interface Run {
  ok: boolean;
  output: string;
}

export function run(command: string, args: string[], options: { env?: Record<string, string>; input?: string } = {}): Run {
  const result = spawnSync(command, args, {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    input: options.input,
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.trim();
  return { ok: result.status === 0, output };
}

/** What a check found: problems fail the run, notes are printed. */
export interface Findings {
  problems: string[];
  notes: string[];
}

export function findings(): Findings {
  return { problems: [], notes: [] };
}
