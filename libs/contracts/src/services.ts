/**
 * The services of the system, their ports and databases (ARCHITECTURE.md "Map"). The gateway
 * routes by this table and the scripts start, migrate and probe services from it.
 *
 * No imports on purpose: scripts read this file directly.
 */
export const SERVICES = [
  { name: 'gateway', port: 3000, database: 'gateway' },
  { name: 'account', port: 3001, database: 'account' },
  { name: 'transaction', port: 3002, database: 'transaction' },
  { name: 'risk', port: 3003, database: 'risk' },
  { name: 'order', port: 3004, database: 'order' },
  { name: 'inventory', port: 3005, database: 'inventory' },
  { name: 'payment', port: 3006, database: 'payment' },
] as const;

export type ServiceName = (typeof SERVICES)[number]['name'];
