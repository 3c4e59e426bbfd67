import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiProperty, getSchemaPath, type SchemaObject } from '@nestjs/swagger';
import { CURRENCIES } from '@bankshop/money';
import { ApiProblems } from './problem-responses.ts';

/** The name of the bearer security scheme in every document. */
export const BEARER_AUTH = 'bearer';

/**
 * An amount as the API renders it: exactly two fraction digits. Stricter than what clients may
 * send (`Money.WIRE_PATTERN`) in that respect, looser in allowing zero and, for signed amounts,
 * a minus sign.
 */
const RENDERED_AMOUNT = '^(?:0|[1-9][0-9]*)\\.[0-9]{2}$';
const RENDERED_SIGNED_AMOUNT = '^-?(?:0|[1-9][0-9]*)\\.[0-9]{2}$';

/**
 * A route that needs `Authorization: Bearer <accessToken>` (401 `UNAUTHENTICATED` without a
 * valid one). On a controller, every route of it.
 */
export function ApiAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth(BEARER_AUTH), ApiProblems('UNAUTHENTICATED'));
}

/** A route for administrators: a customer's token gets 403 `FORBIDDEN`. */
export function ApiAdmin(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiAuth(), ApiProblems('FORBIDDEN'));
}

/** A money amount in a response: a decimal string with exactly two fraction digits, never a number. */
export function ApiMoney(options: { description?: string; signed?: boolean; example?: string } = {}): PropertyDecorator {
  return ApiProperty({
    type: 'string',
    pattern: options.signed ? RENDERED_SIGNED_AMOUNT : RENDERED_AMOUNT,
    example: options.example ?? '12.50',
    ...(options.description ? { description: options.description } : {}),
  });
}

/** A currency in a response: one of the supported ISO 4217 codes. */
export function ApiCurrency(): PropertyDecorator {
  return ApiProperty({ enum: [...CURRENCIES], enumName: 'Currency', example: 'USD' });
}

/** 200 with `{items, nextCursor}`: a page of `item`, for routes taking `PageQuery`. */
export function ApiPageResponse(item: Type<unknown>, description: string): MethodDecorator {
  const schema: SchemaObject = {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: itemsOf(item),
      nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` to get the next page; null on the last page.' },
    },
  };
  return applyDecorators(ApiExtraModels(item), ApiOkResponse({ description, schema }));
}

/** 200 with `{items}`: every `item` at once (short lists, not paginated). */
export function ApiItemsResponse(item: Type<unknown>, description: string): MethodDecorator {
  const schema: SchemaObject = { type: 'object', required: ['items'], properties: { items: itemsOf(item) } };
  return applyDecorators(ApiExtraModels(item), ApiOkResponse({ description, schema }));
}

function itemsOf(item: Type<unknown>): SchemaObject {
  return { type: 'array', items: { $ref: getSchemaPath(item) } };
}
