import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@bankshop/auth';
import { ApiAuth, ApiProblems, UuidPipe } from '@bankshop/platform';
import { PublicPaymentView, toPublicView } from './dto/payment.view.ts';
import { PaymentsService } from './payments.service.ts';

/** Payments of orders (API.md "Commerce"). */
@ApiTags('Payments')
@ApiAuth()
@Controller('api/payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Get(':id')
  @ApiOperation({ summary: 'One payment', description: 'Visible to the customer who paid, and to administrators.' })
  @ApiOkResponse({ type: PublicPaymentView })
  @ApiProblems('VALIDATION_FAILED', 'PAYMENT_NOT_FOUND')
  async get(@CurrentUser() user: AuthenticatedUser, @Param('id', UuidPipe) id: string): Promise<PublicPaymentView> {
    return toPublicView(await this.payments.get(user, id));
  }
}
