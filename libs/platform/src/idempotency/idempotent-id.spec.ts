import { describe, expect, it } from 'vitest';
import { isUuid } from '../http/uuid.pipe.ts';
import { idempotentId } from './idempotent-id.ts';

describe('idempotentId', () => {
  it('derives the same version-5 UUID from the same scope, key and purpose', () => {
    const id = idempotentId('user-1', 'key-1', 'transfer');
    expect(id).toBe(idempotentId('user-1', 'key-1', 'transfer'));
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('5');
    expect('89ab').toContain(id[19]);
  });

  it.each([
    ['another user', ['user-2', 'key-1', 'transfer']],
    ['another key', ['user-1', 'key-2', 'transfer']],
    ['another purpose', ['user-1', 'key-1', 'deposit']],
    ['a shifted boundary', ['user-1k', 'ey-1', 'transfer']],
  ] as const)('differs for %s', (_what, [scope, key, purpose]) => {
    expect(idempotentId(scope, key, purpose)).not.toBe(idempotentId('user-1', 'key-1', 'transfer'));
  });
});
