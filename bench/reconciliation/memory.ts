import { readFileSync } from 'node:fs';

export interface Memory {
  /** Resident set size when sampling started, MiB. */
  before: number;
  /** The largest resident set size sampled, MiB. */
  peak: number;
  /** The kernel's own high-water mark (VmHWM) when sampling stopped, MiB: catches what falls between samples. */
  highWaterAfter: number;
  highWaterBefore: number;
}

/**
 * Samples the resident set size of processes every `intervalMs` from /proc/<pid>/status, and
 * reads the kernel's high-water mark before and after. A run that streams keeps its peak near
 * where it started, whatever the size of the data; one that loads everything grows with it.
 */
export class MemorySampler {
  private readonly peaks = new Map<number, number>();
  private readonly before = new Map<number, { rss: number; hwm: number }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly pids: number[];
  private readonly intervalMs: number;

  constructor(pids: number[], intervalMs = 100) {
    this.pids = pids;
    this.intervalMs = intervalMs;
  }

  start(): void {
    for (const pid of this.pids) {
      const status = readStatus(pid);
      this.before.set(pid, status);
      this.peaks.set(pid, status.rss);
    }
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): Map<number, Memory> {
    clearInterval(this.timer);
    this.sample();
    return new Map(
      this.pids.map((pid) => {
        const before = this.before.get(pid)!;
        return [pid, { before: mib(before.rss), peak: mib(this.peaks.get(pid)!), highWaterBefore: mib(before.hwm), highWaterAfter: mib(readStatus(pid).hwm) }];
      }),
    );
  }

  private sample(): void {
    for (const pid of this.pids) this.peaks.set(pid, Math.max(this.peaks.get(pid) ?? 0, readStatus(pid).rss));
  }
}

/** VmRSS and VmHWM in kB (0 if the process is gone). */
function readStatus(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

const mib = (kilobytes: number) => kilobytes / 1024;
