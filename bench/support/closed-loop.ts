import { cpuSnapshot, cpuUsage, type Classifier, type CpuSnapshot, type CpuUsage } from './cpu.ts';
import { sortedCopy } from './stats.ts';

/** The answer of a successful operation; anything else is counted under the label returned. */
export const OK = 'ok';

export interface LoadOptions {
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
  /** How processes are grouped for the CPU figures. */
  classify: Classifier;
}

export interface LoadResult {
  /** The measured window, stretched to the last answer of a request sent inside it. */
  seconds: number;
  /** Latencies (ms, sorted) of the successful operations sent in the window. */
  latencies: Float64Array;
  /** Answers in the window by label, successes included. */
  answers: Map<string, number>;
  /** Every operation, warm-up included: for counters that cannot be cut at the window's edges. */
  requests: number;
  cpu: CpuUsage;
}

/**
 * A closed loop: `concurrency` workers each start the next operation as soon as the previous one
 * finished, so the system is always exactly that busy. Operations started during the warm-up are
 * not counted; those started in the window are counted when they finish, even just after it.
 * A rejected operation is counted as `error <code>`.
 */
export async function closedLoop(options: LoadOptions, operation: () => Promise<string>): Promise<LoadResult> {
  const start = performance.now();
  const measureFrom = start + options.warmupSeconds * 1000;
  const until = measureFrom + options.seconds * 1000;
  let cpuBefore: CpuSnapshot | undefined;
  const snapshotTimer = setTimeout(() => (cpuBefore = cpuSnapshot(options.classify)), options.warmupSeconds * 1000);
  const latencies: number[] = [];
  const answers = new Map<string, number>();
  let requests = 0;

  const worker = async () => {
    while (performance.now() < until) {
      const sent = performance.now();
      const answer = await operation().catch((error: unknown) => `error ${(error as { code?: string }).code ?? String(error)}`);
      const answered = performance.now();
      requests += 1;
      if (sent < measureFrom) continue;
      answers.set(answer, (answers.get(answer) ?? 0) + 1);
      if (answer === OK) latencies.push(answered - sent);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  clearTimeout(snapshotTimer);
  const cpuAfter = cpuSnapshot(options.classify);
  cpuBefore ??= cpuAfter;
  return {
    seconds: (cpuAfter.at - Math.min(cpuBefore.at, measureFrom)) / 1000,
    latencies: sortedCopy(latencies),
    answers,
    requests,
    cpu: cpuUsage(cpuBefore, cpuAfter),
  };
}
