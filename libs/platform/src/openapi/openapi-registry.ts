import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

/** The service's OpenAPI document, made once at start-up by `bootstrap` (option `openApi`). */
@Injectable()
export class OpenApiRegistry {
  document: OpenAPIObject | undefined;
}
