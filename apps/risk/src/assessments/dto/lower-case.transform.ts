/**
 * For `@Transform`: ids are compared as text in Redis keys and members, so every id is lower-cased
 * once, at the boundary (Postgres would ignore the case, Redis does not).
 */
export const toLowerCase = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);
