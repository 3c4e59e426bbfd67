import { createHash } from 'node:crypto';

/** Fixed namespace of this system's derived ids (a random UUID, chosen once). */
const NAMESPACE = Buffer.from('6f1c4a6e9c0b4f4e8b4e3f0b8f5a2d71', 'hex');

/**
 * A UUID (version 5: SHA-1 of a namespace and a name) derived from a caller's idempotency key.
 * A handler that names its effect with it (a deposit's ledger entry, a transfer) finds that effect
 * again if it is ever re-run for the same key, for example after a crash between the effect and
 * the stored response: the retry cannot apply it twice.
 */
export function idempotentId(scope: string, key: string, purpose: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${purpose}\u0000${scope}\u0000${key}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
