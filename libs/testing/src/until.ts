import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Reads until `done` holds for what was read, polling every 50 ms, and answers that value; after
 * `timeoutMs` it fails with the last value read, so a test that waits in vain says what it saw.
 */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (await done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still no ${what} after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}
