/** A bucket's settings: `capacity` tokens at most, `refillPerSecond` added back continuously. */
export interface BucketPolicy {
  name: string;
  capacity: number;
  refillPerSecond: number;
}

export interface BucketDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until the bucket is full again (the draft's `t` of `RateLimit`). */
  resetSeconds: number;
  /** Seconds until one token is back: the `Retry-After` of a 429. */
  retryAfterSeconds: number;
}

/**
 * One token bucket, refilled continuously: the arithmetic shared by the Redis script and the
 * in-memory fallback, so both limit exactly alike. `tokens` may be fractional.
 */
export function takeToken(
  state: { tokens: number; at: number } | undefined,
  policy: BucketPolicy,
  nowMs: number,
): { state: { tokens: number; at: number }; decision: BucketDecision } {
  const elapsed = Math.max(0, nowMs - (state?.at ?? nowMs));
  const available = Math.min(policy.capacity, (state?.tokens ?? policy.capacity) + (elapsed / 1000) * policy.refillPerSecond);
  const allowed = available >= 1;
  const tokens = allowed ? available - 1 : available;
  return { state: { tokens, at: nowMs }, decision: decide(allowed, tokens, policy) };
}

export function decide(allowed: boolean, tokens: number, policy: BucketPolicy): BucketDecision {
  return {
    allowed,
    remaining: Math.floor(tokens),
    resetSeconds: Math.ceil((policy.capacity - tokens) / policy.refillPerSecond),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / policy.refillPerSecond)),
  };
}

/**
 * The same bucket in Redis, as one Lua script so that read-refill-take-write is atomic across
 * every gateway replica. It uses Redis' own clock (`TIME`), so replicas with skewed clocks still
 * agree. Arguments: capacity, refill per second, how many tokens are wanted (1 for one request,
 * more for a lease, see rate-limiter.ts) and how many unused ones a replica gives back. It grants
 * as many of the wanted tokens as there are whole tokens, and returns how many it granted and
 * the tokens left (as a string: Lua numbers would be truncated to integers on the way back).
 */
export const TOKEN_BUCKET_SCRIPT = `
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local want = tonumber(ARGV[3]) or 1
local returned = tonumber(ARGV[4]) or 0
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) / 1000 * refill + returned)
local granted = 0
if tokens >= 1 then
  granted = math.min(want, math.floor(tokens))
  tokens = tokens - granted
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / refill * 1000) + 1000)
return { granted, tostring(tokens) }
`;
