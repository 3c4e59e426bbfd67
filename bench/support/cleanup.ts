/**
 * Benchmarks start real processes and create databases; whatever happens (success, a failure, an
 * interrupted run) they must not be left behind on a machine other people are working on. Each
 * resource registers its undo step as soon as it exists, and every exit path runs the steps,
 * newest first.
 */

const steps: { name: string; run: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | undefined;

export function onCleanup(name: string, run: () => Promise<unknown>): void {
  steps.push({ name, run });
}

/** Runs every registered step once, even if several exit paths ask at the same time. */
export function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (let step = steps.pop(); step; step = steps.pop()) {
      try {
        await step.run();
      } catch (error) {
        console.error(`cleanup: ${step.name} failed: ${errorMessage(error)}`);
      }
    }
  })();
  return cleaning;
}

/**
 * Runs a benchmark and exits: 0 after a complete run, 1 on any error, 130 when interrupted. A
 * second Ctrl-C during the cleanup exits at once (and may leave things behind: it says so).
 */
export async function runBenchmark(name: string, main: () => Promise<void>): Promise<never> {
  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals) => {
    if (interrupted) {
      console.error(`${name}: ${signal} again, exiting without finishing the cleanup`);
      process.exit(130);
    }
    interrupted = true;
    console.error(`\n${name}: ${signal}, stopping services and dropping databases...`);
    void cleanUp().then(() => process.exit(130));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  let code = 0;
  try {
    await main();
  } catch (error) {
    if (interrupted) await new Promise(() => undefined); // the signal handler exits
    console.error(`\n${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    code = 1;
  }
  await cleanUp();
  // Exit explicitly: client libraries may keep idle timers alive after they are closed.
  process.exit(code);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
