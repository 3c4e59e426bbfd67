/**
 * The architecture rules of STYLE.md and ARCHITECTURE.md "Layout", checked on every `npm test`
 * (`npm run boundaries`) instead of hoped for.
 */
const FRAMEWORKS = '^node_modules/(@nestjs|typeorm|class-validator|class-transformer|express|ioredis|kafkajs|pg|@opentelemetry)(/|$)';

module.exports = {
  forbidden: [
    {
      name: 'apps-never-import-apps',
      comment: 'Services share contracts, not code: another service is reached over HTTP or Kafka.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'libs-only-through-their-index',
      comment: 'Each lib has one index.ts; anything else is private to it.',
      severity: 'error',
      from: { path: '^(apps|libs|scripts|bench|tests)/([^/]+)/' },
      to: {
        path: '^libs/([^/]+)/(src|dist)/',
        pathNot: [
          '^libs/$2/',
          '^libs/[^/]+/src/index\\.ts$',
          '^libs/[^/]+/dist/index\\.js$',
          '^libs/telemetry/(src|dist)/register\\.',
          // Import-free by design, so the type-stripped scripts can read the one list.
          '^libs/contracts/src/(topics|services)\\.ts$',
        ],
      },
    },
    {
      name: 'domain-is-plain-typescript',
      comment: 'domain/ holds business rules: no framework, no ORM, no DTOs, no persistence.',
      severity: 'error',
      from: { path: '/domain/' },
      to: { path: [FRAMEWORKS, '/(dto|persistence)/', '\\.(controller|module|service)\\.ts$'] },
    },
    {
      name: 'money-is-plain-typescript',
      comment: 'The money lib depends on decimal.js and nothing else.',
      severity: 'error',
      from: { path: '^libs/money/src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^node_modules/', pathNot: '^node_modules/decimal\\.js/' },
    },
    {
      name: 'contracts-import-nothing',
      comment: 'Contracts are read by every service and by scripts; they depend on nothing.',
      severity: 'error',
      from: { path: '^libs/contracts/src/' },
      to: { path: '^(node_modules|libs|apps)/', pathNot: '^libs/contracts/' },
    },
    {
      name: 'no-deep-package-imports',
      comment: 'Nest 12 packages are ESM with export maps; deep imports break. Use public entry points.',
      severity: 'error',
      from: {},
      to: { path: '^node_modules/@nestjs/[^/]+/dist/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.spec.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['source', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
    combinedDependencies: true,
  },
};
