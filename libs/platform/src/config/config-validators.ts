import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationArguments } from 'class-validator';

/** A URL (parsed by WHATWG `URL`, as the drivers do) with one of the given protocols. */
export function IsUrlWithProtocol(protocols: string[]) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isUrlWithProtocol',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && URL.canParse(value) && protocols.includes(new URL(value).protocol),
        defaultMessage: () => `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
      },
    });
}

/** A non-empty comma-separated list of `host:port` Kafka bootstrap servers. */
export function IsBrokerList() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isBrokerList',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.length > 0 &&
          value.every((broker) => typeof broker === 'string' && /^[\w.-]+:\d{1,5}$/.test(broker)),
        defaultMessage: (_args?: ValidationArguments) => 'must be a comma-separated list of host:port',
      },
    });
}

/** An integer within bounds, reported as one message (`must be an integer from 1 to 65535`). */
export function IsIntInRange(min: number, max = Number.MAX_SAFE_INTEGER) {
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isIntInRange',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
        defaultMessage: () => `must be an integer ${range}`,
      },
    });
}

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

/** An integer environment variable within bounds: `@EnvInt(1, 65535) PORT = 3000`. */
export function EnvInt(min: number, max?: number): PropertyDecorator {
  const validate = IsIntInRange(min, max);
  return applyDecorators(Transform(toInt), (target: object, propertyName: string | symbol) =>
    validate(target, String(propertyName)),
  );
}
