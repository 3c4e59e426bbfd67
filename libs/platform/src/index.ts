export { bootstrap, type BootstrapOptions } from './bootstrap.ts';
export { PlatformModule, type PlatformOptions } from './platform.module.ts';
export { configureApp, BODY_LIMIT, BODY_LIMIT_BYTES } from './http/configure-app.ts';
export { ServiceConfig } from './config/service-config.ts';
export { loadConfig, InvalidConfigError } from './config/load-config.ts';
export { EnvInt, IsBrokerList, IsIntInRange, IsUrlWithProtocol } from './config/config-validators.ts';
export { ProblemDetailsFilter, toProblemDetails, type ProblemDetails } from './errors/problem-details.filter.ts';
export { ERROR_CATALOG, problemType } from './errors/error-catalog.ts';
export { StrictValidationPipe } from './validation/validation.pipe.ts';
export { IsCurrencyCode, IsMoneyAmount } from './validation/money.validators.ts';
export { dataSourceOptions, type DatabaseOptions, type DatabaseSettings } from './database/data-source-options.ts';
export { migrate, runMigrations } from './database/run-migrations.ts';
export { REDIS } from './redis/redis.module.ts';
export { Idempotent, IdempotencyModule, IdempotencyReaper } from './idempotency/idempotency.module.ts';
export { IDEMPOTENCY_KEY_PATTERN } from './idempotency/idempotency.interceptor.ts';
export { IdempotencyKeyRequiredError, IdempotencyKeyReusedError } from './idempotency/idempotency.errors.ts';
export { IdempotencyKeys1763942600000 } from './idempotency/idempotency-keys.migration.ts';
export { IdempotencyStore, type Claim } from './idempotency/idempotency-store.ts';
export { PreparedResponse } from './idempotency/prepared-response.ts';
export { idempotentId } from './idempotency/idempotent-id.ts';
export { isUuid, UuidPipe } from './http/uuid.pipe.ts';
export { decodeCursor, encodeCursor, PageQuery, toPage, type Page } from './http/pagination.ts';
export { isUniqueViolation } from './database/postgres-errors.ts';
export { IsUuid } from './validation/uuid.validators.ts';
export { IsOmittable } from './validation/omittable.validators.ts';
export {
  ApiAdmin,
  ApiAuth,
  ApiCurrency,
  ApiItemsResponse,
  ApiMoney,
  ApiPageResponse,
  BEARER_AUTH,
} from './openapi/api-decorators.ts';
export {
  addProblemResponses,
  ApiProblems,
  problemCodesOf,
  problemExample,
  problemResponses,
  PROBLEM_MEDIA_TYPE,
  PROBLEM_SCHEMAS,
} from './openapi/problem-responses.ts';
export {
  API_VERSION,
  createOpenApiDocument,
  headerRef,
  OPENAPI_VERSION,
  operationsOf,
  PUBLIC_PATH_PREFIX,
  RESPONSE_HEADERS,
  type OpenApiOptions,
} from './openapi/openapi-document.ts';
export { OpenApiRegistry } from './openapi/openapi-registry.ts';
export { GenerationCache, type GenerationCacheOptions } from './cache/generation-cache.ts';
