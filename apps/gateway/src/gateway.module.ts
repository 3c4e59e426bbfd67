import { Module } from '@nestjs/common';
import { GatewayHealthController } from './health/gateway-health.controller.ts';
import { PublicApiDocument } from './openapi/public-api-document.ts';
import { PublicOpenApiController } from './openapi/public-openapi.controller.ts';
import { Upstreams } from './proxy/upstreams.ts';
import { RateLimiter } from './rate-limit/rate-limiter.ts';
import { JwksController } from './tokens/jwks.controller.ts';
import { SigningKeys } from './tokens/signing-keys.ts';
import { AuthController } from './users/auth.controller.ts';
import { UsersService } from './users/users.service.ts';

@Module({
  controllers: [AuthController, JwksController, GatewayHealthController, PublicOpenApiController],
  providers: [UsersService, SigningKeys, RateLimiter, Upstreams, PublicApiDocument],
})
export class GatewayModule {}
