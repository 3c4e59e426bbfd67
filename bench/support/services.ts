import { startTestService, type TestService, type TestServiceOptions } from '@bankshop/testing';
import { onCleanup } from './cleanup.ts';

/**
 * Starts a service on a fresh database (see `startTestService`), registering its stop and the
 * database's drop before it starts: a service that fails to come up is cleaned up too.
 */
export async function startService(options: TestServiceOptions): Promise<TestService> {
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  // With BENCH_CPU_PROFILE_DIR set, every service writes V8 CPU profiles into a folder of its own there when it stops
  // (open it in Chrome DevTools or speedscope): where the CPU of a benchmark went, by function.
  const env = profileDir ? { ...options.env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}/${options.app ?? 'service'}` } : options.env;
  const service = await startTestService({ ...options, ...(env ? { env } : {}), start: false });
  onCleanup(`stop ${options.app}`, () => service.stop());
  await service.service.start();
  return service;
}

/** A run against a service that died would measure nothing: stop with what it last said. */
export async function expectAlive(services: TestService[]): Promise<void> {
  for (const { service } of services) {
    if ((await service.probe('live')) !== 200) {
      throw new Error(`${service.name} stopped answering; its last output:\n${service.output().slice(-3000)}`);
    }
  }
}
