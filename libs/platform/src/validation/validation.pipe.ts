import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ValidationFailedError, type FieldError } from '@bankshop/contracts';

/**
 * Validates every incoming DTO exactly once, at the edge: unknown fields are rejected (400), not
 * silently dropped, and failures become `VALIDATION_FAILED` with one entry per field problem.
 * Bodies must be JSON objects; an array or a bare string where an object is expected is refused.
 */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new ValidationFailedError(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const expectsObject = metadata.type === 'body' && metadata.metatype && this.toValidate(metadata);
    if (expectsObject && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new ValidationFailedError([{ field: 'body', message: 'must be a JSON object' }]);
    }
    if (metadata.type === 'body' || metadata.type === 'query') {
      const field = fieldWithNul(value, '');
      if (field !== undefined) throw new ValidationFailedError([{ field: field || metadata.type, message: 'must not contain the NUL character' }]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The path of the first string holding U+0000, if any. JSON and URLs can carry it, PostgreSQL text
 * cannot: such a value would fail in the database as a 500 (a login with a NUL in its email did),
 * so it is refused here, as any other invalid input is.
 */
function fieldWithNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null || depth > 32) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return itemPath;
    const found = fieldWithNul(item, itemPath, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
