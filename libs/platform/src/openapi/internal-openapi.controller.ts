import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';
import { Internal } from '@bankshop/auth';
import { NotFoundError } from '@bankshop/contracts';
import { OpenApiRegistry } from './openapi-registry.ts';

/**
 * `GET /internal/openapi.json`: the document of this service's public routes, which the gateway
 * merges into the one it publishes at `/api/openapi.json`.
 */
@Internal()
@ApiExcludeController()
@Controller('internal/openapi.json')
export class InternalOpenApiController {
  constructor(private readonly registry: OpenApiRegistry) {}

  @Get()
  document(): OpenAPIObject {
    if (!this.registry.document) throw new NotFoundError('This service publishes no OpenAPI document.');
    return this.registry.document;
  }
}
