import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import pg from 'pg';
import { databaseUrl } from '@bankshop/testing';
import { KAFKA_VERSION } from '../../scripts/infra/config.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  postgres: string;
  kafka: string;
}

/** What the numbers were measured on: without it, a throughput figure means nothing. */
export async function describeMachine(): Promise<Machine> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return {
      cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown CPU',
      cores: availableParallelism(),
      memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
      node: process.version,
      postgres: rows[0]?.server_version ?? 'unknown',
      // The broker infra:up runs is the version it downloads (scripts/infra/config.ts).
      kafka: KAFKA_VERSION,
    };
  } finally {
    await client.end();
  }
}

/**
 * The load average as `uptime` prints it. Other people's test suites may be running on the same
 * machine, so every measurement notes the load it was taken under.
 */
export function loadAverage(): string {
  try {
    const line = execFileSync('uptime', { encoding: 'utf8' });
    const match = /load average:\s*(.+)$/m.exec(line);
    if (match?.[1]) return match[1].trim();
  } catch {
    // no uptime(1): the same numbers from the kernel
  }
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
}

export function machineLine(machine: Machine): string {
  return `${machine.cpu}, ${machine.cores} cores, ${machine.memory} RAM; Node ${machine.node}, PostgreSQL ${machine.postgres}, Kafka ${machine.kafka}`;
}
