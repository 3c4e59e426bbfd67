import { ValidateIf } from 'class-validator';

/**
 * An optional field of a request body: it may be left out, but when it is sent it must be valid,
 * and `null` is not valid. class-validator's `@IsOptional()` skips `null` as well as a missing
 * field, so `{"price": null}` passed validation and reached code that needs a price (a 500). Query
 * parameters keep `@IsOptional()`: they arrive as strings and are never null.
 */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
