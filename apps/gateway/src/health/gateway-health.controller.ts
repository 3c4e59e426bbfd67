import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@bankshop/auth';
import { GatewayConfig } from '../config/gateway.config.ts';
import { Upstreams, type UpstreamName } from '../proxy/upstreams.ts';
import { SystemHealth } from './system-health.view.ts';

type Status = 'up' | 'down';

/**
 * `GET /api/health`: is every service ready, as far as the gateway can tell? A service is down if
 * its readiness probe fails or its breaker is open. The gateway answers 200 either way: it is up,
 * and `degraded` tells the rest.
 */
@Public()
@ApiTags('Health')
@Controller('api/health')
export class GatewayHealthController {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly config: GatewayConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'System health', description: 'Always 200 while the gateway is up; `status` tells the rest.' })
  @ApiOkResponse({ type: SystemHealth })
  async health(): Promise<SystemHealth> {
    const breakers = this.upstreams.circuits();
    const names = Object.keys(breakers) as UpstreamName[];
    const probes = await Promise.all(
      names.map(async (name) => {
        if (breakers[name] === 'open') return 'down' as const;
        const url = this.config[`${name.toUpperCase()}_SERVICE_URL` as `${Uppercase<UpstreamName>}_SERVICE_URL`];
        const response = await fetch(new URL('/health/ready', url), { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
        await response?.body?.cancel();
        return response?.status === 200 ? ('up' as const) : ('down' as const);
      }),
    );
    const services: Record<string, Status> = { gateway: 'up' };
    names.forEach((name, index) => (services[name] = probes[index]!));
    return { status: probes.every((probe) => probe === 'up') ? 'ok' : 'degraded', services, breakers };
  }
}
