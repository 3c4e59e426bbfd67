import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';

/**
 * A UUID field, normalised to lower case. UUIDs are case-insensitive, but the ids stored and
 * compared here are lower case: without this, the same account spelled in capitals would not be
 * found, or would not be recognised as the same account. Documented in OpenAPI as `format: uuid`.
 */
export function IsUuid(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: 'string', format: 'uuid' }),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value)),
    IsUUID('all', { message: '$property must be a UUID' }),
  );
}
