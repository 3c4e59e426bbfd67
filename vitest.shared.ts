import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * One Vitest setup for every project. Workspace packages resolve to their TypeScript sources
 * through the `source` export condition, so unit tests never need a prior build; end-to-end specs
 * start the built services as real processes.
 */
export function projectConfig(overrides: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    // Spec files sit outside the projects' tsconfig (which builds src only), so the decorator
    // settings Nest needs are given to the transformer here rather than read from a tsconfig.
    oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'] } },
    test: {
      include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
      testTimeout: 30_000,
      // Hooks boot whole systems of real processes; on two shared cores that can take minutes.
      hookTimeout: 300_000,
      ...overrides,
    },
  });
}
