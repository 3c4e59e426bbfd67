import { REPO_ROOT, startTestService, type TestService } from '@bankshop/testing';

export type FixtureName = 'producer' | 'consumer';

/**
 * Starts a fixture service (see ../fixtures) as a real process on a fresh database: the same
 * platform, telemetry and messaging code as the real services, with a trivial business part.
 */
export function startFixture(
  name: FixtureName,
  options: { jwksUrl: string; otlpEndpoint?: string; env?: Record<string, string> },
): Promise<TestService> {
  return startTestService({
    entry: { name: `fixture-${name}`, script: `${REPO_ROOT}tests/integration/dist/${name}/main.js` },
    jwksUrl: options.jwksUrl,
    otlpEndpoint: options.otlpEndpoint,
    env: options.env,
  });
}
