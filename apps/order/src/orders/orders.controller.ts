import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@bankshop/auth';
import { ApiAuth, ApiPageResponse, ApiProblems, Idempotent, PageQuery, UuidPipe, type Page } from '@bankshop/platform';
import { OrderView } from './dto/order.view.ts';
import { PlaceOrderDto } from './dto/place-order.dto.ts';
import { OrdersService, type OrderAnswer } from './orders.service.ts';

/** What a handler needs of the response to choose its status: Express and Fastify both have it. */
interface StatusSettable {
  status(code: number): unknown;
}

/** Orders and checkout (API.md "Commerce"). */
@ApiTags('Orders')
@ApiAuth()
@Controller('api/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Place an order',
    description:
      'Checks out the given items, or the cart when `items` is absent (emptied once the order is confirmed). ' +
      'Answers 201 with the order once its checkout finished (CONFIRMED, or CANCELLED with a `failureReason`), ' +
      'or 202 with the order still PENDING if it takes longer: poll `GET /api/orders/:id`.',
  })
  @ApiCreatedResponse({ type: OrderView, description: 'The order, CONFIRMED or CANCELLED.' })
  @ApiAcceptedResponse({ type: OrderView, description: 'The order, still PENDING.' })
  @ApiProblems('PRODUCT_NOT_FOUND', 'CURRENCY_MISMATCH')
  async place(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: PlaceOrderDto,
    @Headers('idempotency-key') key: string,
    @Res({ passthrough: true }) response: StatusSettable,
  ): Promise<OrderView> {
    return answer(await this.orders.place(user, body, key), response, 201);
  }

  @Get()
  @ApiOperation({ summary: 'Orders', description: 'Your orders (everyone’s for administrators), newest first.' })
  @ApiPageResponse(OrderView, 'Orders, newest first.')
  @ApiProblems('VALIDATION_FAILED')
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: PageQuery): Promise<Page<OrderView>> {
    return this.orders.list(user, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One order' })
  @ApiOkResponse({ type: OrderView })
  @ApiProblems('VALIDATION_FAILED', 'ORDER_NOT_FOUND')
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', UuidPipe) id: string): Promise<OrderView> {
    return this.orders.get(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a confirmed order',
    description: 'Refunds the payment and puts the stock back. Answers 202 if that is still under way.',
  })
  @ApiOkResponse({ type: OrderView, description: 'The order, CANCELLED, its payment REFUNDED.' })
  @ApiAcceptedResponse({ type: OrderView, description: 'The order, still being cancelled.' })
  @ApiProblems('VALIDATION_FAILED', 'ORDER_NOT_FOUND', 'ORDER_NOT_CANCELLABLE')
  async cancel(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', UuidPipe) id: string,
    @Res({ passthrough: true }) response: StatusSettable,
  ): Promise<OrderView> {
    return answer(await this.orders.cancel(user, id), response, 200);
  }
}

function answer({ order, finished }: OrderAnswer, response: StatusSettable, done: number): OrderView {
  response.status(finished ? done : 202);
  return order;
}
