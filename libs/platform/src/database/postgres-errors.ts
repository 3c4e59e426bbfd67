/** Whether a TypeORM/pg error is a unique-constraint violation (SQLSTATE 23505): a lost insert race. */
export function isUniqueViolation(error: unknown): boolean {
  const { driverError, code } = error as { driverError?: { code?: unknown }; code?: unknown };
  return (driverError?.code ?? code) === '23505';
}

/**
 * SQLSTATEs that say the database cannot serve us right now, not that the request is wrong:
 * too many connections (53300), the server shutting down or starting up (57P01-57P03), and the
 * connection exceptions of class 08.
 */
const UNAVAILABLE_SQLSTATE = /^(53300|57P0[123]|08...)$/;

/** What node-postgres throws when it cannot get or keep a connection (its own messages). */
const UNAVAILABLE_MESSAGE = /^(timeout exceeded when trying to connect|Connection terminated)/;

/** Socket errors of a connection attempt, by their `code` (never guessed from message text). */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * Whether an error means the service's database is unreachable or has no connection to spare
 * (the pool's wait for a free connection ran out, the server refused another one): the request
 * may well succeed a moment later, so it deserves a 503 with `Retry-After`, not a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { driverError, code } = error as { driverError?: { code?: unknown; message?: unknown }; code?: unknown };
  const sqlState = driverError?.code ?? code;
  if (typeof sqlState === 'string' && (UNAVAILABLE_SQLSTATE.test(sqlState) || UNAVAILABLE_SOCKET_CODES.has(sqlState))) return true;
  return [error.message, driverError?.message].some((message) => typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message));
}
