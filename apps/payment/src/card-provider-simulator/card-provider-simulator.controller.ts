import type { IncomingMessage } from 'node:http';
import { Body, Controller, Get, Headers, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@bankshop/auth';
import { CardProviderSimulatorService } from './card-provider-simulator.service.ts';
import { ChargeKeyDto, CreateChargeDto, CreateRefundDto, toChargeView, toRefundView } from './dto/simulator.dto.ts';
import { SimulatorEnabledGuard } from './simulator-enabled.guard.ts';

/** The part of Express's response used here: the simulator writes its own wire format. */
interface JsonResponse {
  status(code: number): JsonResponse;
  json(body: unknown): unknown;
}

/** A request the simulator never answers is cut off after this, should its client never give up. */
const NO_ANSWER_LIMIT_MS = 5 * 60_000;

const CHARGE_STATUS_CODES = { succeeded: 201, declined: 402, canceled: 409 } as const;

/**
 * A simulated card provider over HTTP, in the style of Stripe's API: errors are `{error: code}`,
 * not problem documents, because this stands for a third party. Outside `/api` and `/internal`,
 * so the gateway never routes it; public like a provider's API (whose real key this stands in for).
 */
@ApiExcludeController()
@Public()
@UseGuards(SimulatorEnabledGuard)
@Controller('simulator/card-provider')
export class CardProviderSimulatorController {
  constructor(private readonly simulator: CardProviderSimulatorService) {}

  /** 201 succeeded, 402 declined, 409 cancelled earlier, 422 key reused, 500 processing error, or no answer. */
  @Post('charges')
  async charge(
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: CreateChargeDto,
    @Req() request: IncomingMessage,
    @Res() response: JsonResponse,
  ): Promise<void> {
    if (!key) return void response.status(400).json({ error: 'idempotency_key_required' });
    const answer = await this.simulator.charge(key, body);
    switch (answer.kind) {
      case 'charge':
        return void response.status(CHARGE_STATUS_CODES[answer.charge.status]).json(toChargeView(answer.charge));
      case 'keyReused':
        return void response.status(422).json({ error: 'idempotency_key_reused' });
      case 'processingError':
        return void response.status(500).json({ error: 'processing_error' });
      case 'noAnswer':
        return neverAnswer(request);
    }
  }

  @Get('charges')
  async find(@Query() query: ChargeKeyDto, @Res() response: JsonResponse): Promise<void> {
    const charge = await this.simulator.find(query.key);
    if (!charge) return void response.status(404).json({ error: 'no_such_charge' });
    response.status(200).json(toChargeView(charge));
  }

  /** 200 with the charge made with the key; if there was none, it is now cancelled for good. */
  @Post('charges/cancel')
  async cancel(@Body() body: ChargeKeyDto, @Res() response: JsonResponse): Promise<void> {
    response.status(200).json(toChargeView(await this.simulator.cancel(body.key)));
  }

  @Post('refunds')
  async refund(
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: CreateRefundDto,
    @Res() response: JsonResponse,
  ): Promise<void> {
    if (!key) return void response.status(400).json({ error: 'idempotency_key_required' });
    const answer = await this.simulator.refund(body.charge);
    switch (answer.kind) {
      case 'refund':
        return void response.status(201).json(toRefundView(answer.charge));
      case 'noSuchCharge':
        return void response.status(404).json({ error: 'no_such_charge' });
      case 'notRefundable':
        return void response.status(409).json({ error: 'charge_not_refundable' });
    }
  }
}

/** Holds the request open until the client gives up, and answers nothing. */
function neverAnswer(request: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    const limit = setTimeout(() => request.socket.destroy(), NO_ANSWER_LIMIT_MS);
    limit.unref();
    request.socket.once('close', () => {
      clearTimeout(limit);
      resolve();
    });
  });
}
