/** Whether a TypeORM/pg error is a unique-constraint violation (SQLSTATE 23505): a lost insert race. */
export function isUniqueViolation(error: unknown): boolean {
  const { driverError, code } = error as { driverError?: { code?: unknown }; code?: unknown };
  return (driverError?.code ?? code) === '23505';
}
