import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { CircuitState } from '@bankshop/resilience';

type Status = 'up' | 'down';

/** `GET /api/health`: the system as the gateway sees it. */
@ApiSchema({ name: 'SystemHealth' })
export class SystemHealth {
  @ApiProperty({ enum: ['ok', 'degraded'], description: '`degraded` when any service is down.' })
  status!: 'ok' | 'degraded';

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['up', 'down'] },
    example: { gateway: 'up', account: 'up', transaction: 'up', risk: 'down' },
    description: 'Each service by name: ready, or not.',
  })
  services!: Record<string, Status>;

  /** Circuit breaker of each upstream, as the gateway sees it. */
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['closed', 'halfOpen', 'open'] },
    example: { account: 'closed', transaction: 'closed', risk: 'open' },
    description: 'The circuit breaker of each service behind the gateway.',
  })
  breakers!: Record<string, CircuitState>;
}
