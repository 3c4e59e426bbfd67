import { metrics, type Meter } from '@opentelemetry/api';

/**
 * The meter for business metrics. Instruments are created once, where they are used, with a
 * unit and a description, and named after the OpenTelemetry semantic conventions when one exists
 * (`bankshop.transfers` with attributes, not one metric per outcome).
 */
export function meter(): Meter {
  return metrics.getMeter('bankshop');
}
