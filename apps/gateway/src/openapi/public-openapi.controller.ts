import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@bankshop/auth';
import { PublicApiDocument } from './public-api-document.ts';
import type { PublicDocument } from './merge-documents.ts';

/** `GET /api/openapi.json`: the OpenAPI 3.1 document of the whole public API. */
@Public()
@ApiExcludeController()
@Controller('api/openapi.json')
export class PublicOpenApiController {
  constructor(private readonly document: PublicApiDocument) {}

  @Get()
  get(): Promise<PublicDocument> {
    return this.document.get();
  }
}
