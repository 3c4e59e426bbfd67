/**
 * The `--import` entry point: `node --import @bankshop/telemetry/register dist/main.js`.
 *
 * It must run before any application module is loaded. CommonJS dependencies (pg, kafkajs,
 * ioredis, express) are patched through `require` hooks that the SDK installs, but Nest 12 and our
 * code are ES modules, and whatever they `import` is only visible to the loader hook registered
 * here. Without it, express spans and kafkajs context propagation are silently missing.
 */
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { startTelemetry } from './sdk.ts';
import { settingsFromEnv } from './settings.ts';

if (isMainThread) {
  // Only the modules an instrumentation asked for are wrapped; the channel tells the loader
  // thread which ones, and we wait until it has acknowledged them before the app loads.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  startTelemetry(settingsFromEnv());
  await waitForAllMessagesAcknowledged();
}
