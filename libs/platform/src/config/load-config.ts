import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** The environment is wrong; the message lists every offending variable, one per line. */
export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';

  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

const loaded = new Map<new () => object, object>();

/**
 * Reads and validates the environment into an instance of `schema`, once per process. Variables
 * the schema does not declare are dropped (the environment holds far more than ours); missing or
 * malformed ones are all reported together, so a broken deployment is fixed in one go.
 */
export function loadConfig<T extends object>(schema: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const cached = env === process.env ? loaded.get(schema) : undefined;
  if (cached) return cached as T;

  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(schema, present, { exposeDefaultValues: true });
  // One message per variable (the first rule it breaks): "is required" says it all.
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true, stopAtFirstError: true });
  if (errors.length > 0) throw new InvalidConfigError(errors.flatMap(describe));

  Object.freeze(config);
  if (env === process.env) loaded.set(schema, config);
  return config;
}

function describe(error: ValidationError): string[] {
  return Object.values(error.constraints ?? {}).map(
    (message) => `${error.property} ${message.replace(new RegExp(`^${error.property} `), '')}`,
  );
}
