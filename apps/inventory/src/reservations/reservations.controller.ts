import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { ReservationView } from '@bankshop/contracts';
import { Internal } from '@bankshop/auth';
import { UuidPipe } from '@bankshop/platform';
import { ReserveStockDto } from './dto/reserve-stock.dto.ts';
import { ReservationsService } from './reservations.service.ts';

class ReservationLookupQuery {
  @IsString()
  @Length(1, 255)
  key!: string;
}

/** Stock reservations of the checkout saga. Called by the order service only. */
@ApiExcludeController()
@Internal()
@Controller('internal/reservations')
export class ReservationsController {
  constructor(private readonly reservations: ReservationsService) {}

  @Post()
  reserve(@Body() request: ReserveStockDto): Promise<ReservationView> {
    return this.reservations.reserve(request);
  }

  @Get()
  findByKey(@Query() query: ReservationLookupQuery): Promise<ReservationView> {
    return this.reservations.getByKey(query.key);
  }

  @Get(':id')
  get(@Param('id', UuidPipe) id: string): Promise<ReservationView> {
    return this.reservations.get(id);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  confirm(@Param('id', UuidPipe) id: string): Promise<ReservationView> {
    return this.reservations.confirm(id);
  }

  @Post(':id/release')
  @HttpCode(200)
  release(@Param('id', UuidPipe) id: string): Promise<ReservationView> {
    return this.reservations.release(id);
  }
}
