import { Money } from './money.ts';

/**
 * Converts between {@link Money} and a Postgres `numeric(20,2)` column.
 *
 * Shaped like TypeORM's `ValueTransformer` without importing TypeORM, so this lib stays free of
 * any ORM: `@Column({ type: 'numeric', precision: 20, scale: 2, transformer: moneyTransformer })`.
 * The pg driver returns `numeric` as a string, which keeps the value exact all the way.
 *
 * `null` and `undefined` pass through unchanged in both directions: TypeORM writes `null` as SQL
 * NULL and leaves an `undefined` property out of the statement.
 */
export const moneyTransformer = {
  /**
   * Entity to database: the canonical two-digit string.
   *
   * @throws TypeError for anything other than a `Money`, so a stray number or unchecked string
   *   cannot slip into a money column.
   */
  to(value: Money | null | undefined): string | null | undefined {
    if (value === null || value === undefined) return value;
    if (!(value instanceof Money)) {
      throw new TypeError(`moneyTransformer.to expects a Money, got ${typeof value}`);
    }
    return value.toString();
  },

  /**
   * Database to entity. Uses {@link Money.of}, so a value with significant digits beyond the cent
   * (possible only if the column is not `numeric(_, 2)`) throws instead of being rounded.
   */
  from(value: string | null | undefined): Money | null | undefined {
    if (value === null || value === undefined) return value;
    return Money.of(value);
  },
};
