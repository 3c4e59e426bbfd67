import { existsSync, globSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { isLocalHost, loadConfig, RUNTIME_ROLES, type InfraConfig } from './config.ts';
import { commandPath, InfraError, run, waitFor, type Summary } from './process.ts';

type PgConfig = InfraConfig['postgres'];

interface Cluster {
  version: string;
  name: string;
  port: number;
  online: boolean;
  owner: string;
}

type Probe =
  | { state: 'ok' }
  // The server answered but refused us (missing role, wrong password, starting up...).
  | { state: 'refused'; code: string; message: string }
  | { state: 'unreachable'; message: string };

const START_TIMEOUT_MS = 30_000;

/**
 * Connections the test suites need at once: every service keeps a pool of up to DB_POOL_SIZE (10)
 * plus its outbox listener, a whole-system suite runs seven services, and `npm test` runs two
 * projects side by side, each with its own test connections. PostgreSQL's default of 100 ran out
 * under a burst of checkouts beside the banking concurrency suite ("too many clients").
 */
export const MIN_MAX_CONNECTIONS = 300;

/**
 * Makes PostgreSQL usable with the configured role and creates the service databases.
 * Reuses a server that accepts the credentials; otherwise starts the local Debian cluster on
 * PGPORT and creates (or fixes) the role through the postgres superuser.
 */
export async function ensurePostgres(cfg: InfraConfig = loadConfig()): Promise<Summary> {
  const pgc = cfg.postgres;
  const address = `${pgc.host}:${pgc.port}`;
  let action: Summary['action'] = 'reused';
  const notes: string[] = [];

  const probe = await probePostgres(pgc);
  if (probe.state !== 'ok') {
    const cluster = await findLocalCluster(cfg, probe);
    if (!cluster.online) {
      await startCluster(cluster, cfg);
      action = 'started';
      notes.push(`cluster ${cluster.version}/${cluster.name}`);
    }
    const after = await waitForServer(pgc);
    if (after.state !== 'ok') {
      await ensureRole(cluster, pgc);
      notes.push(`role ${pgc.user} set up`);
      const final = await probePostgres(pgc);
      if (final.state !== 'ok') throw new InfraError(`Postgres at ${address} still rejects ${pgc.user} after setting up the role: ${describe(final)}`);
    }
  }

  const capacity = await ensureConnectionCapacity(cfg);
  if (capacity) notes.push(capacity);

  const created = await ensureDatabases(pgc);
  notes.push(created.length ? `created databases ${created.join(', ')}` : `${pgc.databases.length} databases`);
  const roles = await ensureRuntimeRoles(pgc);
  if (roles.length > 0) notes.push(`created roles ${roles.join(', ')}`);
  return { component: 'postgres', action, address, detail: `user ${pgc.user}; ${notes.join('; ')}` };
}

/** Starts PostgreSQL again after stopPostgres(); the same as ensurePostgres(). */
export const startPostgres = ensurePostgres;

/**
 * Stops the local Debian cluster serving PGPORT. With onlyIfStartedByUp (what infra:down uses) it
 * leaves alone a cluster that was already running before infra:up. Returns whether it stopped one.
 */
export async function stopPostgres(
  cfg: InfraConfig = loadConfig(),
  opts: { onlyIfStartedByUp?: boolean } = {},
): Promise<boolean> {
  const files = markerFiles(cfg);
  const startedByUp = existsSync(files.started);
  if (opts.onlyIfStartedByUp && !startedByUp) return false;
  if (!commandPath('pg_lsclusters') || !isLocalHost(cfg.postgres.host)) return false;
  const cluster = (await listClusters()).find((c) => c.port === cfg.postgres.port);
  if (!cluster?.online) {
    if (opts.onlyIfStartedByUp) rmSync(files.started, { force: true });
    return false;
  }
  await run('pg_ctlcluster', [cluster.version, cluster.name, 'stop', '-m', 'fast']);
  if (opts.onlyIfStartedByUp) rmSync(files.started, { force: true });
  // A test simulating an outage on a cluster someone else started: remember that, so the
  // restart does not make infra:down believe the cluster is ours.
  else if (!startedByUp) writeFileSync(files.stoppedExternal, `${cluster.version}/${cluster.name}\n`);
  return true;
}

async function probePostgres(pgc: PgConfig, database = 'postgres'): Promise<Probe> {
  const client = new pg.Client({
    host: pgc.host,
    port: pgc.port,
    user: pgc.user,
    password: pgc.password,
    database,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    return { state: 'ok' };
  } catch (err) {
    const e = err as Error & { code?: string };
    if (err instanceof pg.DatabaseError) return { state: 'refused', code: e.code ?? '', message: e.message };
    return { state: 'unreachable', message: e.message || e.code || String(err) };
  } finally {
    await client.end().catch(() => {});
  }
}

function describe(probe: Probe): string {
  if (probe.state === 'ok') return 'ok';
  return probe.state === 'refused' ? `${probe.message} (SQLSTATE ${probe.code})` : `unreachable: ${probe.message}`;
}

/** After a start, waits until the server answers at all (a login refusal counts as an answer). */
function waitForServer(pgc: PgConfig): Promise<Probe> {
  return waitFor(`PostgreSQL at ${pgc.host}:${pgc.port}`, START_TIMEOUT_MS, async () => {
    const probe = await probePostgres(pgc);
    // 57P03: "the database system is starting up".
    if (probe.state === 'unreachable' || (probe.state === 'refused' && probe.code === '57P03')) {
      throw new Error(describe(probe));
    }
    return probe;
  });
}

/** The Debian cluster we may manage, or an error explaining what the user has to do instead. */
async function findLocalCluster(cfg: InfraConfig, probe: Probe): Promise<Cluster> {
  const pgc = cfg.postgres;
  const where = `PostgreSQL at ${pgc.host}:${pgc.port}`;
  const roleHint = `CREATE ROLE ${pgc.user} LOGIN CREATEDB PASSWORD '...'`;
  if (!isLocalHost(pgc.host)) {
    throw new InfraError(`${where} is not usable (${describe(probe)}) and is not on this machine; start it and create the role yourself (${roleHint}).`);
  }
  if (!commandPath('pg_lsclusters') || !commandPath('pg_ctlcluster')) {
    if (!postgresInstalled()) {
      throw new InfraError(`PostgreSQL is not installed. Install it (Debian/Ubuntu: apt-get install -y postgresql) and run infra:up again.`);
    }
    throw new InfraError(`${where} is not usable (${describe(probe)}). PostgreSQL is installed without Debian's cluster tools, so start it yourself and create the role (${roleHint}).`);
  }
  const cluster = (await listClusters()).find((c) => c.port === pgc.port);
  if (!cluster) {
    throw new InfraError(`${where} is not usable (${describe(probe)}) and no Debian cluster uses port ${pgc.port} (see pg_lsclusters). Create one, e.g. pg_createcluster --port ${pgc.port} <version> main.`);
  }
  return cluster;
}

function postgresInstalled(): boolean {
  return Boolean(commandPath('postgres')) || globSync('/usr/lib/postgresql/*/bin/postgres').length > 0;
}

async function listClusters(): Promise<Cluster[]> {
  const { stdout } = await run('pg_lsclusters', ['--no-header']);
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 5)
    .map(([version = '', name = '', port = '', status = '', owner = '']) => ({
      version,
      name,
      port: Number(port),
      // e.g. "online", "online,recovery", "down".
      online: status.startsWith('online'),
      owner,
    }));
}

async function startCluster(cluster: Cluster, cfg: InfraConfig): Promise<void> {
  await run('pg_ctlcluster', [cluster.version, cluster.name, 'start'], { timeoutMs: START_TIMEOUT_MS });
  const files = markerFiles(cfg);
  // Restarting a cluster that a test stopped but that was not ours to begin with: keep it not ours.
  if (existsSync(files.stoppedExternal)) rmSync(files.stoppedExternal);
  else writeFileSync(files.started, `${cluster.version}/${cluster.name}\n`);
}

/**
 * Raises `max_connections` to MIN_MAX_CONNECTIONS on the local Debian cluster when it is lower
 * (ALTER SYSTEM as its superuser, then a restart, since the setting needs one). A server that is
 * not ours to manage is left as it is, with a warning. Returns a note for the summary, if any.
 */
async function ensureConnectionCapacity(cfg: InfraConfig): Promise<string | undefined> {
  const pgc = cfg.postgres;
  const current = await maxConnections(pgc);
  if (current >= MIN_MAX_CONNECTIONS) return undefined;
  const cluster = isLocalHost(pgc.host) && commandPath('pg_lsclusters') ? (await listClusters()).find((c) => c.port === pgc.port) : undefined;
  if (!cluster || !canActAsOwner(cluster)) {
    return `max_connections is ${current}, below the ${MIN_MAX_CONNECTIONS} the test suites may need; raise it on that server`;
  }
  await psqlAsOwner(cluster, [], `ALTER SYSTEM SET max_connections = ${MIN_MAX_CONNECTIONS};`);
  await run('pg_ctlcluster', [cluster.version, cluster.name, 'restart', '-m', 'fast'], { timeoutMs: START_TIMEOUT_MS });
  const after = await waitForServer(pgc);
  if (after.state !== 'ok') throw new InfraError(`PostgreSQL did not come back after raising max_connections: ${describe(after)}`);
  return `max_connections ${current} -> ${await maxConnections(pgc)}`;
}

async function maxConnections(pgc: PgConfig): Promise<number> {
  const client = new pg.Client({ host: pgc.host, port: pgc.port, user: pgc.user, password: pgc.password, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ max_connections: string }>('SHOW max_connections');
    return Number(rows[0]?.max_connections);
  } finally {
    await client.end();
  }
}

/** The files recording whether infra:up started the cluster, so infra:down stops only that. */
function markerFiles(cfg: InfraConfig): { started: string; stoppedExternal: string } {
  const dir = join(cfg.cacheDir, 'postgres');
  mkdirSync(dir, { recursive: true });
  return { started: join(dir, 'started-by-infra-up'), stoppedExternal: join(dir, 'stopped-external') };
}

/** Whether infra:up started the cluster (and infra:down will stop it). */
export function postgresStartedByUp(cfg: InfraConfig = loadConfig()): string | undefined {
  const file = markerFiles(cfg).started;
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/**
 * Creates the role, or resets its password and attributes, as the cluster's superuser over the
 * local socket (peer authentication). Services then log in over TCP with the password, which
 * Debian's default pg_hba.conf already allows for 127.0.0.1 (scram-sha-256).
 */
async function ensureRole(cluster: Cluster, pgc: PgConfig, attributes = 'LOGIN CREATEDB'): Promise<void> {
  // psql variables (:'x' and :"x") quote the values, so odd characters cannot break the SQL.
  const sql = [
    `SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \\gexec`,
    `ALTER ROLE :"role" ${attributes} PASSWORD :'password';`,
  ].join('\n');
  if (!canActAsOwner(cluster)) {
    throw new InfraError(
      `Postgres rejects ${pgc.user} and only root or ${cluster.owner} can create the role. ` +
        `Run as ${cluster.owner}: CREATE ROLE ${pgc.user} LOGIN CREATEDB PASSWORD '...';`,
    );
  }
  await psqlAsOwner(cluster, ['-v', `role=${pgc.user}`, '-v', `password=${pgc.password}`], sql);
}

/** Whether we may run psql as the cluster's superuser: we are its owner, or root with runuser. */
function canActAsOwner(cluster: Cluster): boolean {
  return userInfo().username === cluster.owner || (process.getuid?.() === 0 && Boolean(commandPath('runuser')));
}

/** Runs `sql` through psql as the cluster's superuser, over the local socket (peer authentication). */
async function psqlAsOwner(cluster: Cluster, extraArgs: string[], sql: string): Promise<void> {
  const psqlArgs = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-p', String(cluster.port), '-d', 'postgres', ...extraArgs];
  // cwd '/': psql started as another user cannot necessarily read the current directory.
  if (userInfo().username === cluster.owner) await run('psql', psqlArgs, { input: sql, cwd: '/' });
  else await run('runuser', ['-u', cluster.owner, '--', 'psql', ...psqlArgs], { input: sql, cwd: '/' });
}

/**
 * Creates the runtime login roles (RUNTIME_ROLES) that are missing. Roles belong to the whole
 * server, so this needs CREATEROLE; when the configured role lacks it, the local superuser does
 * it (as for the configured role itself). Returns the roles created.
 */
async function ensureRuntimeRoles(pgc: PgConfig): Promise<string[]> {
  const created: string[] = [];
  const refused: (typeof RUNTIME_ROLES)[number][] = [];
  const client = new pg.Client({ host: pgc.host, port: pgc.port, user: pgc.user, password: pgc.password, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [
      RUNTIME_ROLES.map((role) => role.name),
    ]);
    for (const role of RUNTIME_ROLES.filter((candidate) => !rows.some((row) => row.rolname === candidate.name))) {
      try {
        await client.query(`CREATE ROLE ${client.escapeIdentifier(role.name)} LOGIN PASSWORD ${client.escapeLiteral(role.password)}`);
        created.push(role.name);
      } catch (err) {
        if ((err as { code?: string }).code !== '42501') throw err;
        refused.push(role);
      }
    }
  } finally {
    await client.end();
  }
  if (refused.length === 0) return created;

  const cluster = isLocalHost(pgc.host) && commandPath('pg_lsclusters') ? (await listClusters()).find((c) => c.port === pgc.port) : undefined;
  if (!cluster) {
    throw new InfraError(
      `role ${pgc.user} may not create roles; as a superuser run: ${refused.map((r) => `CREATE ROLE ${r.name} LOGIN PASSWORD '...';`).join(' ')}`,
    );
  }
  for (const role of refused) {
    await ensureRole(cluster, { ...pgc, user: role.name, password: role.password }, 'LOGIN');
    created.push(role.name);
  }
  return created;
}

/** Creates the missing service databases, owned by the configured role. Returns those created. */
async function ensureDatabases(pgc: PgConfig): Promise<string[]> {
  const client = new pg.Client({ host: pgc.host, port: pgc.port, user: pgc.user, password: pgc.password, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string; owner: string }>(
      'SELECT datname, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = ANY($1)',
      [pgc.databases],
    );
    for (const row of rows) {
      if (row.owner !== pgc.user) console.warn(`postgres: database ${row.datname} is owned by ${row.owner}, not ${pgc.user}`);
    }
    const existing = new Set(rows.map((r) => r.datname));
    const created: string[] = [];
    for (const db of pgc.databases.filter((d) => !existing.has(d))) {
      try {
        // Created by the role itself, so it owns the database. "order" is a keyword: always quote.
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(db)}`);
        created.push(db);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === '42P04') continue; // created concurrently by another infra:up
        if (code === '42501') throw new InfraError(`role ${pgc.user} may not create databases; as a superuser run: ALTER ROLE ${pgc.user} CREATEDB;`);
        throw err;
      }
    }
    return created;
  } finally {
    await client.end();
  }
}
