import { Injectable } from '@nestjs/common';
import type { RiskAssessmentRequest, RiskAssessmentResult } from '@bankshop/contracts';
import { bodyOrRefusal, UpstreamClient } from '@bankshop/resilience';
import { TransactionConfig } from '../config/transaction.config.ts';

/** The risk service's assessment API (idempotent by transfer id, so retried like a GET). */
@Injectable()
export class RiskClient {
  private readonly upstream: UpstreamClient;
  private readonly headers: Record<string, string>;

  constructor(config: TransactionConfig) {
    this.upstream = new UpstreamClient({ name: 'risk', baseUrl: config.RISK_SERVICE_URL, timeoutMs: config.UPSTREAM_TIMEOUT_MS });
    this.headers = { 'x-internal-token': config.INTERNAL_API_TOKEN };
  }

  async assess(request: RiskAssessmentRequest): Promise<RiskAssessmentResult> {
    const response = await this.upstream.request<RiskAssessmentResult>({
      method: 'POST',
      path: '/internal/assessments',
      body: request,
      headers: this.headers,
      idempotent: true,
    });
    return bodyOrRefusal('risk', response);
  }
}
