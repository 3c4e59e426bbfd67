import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServiceName } from '@bankshop/contracts';

/**
 * How every service runs (see each app's `start` script): telemetry loaded first through its
 * `--import` hook, and source maps for readable stacks.
 */
export const SERVICE_NODE_FLAGS = [
  '--enable-source-maps',
  '--import',
  '@bankshop/telemetry/register',
];

/** The repository root, from either `src/` or `dist/` of this library. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const DEFAULT_READY_TIMEOUT_MS = 120_000;

export interface ServiceProcessOptions {
  /** A service of this repository, started from `apps/<app>/dist/main.js`... */
  app?: ServiceName;
  /** ...or any other built entry point (a test fixture), with a name for messages. */
  entry?: { name: string; script: string };
  port: number;
  env: Record<string, string>;
  /** Wait for `/health/ready` (default) or only `/health/live`, or not at all. */
  waitFor?: 'ready' | 'live' | 'nothing';
  /** How long to wait for it (default 60 s: a loaded 2-core machine boots a service in ~30 s). */
  timeoutMs?: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One real service process, started from its build exactly as in production
 * (`node --import @bankshop/telemetry/register dist/main.js`), for end-to-end tests.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<ExitStatus> | undefined;
  private log = '';

  constructor(private options: ServiceProcessOptions) {}

  static async start(options: ServiceProcessOptions): Promise<ServiceProcess> {
    const service = new ServiceProcess(options);
    await service.start();
    return service;
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Everything the process wrote to stdout and stderr so far. */
  output(): string {
    return this.log;
  }

  get name(): string {
    return this.options.entry?.name ?? this.options.app ?? 'service';
  }

  /** Changes the environment of the next `start` (a restart with a fault switched off, say). */
  configure(env: Record<string, string>): void {
    this.options = { ...this.options, env: { ...this.options.env, ...env } };
  }

  async start(): Promise<void> {
    const script = this.options.entry?.script ?? `${REPO_ROOT}apps/${this.options.app}/dist/main.js`;
    this.log = '';
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, script], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', ...this.options.env, PORT: String(this.options.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const waitFor = this.options.waitFor ?? 'ready';
    if (waitFor === 'nothing') return;
    try {
      await this.waitUntil(waitFor, this.options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    } catch (error) {
      // A process that never became ready must not outlive the test that started it.
      await this.kill().catch(() => undefined);
      throw error;
    }
  }

  /** Polls the health endpoint until it answers 200; fails early if the process exits. */
  async waitUntil(probe: 'ready' | 'live', timeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitStatus: ExitStatus | undefined;
    void this.exited?.then((status) => (exitStatus = status));
    while (Date.now() < deadline) {
      if (exitStatus) {
        throw new Error(`${this.name} exited (${JSON.stringify(exitStatus)}) before it was ${probe}:\n${this.log}`);
      }
      if ((await this.probe(probe)) === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} was not ${probe} within ${timeoutMs} ms:\n${this.log}`);
  }

  /** The status code of `/health/<probe>`, or 0 when nothing answers. */
  async probe(probe: 'ready' | 'live'): Promise<number> {
    try {
      const response = await fetch(`${this.url}/health/${probe}`, { signal: AbortSignal.timeout(3_000) });
      await response.body?.cancel();
      return response.status;
    } catch {
      return 0;
    }
  }

  async waitForExit(timeoutMs = 15_000): Promise<ExitStatus> {
    if (!this.exited) throw new Error('not started');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.exited, timeout]).finally(() => clearTimeout(timer));
  }

  /** Graceful stop (SIGTERM) and wait for the exit. */
  async stop(): Promise<ExitStatus> {
    return this.signal('SIGTERM');
  }

  /** A crash: SIGKILL, nothing gets to run. */
  async kill(): Promise<ExitStatus> {
    return this.signal('SIGKILL');
  }

  private async signal(signal: NodeJS.Signals): Promise<ExitStatus> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null };
    child.kill(signal);
    return this.waitForExit();
  }
}
