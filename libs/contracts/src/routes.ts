import type { ServiceName } from './services.ts';

/**
 * Which service answers which public path (everything under `/api`). The gateway routes by this
 * table (longest prefix wins); end-to-end tests use it to call services directly. `/internal/*`
 * is deliberately absent: it is never routed from outside.
 */
export const PUBLIC_ROUTES: readonly { prefix: string; service: ServiceName }[] = [
  { prefix: '/api/auth', service: 'gateway' },
  { prefix: '/api/health', service: 'gateway' },
  { prefix: '/api/accounts', service: 'account' },
  { prefix: '/api/admin/accounts', service: 'account' },
  { prefix: '/api/transfers', service: 'transaction' },
  { prefix: '/api/admin/audit', service: 'transaction' },
  { prefix: '/api/admin/reconciliations', service: 'transaction' },
  { prefix: '/api/admin/assessments', service: 'risk' },
  { prefix: '/api/products', service: 'inventory' },
  { prefix: '/api/admin/products', service: 'inventory' },
  { prefix: '/api/cart', service: 'order' },
  { prefix: '/api/orders', service: 'order' },
  { prefix: '/api/payments', service: 'payment' },
];

/** The service for a public path, or undefined when no route matches. */
export function serviceForPath(path: string): ServiceName | undefined {
  let best: { prefix: string; service: ServiceName } | undefined;
  for (const route of PUBLIC_ROUTES) {
    const matches = path === route.prefix || path.startsWith(`${route.prefix}/`) || path.startsWith(`${route.prefix}?`);
    if (matches && (!best || route.prefix.length > best.prefix.length)) best = route;
  }
  return best?.service;
}
