import { createHmac, randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { ServiceName } from '@bankshop/contracts';
import { createTestDatabase, freePort, serviceEnv, ServiceProcess, type TestDatabase } from '@bankshop/testing';

/** Nothing listens on the discard port: an upstream the gateway cannot reach. */
export const UNREACHABLE = 'http://127.0.0.1:9';

export type UpstreamName = 'account' | 'transaction' | 'risk' | 'order' | 'inventory' | 'payment';

const UPSTREAMS: readonly UpstreamName[] = ['account', 'transaction', 'risk', 'order', 'inventory', 'payment'];

/** An RFC 9457 problem document as API.md specifies it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  traceId: string;
  errors?: { field: string; message: string }[];
}

export interface GatewayOptions {
  /** Where each upstream is; the ones not named are unreachable. */
  upstreams?: Partial<Record<UpstreamName, string>>;
  env?: Record<string, string>;
}

/** The environment a gateway needs besides the shared one: its own JWKS and its upstreams. */
function gatewayEnv(port: number, options: GatewayOptions): Record<string, string> {
  const env: Record<string, string> = {
    // The gateway verifies its own tokens; services are pointed at this same URL.
    JWT_JWKS_URL: jwksUrlOf(port),
  };
  for (const name of UPSTREAMS) env[`${name.toUpperCase()}_SERVICE_URL`] = options.upstreams?.[name] ?? UNREACHABLE;
  return { ...env, ...options.env };
}

export function jwksUrlOf(gatewayPort: number): string {
  return `http://127.0.0.1:${gatewayPort}/.well-known/jwks.json`;
}

/**
 * How long a process may take to become ready. Services boot in a few seconds, but on a small
 * machine shared with other suites a boot has been seen to take half a minute.
 */
const BOOT_TIMEOUT_MS = 90_000;

/** A real service process of this repository, on a database of its own. */
export interface ServiceUnderTest {
  service: ServiceProcess;
  url: string;
  /** Stops the process (gracefully) and drops its database, if it made one. */
  stop(): Promise<void>;
}

/**
 * A real service process, created but not started: `service.start()` boots it (migrating its
 * database) and waits until it is ready. Creating every process of a spec first means its
 * `afterAll` can stop them all, even one that failed to start.
 */
export async function createService(options: {
  app: ServiceName;
  jwksUrl: string;
  port?: number;
  env?: Record<string, string>;
  /** A database shared with other processes (replicas); by default a fresh one. */
  database?: TestDatabase;
}): Promise<ServiceUnderTest> {
  const database = options.database ?? (await createTestDatabase(options.app));
  const service = new ServiceProcess({
    app: options.app,
    port: options.port ?? (await freePort()),
    timeoutMs: BOOT_TIMEOUT_MS,
    env: serviceEnv({ database: database.name, jwksUrl: options.jwksUrl, extra: { OTEL_SERVICE_NAME: options.app, ...options.env } }),
  });
  return {
    service,
    url: service.url,
    async stop() {
      await service.stop();
      if (!options.database) await database.drop();
    },
  };
}

/**
 * A real gateway process (not yet started) issuing its own tokens: real register and login. Its
 * port is chosen first, so that its JWKS URL, which it and every service verify tokens with, is
 * known before anything starts.
 */
export async function createGateway(options: GatewayOptions & { port?: number; database?: TestDatabase } = {}): Promise<ServiceUnderTest> {
  const port = options.port ?? (await freePort());
  return createService({ app: 'gateway', port, jwksUrl: jwksUrlOf(port), env: gatewayEnv(port, options), database: options.database });
}

/** Big enough never to matter: for suites that are not about rate limits. */
export const NO_RATE_LIMITS = { RATE_LIMIT_CAPACITY: '100000', RATE_LIMIT_REFILL_PER_SEC: '100000', AUTH_RATE_LIMIT_PER_MIN: '100000' };

/**
 * A gateway issuing real tokens with a real account service behind it, which verifies them
 * against the gateway's JWKS.
 */
export class GatewayWithAccount {
  gateway: ServiceUnderTest | undefined;
  account: ServiceUnderTest | undefined;

