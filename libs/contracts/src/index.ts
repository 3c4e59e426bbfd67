export { SERVICES, type ServiceName } from './services.ts';
export { TOPICS, TOPIC_PARTITIONS, type Topic } from './topics.ts';
export {
  EVENT_TOPICS,
  InvalidEventError,
  parseEnvelope,
  topicOf,
  type AuditRecordedV1,
  type EventEnvelope,
  type EventType,
} from './events.ts';
export {
  DomainError,
  ERROR_CODES,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  ValidationFailedError,
  type ErrorCode,
  type FieldError,
} from './errors.ts';
export type {
  AccountCashMovedV1,
  BalanceCheck,
  ReconciliationCompletedV1,
  TransferLeg,
  TransferLegPage,
  AccountFacts,
  AccountOpenedV1,
  AccountStatus,
  AccountStatusChangedV1,
  AccountTransferLegV1,
  CaptureHoldRequest,
  Currency,
  HoldStatus,
  HoldView,
  LockMode,
  PlaceHoldRequest,
  RiskAssessedV1,
  RiskAssessmentRequest,
  RiskAssessmentResult,
  RiskDecision,
  TransferOutcomeV1,
} from './banking.ts';
export { PUBLIC_ROUTES, serviceForPath } from './routes.ts';
export type {
  ProductChangedV1,
  ReservationItemRequest,
  ReservationStatus,
  ReservationView,
  ReservedLine,
  ReserveStockRequest,
  StockMovedV1,
} from './commerce.ts';
