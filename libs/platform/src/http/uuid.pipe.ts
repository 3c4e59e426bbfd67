import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '@bankshop/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * `@Param('id', UuidPipe)`: a malformed id in a path is a 400 naming the parameter (API.md); an
 * unknown but well-formed one is for the handler to answer 404.
 */
@Injectable()
export class UuidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (isUuid(value)) return value.toLowerCase();
    throw new ValidationFailedError([{ field: metadata.data ?? 'id', message: 'must be a UUID' }]);
  }
}
