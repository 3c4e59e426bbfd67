import { describe, expect, it } from 'vitest';
import { serviceForPath } from './routes.ts';

describe('serviceForPath', () => {
  it.each([
    ['/api/accounts', 'account'],
    ['/api/accounts/1/deposits', 'account'],
    ['/api/admin/accounts/totals', 'account'],
    ['/api/transfers?accountId=1', 'transaction'],
    ['/api/admin/assessments', 'risk'],
    ['/api/orders/1/cancel', 'order'],
  ])('routes %s to %s', (path, service) => {
    expect(serviceForPath(path)).toBe(service);
  });

  it.each(['/internal/holds', '/api/accountsx', '/api', '/health/ready'])('routes nothing for %s', (path) => {
    expect(serviceForPath(path)).toBeUndefined();
  });
});
