import { Module } from '@nestjs/common';
import { GatewayHealthController } from './health/gateway-health.controller.ts';
import { Upstreams } from './proxy/upstreams.ts';
import { RateLimiter } from './rate-limit/rate-limiter.ts';
import { JwksController } from './tokens/jwks.controller.ts';
import { SigningKeys } from './tokens/signing-keys.ts';
import { AuthController } from './users/auth.controller.ts';
import { UsersService } from './users/users.service.ts';

@Module({
  controllers: [AuthController, JwksController, GatewayHealthController],
  providers: [UsersService, SigningKeys, RateLimiter, Upstreams],
})
export class GatewayModule {}
