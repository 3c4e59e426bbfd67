import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { HoldView } from '@bankshop/contracts';
import { Internal } from '@bankshop/auth';
import { IsUuid, UuidPipe } from '@bankshop/platform';
import { CaptureHoldDto, PlaceHoldDto } from './dto/place-hold.dto.ts';
import { HoldsService } from './holds.service.ts';

class HoldLookupQuery {
  @IsUuid()
  transferId!: string;
}

/** The two-phase transfer, account side. Called by the transaction service only. */
@Internal()
@Controller('internal/holds')
export class HoldsController {
  constructor(private readonly holds: HoldsService) {}

  @Post()
  place(@Body() request: PlaceHoldDto): Promise<HoldView> {
    return this.holds.place(request);
  }

  @Get()
  findByTransfer(@Query() query: HoldLookupQuery): Promise<HoldView> {
    return this.holds.getByTransfer(query.transferId);
  }

  @Get(':id')
  get(@Param('id', UuidPipe) id: string): Promise<HoldView> {
    return this.holds.get(id);
  }

  @Post(':id/capture')
  @HttpCode(200)
  capture(@Param('id', UuidPipe) id: string, @Body() request: CaptureHoldDto): Promise<HoldView> {
    return this.holds.capture(id, request.lockMode);
  }

  @Post(':id/void')
  @HttpCode(200)
  void(@Param('id', UuidPipe) id: string): Promise<HoldView> {
    return this.holds.void(id);
  }
}
