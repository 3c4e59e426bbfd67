import { pathToFileURL } from 'node:url';
import { loadConfig } from '@bankshop/platform';
import { REPO } from './support.ts';

type ConfigClass = new () => object;

/**
 * Each service's own config class (apps/<app>/dist/config/<app>.config.js, so the apps must be
 * built), the one place that says which variables a service needs and what they must look like.
 */
export async function configClassOf(app: string): Promise<ConfigClass> {
  const module = (await import(pathToFileURL(`${REPO}apps/${app}/dist/config/${app}.config.js`).href)) as Record<string, unknown>;
  const found = Object.values(module).find((value): value is ConfigClass => typeof value === 'function' && /Config$/.test(value.name));
  if (!found) throw new Error(`apps/${app}/dist/config/${app}.config.js exports no *Config class`);
  return found;
}

/** What the service would say at start-up with this environment: nothing when it would start. */
export function configProblems(schema: ConfigClass, env: Record<string, string>): string[] {
  try {
    loadConfig(schema, env);
    return [];
  } catch (error) {
    if ((error as Error).name === 'InvalidConfigError') return (error as { problems: string[] }).problems;
    throw error;
  }
}

/** The variables without a default: the problems reported for an empty environment. */
export function requiredVariables(schema: ConfigClass): string[] {
  return configProblems(schema, {})
    .filter((problem) => problem.endsWith(' is required'))
    .map((problem) => problem.split(' ')[0]!);
}