  async start(options: GatewayOptions = {}): Promise<void> {
    const gatewayPort = await freePort();
    // The account service fetches the gateway's keys lazily, on the first request with a token.
    this.account = await createService({ app: 'account', jwksUrl: jwksUrlOf(gatewayPort) });
    this.gateway = await createGateway({ ...options, port: gatewayPort, upstreams: { account: this.account.url, ...options.upstreams } });
    await Promise.all([this.gateway.service.start(), this.account.service.start()]);
  }

  get gatewayUrl(): string {
    return this.gateway!.url;
  }

  async stop(): Promise<void> {
    await Promise.all([this.gateway?.stop(), this.account?.stop()]);
  }
}

/** Several gateway replicas on one database and one Redis, as they run in production. */
export class GatewayReplicas {
  private constructor(
    readonly gateways: ServiceUnderTest[],
    private readonly database: TestDatabase,
  ) {}

  /** Creates the replicas without starting them (see `start`), so that `stop()` can always clean up. */
  static async create(count: number, options: GatewayOptions = {}): Promise<GatewayReplicas> {
    const database = await createTestDatabase('gateway_replicas');
    const gateways: ServiceUnderTest[] = [];
    for (let index = 0; index < count; index += 1) gateways.push(await createGateway({ ...options, database }));
    return new GatewayReplicas(gateways, database);
  }

  async start(): Promise<this> {
    // One after the other: the first migrates the shared database and creates the signing key.
    for (const gateway of this.gateways) await gateway.service.start();
    return this;
  }

  get replicas(): ServiceProcess[] {
    return this.gateways.map((gateway) => gateway.service);
  }

  get urls(): string[] {
    return this.gateways.map((gateway) => gateway.url);
  }

  async stop(): Promise<void> {
    await Promise.all(this.gateways.map((gateway) => gateway.stop()));
    await this.database.drop();
  }
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- an answer is whatever was sent; specs assert on its shape
  /** Milliseconds from sending the request to the end of the answer. */
  ms: number;
  startedAt: number;
}

export interface HttpCall {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** A source address on the loopback network, to appear as a different client IP. */
  localAddress?: string;
  agent?: Agent;
}

/**
 * A plain node:http request, for what supertest does not do: a chosen source IP, headers it would
 * rewrite (Connection, TE, Upgrade), a raw path, and the time each answer took.
 */
export function http(url: string, call: HttpCall = {}): Promise<HttpAnswer> {
  const target = new URL(url);
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        // Sent as written: `new URL` would resolve dot segments and percent-encoding.
        path: url.slice(target.origin.length) || '/',
        method: call.method ?? 'GET',
        headers: call.headers,
        localAddress: call.localAddress,
        agent: call.agent ?? false,
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body, ms: performance.now() - startedAt, startedAt });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(call.body);
  });
}

/** A fresh address on 127.0.0.0/8: a client IP no other test uses, so its buckets start full. */
export function uniqueLoopbackAddress(): string {
  const byte = () => 1 + Math.floor(Math.random() * 254);
  return `127.${byte()}.${byte()}.${byte()}`;
}

/** Asserts an answer is the problem document of API.md with this status and code. */
export function expectProblem(answer: { status: number; headers: Record<string, unknown>; body: unknown }, status: number, code: string): void {
  expect({ status: answer.status, code: (answer.body as Problem | undefined)?.code }).toEqual({ status, code });
  expect(String(answer.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), code });
}

export function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** The decoded header and payload of a JWT (no verification). */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header ?? '', 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}

/** A JWT with any header, signed (HS256) with `secret` when one is given, else with an empty signature. */
export function handMadeJwt(header: Record<string, unknown>, payload: Record<string, unknown>, secret?: string | Buffer): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = secret === undefined ? '' : createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

export interface Arrival {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The raw header lines, to see duplicates. */
  rawHeaders: string[];
}

type Behaviour = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * A tiny node:http server standing in for a service, for the proxy mechanics no real service can
 * show: slow answers, dropped connections, the exact headers that arrive. It records every
 * request except its health probes (which always answer 200) and picks a behaviour by the
 * longest matching path prefix; anything else is echoed back as JSON.
 */
