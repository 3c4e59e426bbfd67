import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type CircuitBreaker from 'opossum';
import { Pool, type Dispatcher } from 'undici';
import { SERVICES, type ServiceName } from '@bankshop/contracts';
import { createCircuitBreaker, stateOf, type CircuitState } from '@bankshop/resilience';
import { GatewayConfig } from '../config/gateway.config.ts';

export type UpstreamName = Exclude<ServiceName, 'gateway'>;

/** An upstream answered 500, 502 or 504: it is failing, and that counts against its breaker. */
export class FailingAnswer extends Error {
  override readonly name = 'FailingAnswer';

  constructor(readonly response: Dispatcher.ResponseData) {
    super(`upstream answered ${response.statusCode}`);
  }
}

/** Connections refused in a row that open an upstream's breaker, whatever the traffic before. */
const REFUSALS_TO_OPEN = 3;

interface Upstream {
  pool: Pool;
  breaker: CircuitBreaker<[Dispatcher.RequestOptions], Dispatcher.ResponseData>;
}

/**
 * A keep-alive connection pool and a circuit breaker per service behind the gateway. The breaker
 * counts what says "this service is failing": no connection, no answer in time, 500, 502, 504.
 * A 503 is not counted: here it is always a deliberate, fast answer ("a dependency of mine is
 * down"), and counting it would open breakers in a cascade across layers. Three refused
 * connections in a row open it at once.
 */
@Injectable()
export class Upstreams implements OnApplicationShutdown {
  private readonly upstreams = new Map<UpstreamName, Upstream>();

  constructor(config: GatewayConfig) {
    for (const { name } of SERVICES) {
      if (name === 'gateway') continue;
      const pool = new Pool(config[`${name.toUpperCase()}_SERVICE_URL` as `${Uppercase<UpstreamName>}_SERVICE_URL`], {
        connections: 128,
        keepAliveTimeout: 10_000,
        headersTimeout: config.UPSTREAM_TIMEOUT_MS,
        bodyTimeout: config.UPSTREAM_TIMEOUT_MS,
      });
      let refusedInARow = 0;
      const breaker: Upstream['breaker'] = createCircuitBreaker(
        name,
        async (options: Dispatcher.RequestOptions) => {
          let response: Dispatcher.ResponseData;
          try {
            response = await pool.request(options);
          } catch (error) {
            // A refused connection is certain news (nothing listens), unlike a slow or failing
            // answer: a few in a row open the breaker at once, without waiting for the share of
            // failures in a busy ten-second window to reach half.
            if ((error as { code?: string }).code === 'ECONNREFUSED' && ++refusedInARow >= REFUSALS_TO_OPEN) breaker.open();
            throw error;
          }
          refusedInARow = 0;
          if (response.statusCode === 500 || response.statusCode === 502 || response.statusCode === 504) {
            throw new FailingAnswer(response);
          }
          return response;
        },
        { errorThresholdPercentage: 50, volumeThreshold: 5, rollingWindowMs: 10_000, resetTimeoutMs: config.BREAKER_RESET_TIMEOUT_MS },
      );
      this.upstreams.set(name, { pool, breaker });
    }
  }

  /** Sends one request through the service's breaker. */
  request(name: UpstreamName, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
    return this.mustGet(name).breaker.fire(options);
  }

  circuits(): Record<UpstreamName, CircuitState> {
    return Object.fromEntries([...this.upstreams].map(([name, { breaker }]) => [name, stateOf(breaker)])) as Record<UpstreamName, CircuitState>;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.upstreams.values()].map(({ pool }) => pool.close().catch(() => undefined)));
  }

  private mustGet(name: UpstreamName): Upstream {
    const upstream = this.upstreams.get(name);
    if (!upstream) throw new Error(`no upstream ${name}`);
    return upstream;
  }
}
