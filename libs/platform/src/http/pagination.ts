import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationFailedError } from '@bankshop/contracts';

/** `?limit&cursor` of every list route: at most 100 items a page, 20 by default. */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'Items per page.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be an integer from 1 to 100' })
  @Min(1, { message: 'must be an integer from 1 to 100' })
  @Max(100, { message: 'must be an integer from 1 to 100' })
  limit: number = 20;

  @ApiPropertyOptional({ maxLength: 500, description: 'The `nextCursor` of the previous page; omit for the first page.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

/** A page of a list, newest first; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Cursors are opaque to clients: base64url of the sort key of the last item returned (keyset
 * pagination, so pages stay stable while new rows arrive and deep pages stay fast).
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`; anything else is a 400 on `cursor`. */
export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string,
  isValid: (position: Record<string, unknown>) => position is T,
): T {
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (position && typeof position === 'object' && isValid(position as Record<string, unknown>)) return position as T;
  } catch {
    // fall through to the validation error
  }
  throw new ValidationFailedError([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only tells whether there is a next
 * page, and the cursor points after the last row returned.
 */
export function toPage<TRow, TItem>(
  rows: TRow[],
  limit: number,
  toItem: (row: TRow) => TItem,
  positionOf: (row: TRow) => Record<string, string | number>,
): Page<TItem> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null,
  };
}