export class StandInUpstream {
  readonly arrivals: Arrival[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly behaviours: Record<string, Behaviour> = {}) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      if (request.url?.startsWith('/health/')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        return;
      }
      this.arrivals.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, rawHeaders: request.rawHeaders });
      const prefix = Object.keys(this.behaviours)
        .filter((candidate) => request.url?.startsWith(candidate))
        .sort((a, b) => b.length - a.length)[0];
      if (prefix) return this.behaviours[prefix]!(request, response);
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: request.method, url: request.url }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  arrivalsAt(path: string): Arrival[] {
    return this.arrivals.filter((arrival) => arrival.url === path);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Registers a new customer and logs them in from `localAddress`; returns the access token. */
export async function registerAndLogIn(
  gatewayUrl: string,
  localAddress: string,
  credentials: { email: string; password: string } = { email: `user-${randomUUID()}@example.test`, password: 'long-enough-password' },
): Promise<string> {
  const post = (path: string, body: unknown) =>
    http(`${gatewayUrl}${path}`, { method: 'POST', localAddress, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const registered = await post('/api/auth/register', { ...credentials, name: 'Customer' });
  if (registered.status !== 201) throw new Error(`could not register: ${registered.status} ${registered.text}`);
  const loggedIn = await post('/api/auth/login', credentials);
  if (loggedIn.status !== 200) throw new Error(`could not log in: ${loggedIn.status} ${loggedIn.text}`);
  return loggedIn.body.accessToken as string;
}

/**
 * Sends the same GET as fast as `workers` concurrent clients can, for `durationMs`, spreading the
 * requests over `urls` in turn (one gateway replica, then the next). Connections are kept alive,
 * so the rate measured is the gateway's, not TCP set-up's.
 */
export async function hammer(
  urls: string[],
  path: string,
  headers: Record<string, string>,
  durationMs: number,
  localAddress?: string,
  workers = 4,
): Promise<{ answers: (HttpAnswer & { url: string })[]; elapsedSeconds: number }> {
  const agents = urls.map(() => new Agent({ keepAlive: true }));
  const answers: (HttpAnswer & { url: string })[] = [];
  const stopAt = performance.now() + durationMs;
  let next = 0;
  let lastEnd = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < stopAt) {
        const index = next++ % urls.length;
        const answer = await http(`${urls[index]}${path}`, { headers, localAddress, agent: agents[index] });
        answers.push({ ...answer, url: urls[index]! });
        lastEnd = Math.max(lastEnd, answer.startedAt + answer.ms);
      }
    }),
  );
  for (const agent of agents) agent.destroy();
  const firstStart = Math.min(...answers.map((answer) => answer.startedAt));
  return { answers, elapsedSeconds: (lastEnd - firstStart) / 1000 };
}

export type TimedAnswer = HttpAnswer & { endedAt: number };

/**
 * A few clients each sending the same GET at a steady pace (one every `intervalMs`, or as soon as
 * the previous answer came if that took longer) until stopped: the steady traffic a service sees
 * in production, at a rate that does not depend on how fast the machine is. A request that gets
 * no answer at all is recorded with status 0.
 */
export class SteadyTraffic {
  readonly answers: TimedAnswer[] = [];
  private running = true;
  private readonly done: Promise<void>;

  constructor(url: string, headers: Record<string, string>, clients = 4, intervalMs = 40) {
    const agent = new Agent({ keepAlive: true });
    this.done = Promise.all(
      Array.from({ length: clients }, async () => {
        while (this.running) {
          const startedAt = performance.now();
          const answer = await http(url, { headers, agent }).catch(
            (): HttpAnswer => ({ status: 0, headers: {}, text: '', body: undefined, ms: performance.now() - startedAt, startedAt }),
          );
          this.answers.push({ ...answer, endedAt: answer.startedAt + answer.ms });
          await sleep(Math.max(0, intervalMs - answer.ms));
        }
      }),
    ).then(() => agent.destroy());
  }

  /** Answers to requests sent from `from` (inclusive) to `to` (exclusive), on the performance.now() clock. */
  sentBetween(from: number, to = Number.POSITIVE_INFINITY): TimedAnswer[] {
    return this.answers.filter((answer) => answer.startedAt >= from && answer.startedAt < to);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

/** Waits until `condition` holds, polling; returns false if it did not within `timeoutMs`. */
export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await condition()) return true;
    await sleep(everyMs);
  }
  return condition();
}
