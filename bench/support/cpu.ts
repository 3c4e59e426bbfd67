import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** Names a process by what it is for the benchmark (`account`, `postgres: account`...), or not at all. */
export type Classifier = (pid: number, command: string, args: string) => string | undefined;

export interface CpuSnapshot {
  at: number;
  /** Busy and total ticks of the whole host (all cores), from /proc/stat. */
  hostBusy: number;
  hostTotal: number;
  /** Ticks used so far by each classified process, with its group. */
  processes: Map<number, { group: string; ticks: number }>;
}

export interface CpuUsage {
  /** Average number of cores each group kept busy over the window. */
  cores: Map<string, number>;
  /** The whole host, and the part of it no classified process accounts for. */
  hostCores: number;
  otherCores: number;
  hostBusyPercent: number;
}

const TICKS_PER_SECOND = clockTicks();

/**
 * CPU time per process group over a window, from the kernel's cumulative counters
 * (/proc/<pid>/stat utime + stime, /proc/stat): two snapshots and a difference, so nothing
 * samples during the measurement and nothing is missed between samples, unlike `ps`.
 */
export function cpuSnapshot(classify: Classifier): CpuSnapshot {
  const processes = new Map<number, { group: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name is in parentheses and may itself contain spaces or parentheses.
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      const group = classify(pid, command, args);
      if (group) processes.set(pid, { group, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process exited while we were looking
    }
  }
  const [, ...counters] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = counters.map(Number) as number[];
  const hostBusy = user! + nice! + system! + irq! + softirq! + steal!;
  return { at: performance.now(), hostBusy, hostTotal: hostBusy + idle! + iowait!, processes };
}

export function cpuUsage(before: CpuSnapshot, after: CpuSnapshot): CpuUsage {
  const seconds = (after.at - before.at) / 1000;
  const ticks = new Map<string, number>();
  for (const [pid, { group, ticks: now }] of after.processes) {
    // A process born during the window counts from zero.
    const used = now - (before.processes.get(pid)?.ticks ?? 0);
    ticks.set(group, (ticks.get(group) ?? 0) + used);
  }
  const cores = new Map([...ticks].map(([group, used]) => [group, used / TICKS_PER_SECOND / seconds]));
  const hostCores = (after.hostBusy - before.hostBusy) / TICKS_PER_SECOND / seconds;
  const accounted = [...cores.values()].reduce((sum, value) => sum + value, 0);
  return {
    cores,
    hostCores,
    otherCores: Math.max(0, hostCores - accounted),
    hostBusyPercent: (100 * (after.hostBusy - before.hostBusy)) / Math.max(1, after.hostTotal - before.hostTotal),
  };
}

/**
 * The usual groups: the benchmark's own processes by pid, PostgreSQL backends by the database
 * they serve, the server's own background processes (WAL writer, checkpointer...), Kafka and Redis.
 */
export function classifier(named: Map<number, string>, databases: Map<string, string>): Classifier {
  return (pid, command, args) => {
    const name = named.get(pid);
    if (name) return name;
    if (command === 'postgres') {
      // A backend's title: `postgres: [<cluster>: ]<user> <database> <host>(<port>) <state>`.
      const database = /^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])/.exec(args)?.[1];
      if (!database) return 'postgres: background';
      return `postgres: ${databases.get(database) ?? 'other databases'}`;
    }
    if (command === 'java' && args.includes('kafka.Kafka')) return 'kafka';
    if (command.startsWith('redis-server')) return 'redis';
    return undefined;
  };
}

/**
 * Waits until `pids` together keep less than `cores` busy for a whole `windowMs`: work a service
 * does on its own (consumers catching up on a topic's history at start-up, or on the events of
 * the previous run) must not run during the next measurement. False if they never got quiet.
 */
export async function waitUntilIdle(pids: number[], { cores = 0.1, windowMs = 2_000, timeoutMs = 180_000 } = {}): Promise<boolean> {
  const ticks = () => pids.reduce((sum, pid) => sum + processTicks(pid), 0);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const before = ticks();
    await sleep(windowMs);
    if ((ticks() - before) / TICKS_PER_SECOND / (windowMs / 1000) < cores) return true;
  }
  return false;
}

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

export const HOST_CORES = availableParallelism();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}
