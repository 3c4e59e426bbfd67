import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { isLocalHost, loadConfig, type InfraConfig } from './config.ts';
import { commandPath, InfraError, isRunning, readPidFile, run, stopByPidFile, tailFile, waitFor, type Summary } from './process.ts';

const START_TIMEOUT_MS = 10_000;
// What redis-server shows as its command line; used to recognise our pid after a reboot.
const PROCESS_MARKER = 'redis-server';

type Probe = { state: 'ok' } | { state: 'refused' | 'unreachable'; message: string };

function files(cfg: InfraConfig): { dir: string; pid: string; log: string } {
  const dir = join(cfg.cacheDir, 'redis');
  return { dir, pid: join(dir, 'redis.pid'), log: join(dir, 'redis.log') };
}

/** Reuses a Redis that answers PING at REDIS_URL, else starts a throwaway redis-server there. */
export async function ensureRedis(cfg: InfraConfig = loadConfig()): Promise<Summary> {
  const { url, host, port } = cfg.redis;
  const address = `${host}:${port}`;
  const probe = await probeRedis(url);
  if (probe.state === 'ok') return { component: 'redis', action: 'reused', address, detail: 'answers PING' };
  if (probe.state === 'refused') throw new InfraError(`Redis at ${address} is there but PING fails: ${probe.message}`);
  if (!isLocalHost(host)) throw new InfraError(`Redis at ${address} is unreachable (${probe.message}) and not on this machine; start it yourself.`);
  if (!commandPath('redis-server')) {
    throw new InfraError('redis-server is not installed. Install it (Debian/Ubuntu: apt-get install -y redis-server) and run infra:up again.');
  }

  const f = files(cfg);
  mkdirSync(f.dir, { recursive: true });
  // A pid file left by a Redis that was killed would name a dead process and fail the wait below.
  rmSync(f.pid, { force: true });
  await run('redis-server', serverArgs(cfg, f));
  await waitFor(`redis-server on ${address}`, START_TIMEOUT_MS, async () => {
    const p = await probeRedis(url);
    if (p.state === 'ok') return true;
    const pid = readPidFile(f.pid);
    // The daemon writes its pid file once it forked; no pid and no answer after that means it died.
    if (pid !== undefined && !isRunning(pid, PROCESS_MARKER)) throw new InfraError(`redis-server exited:\n${tailFile(f.log)}`);
    throw new Error(p.message);
  }).catch((err: Error) => {
    throw new InfraError(`${err.message}\n--- ${f.log}\n${tailFile(f.log)}`);
  });
  return { component: 'redis', action: 'started', address, detail: `pid ${readPidFile(f.pid) ?? '?'}, no persistence` };
}

/** Starts Redis again after stopRedis(); the same as ensureRedis(). */
export const startRedis = ensureRedis;

/** Stops the redis-server infra:up started (pid file). A Redis it reused is left alone. */
export function stopRedis(cfg: InfraConfig = loadConfig()): Promise<boolean> {
  return stopByPidFile(files(cfg).pid, PROCESS_MARKER, 10_000);
}

function serverArgs(cfg: InfraConfig, f: { dir: string; pid: string; log: string }): string[] {
  const args = [
    '--daemonize', 'yes',
    '--port', String(cfg.redis.port),
    '--bind', '127.0.0.1',
    // A cache and rate-limit store for dev and tests: nothing is worth writing to disk.
    '--save', '',
    '--appendonly', 'no',
    '--dir', f.dir,
    '--pidfile', f.pid,
    '--logfile', f.log,
  ];
  const password = new URL(cfg.redis.url).password;
  if (password) args.push('--requirepass', decodeURIComponent(password));
  return args;
}

async function probeRedis(url: string): Promise<Probe> {
  // No retries and no offline queue: one quick attempt that fails instead of waiting.
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {}); // reported through the rejected promises below
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    return { state: 'unreachable', message: (err as Error).message };
  }
  try {
    const reply = await client.ping();
    return reply === 'PONG' ? { state: 'ok' } : { state: 'refused', message: `PING answered ${reply}` };
  } catch (err) {
    return { state: 'refused', message: (err as Error).message };
  } finally {
    client.disconnect();
  }
}
