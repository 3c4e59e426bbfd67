import { Module } from '@nestjs/common';
import { InternalOpenApiController } from './internal-openapi.controller.ts';
import { OpenApiRegistry } from './openapi-registry.ts';

/** The service's OpenAPI document and `GET /internal/openapi.json`; part of `PlatformModule`. */
@Module({
  controllers: [InternalOpenApiController],
  providers: [OpenApiRegistry],
  exports: [OpenApiRegistry],
})
export class OpenApiModule {}
