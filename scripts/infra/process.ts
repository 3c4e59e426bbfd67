import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, openSync, readFileSync, readSync, closeSync, fstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

// A failure whose message is already meant for the user; waitFor() stops retrying on it.
export class InfraError extends Error {
  override name = 'InfraError';
}

export interface Summary {
  component: string;
  action: 'reused' | 'started';
  address: string;
  detail: string;
}

// sbin directories are often missing from a non-login PATH, yet runuser lives there.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

export function commandPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean).concat(EXTRA_DIRS);
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export interface RunOptions {
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

/** Runs a command to completion; rejects with its output when it exits non-zero. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'], timeout: opts.timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', (err) => reject(new InfraError(`cannot run ${cmd}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve({ stdout, stderr });
      const output = lastLines(`${stdout}\n${stderr}`.trim(), 30);
      reject(new InfraError(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})${output ? `:\n${output}` : ''}`));
    });
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * Polls attempt() until it returns a value. Ordinary errors mean "not yet" and are kept for the
 * timeout message; an InfraError is final and thrown at once (e.g. the process we wait for died).
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  attempt: () => Promise<T | undefined>,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (err) {
      if (err instanceof InfraError) throw err;
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) {
      throw new InfraError(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** Rejects with "what timed out" when promise has not settled within ms. */
export async function withTimeout<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${Math.round(ms / 1000)}s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function lastLines(text: string, count: number): string {
  return text.split('\n').slice(-count).join('\n');
}

/** The last lines of a (possibly large) log file, or '' when it does not exist. */
export function tailFile(file: string, count = 25): string {
  if (!existsSync(file)) return '';
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return lastLines(buffer.toString('utf8').trimEnd(), count);
  } finally {
    closeSync(fd);
  }
}

export function readPidFile(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Whether pid is a live process whose command line contains `marker`. Checking the command line
 * guards against a stale pid file whose pid now belongs to an unrelated process (after a reboot).
 */
export function isRunning(pid: number, marker: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // A zombie has exited already; it only waits for its parent to reap it.
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

/**
 * Stops the process recorded in pidFile if it is still the one we started: SIGTERM, then SIGKILL
 * after graceMs. Returns whether there was such a process. Removes the pid file either way.
 */
export async function stopByPidFile(pidFile: string, marker: string, graceMs: number): Promise<boolean> {
  const pid = readPidFile(pidFile);
  const running = pid !== undefined && isRunning(pid, marker);
  if (running) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isRunning(pid, marker) && Date.now() < deadline) await sleep(200);
    if (isRunning(pid, marker)) {
      process.kill(pid, 'SIGKILL');
      while (isRunning(pid, marker)) await sleep(100);
    }
  }
  rmSync(pidFile, { force: true });
  return running;
}
