import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@bankshop/auth';
import { ApiAdmin, ApiProblems, UuidPipe } from '@bankshop/platform';
import { CreateProductDto, ProductView, UpdateProductDto } from './dto/product.dto.ts';
import { ProductsService } from './products.service.ts';

/** Catalogue administration. */
@ApiTags('Admin')
@ApiAdmin()
@Roles('admin')
@Controller('api/admin/products')
export class AdminProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post()
  @ApiOperation({ summary: 'Add a product' })
  @ApiCreatedResponse({ type: ProductView })
  @ApiProblems('VALIDATION_FAILED', 'SKU_TAKEN')
  create(@Body() body: CreateProductDto): Promise<ProductView> {
    return this.products.create(body);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a product',
    description:
      'Only the fields given change; `stock` sets the units available. A product so busy with checkouts that the ' +
      'change cannot be made is a 503: retry after `Retry-After`.',
  })
  @ApiOkResponse({ type: ProductView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'UPSTREAM_UNAVAILABLE')
  update(@Param('id', UuidPipe) id: string, @Body() body: UpdateProductDto): Promise<ProductView> {
    return this.products.update(id, body);
  }
}
