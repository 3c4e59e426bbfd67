import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@bankshop/auth';
import { ApiAuth, ApiProblems, UuidPipe } from '@bankshop/platform';
import { CartService } from './cart.service.ts';
import { CartView, SetCartItemDto } from './dto/cart.dto.ts';

/** The signed-in customer's cart (API.md "Commerce"); checked out by `POST /api/orders` without items. */
@ApiTags('Cart')
@ApiAuth()
@Controller('api/cart')
export class CartController {
  constructor(private readonly cart: CartService) {}

  @Get()
  @ApiOperation({ summary: 'Your cart', description: 'Priced at today’s catalogue prices.' })
  @ApiOkResponse({ type: CartView })
  get(@CurrentUser() user: AuthenticatedUser): Promise<CartView> {
    return this.cart.get(user.id);
  }

  @Put('items/:productId')
  @ApiOperation({
    summary: 'Set how many of a product the cart holds',
    description: 'A quantity of 0 removes the product. A product that does not exist is a 404, like any unknown id in a path.',
  })
  @ApiOkResponse({ type: CartView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CURRENCY_MISMATCH')
  set(
    @CurrentUser() user: AuthenticatedUser,
    @Param('productId', UuidPipe) productId: string,
    @Body() body: SetCartItemDto,
  ): Promise<CartView> {
    return this.cart.set(user.id, productId, body.quantity);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Empty your cart' })
  @ApiNoContentResponse({ description: 'The cart is empty.' })
  async clear(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.cart.clear(user.id);
  }
}
