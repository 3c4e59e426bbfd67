import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@bankshop/auth';
import { ApiPageResponse, ApiProblems, PageQuery, UuidPipe, type Page } from '@bankshop/platform';
import { ProductView } from './dto/product.dto.ts';
import { ProductsService } from './products.service.ts';

/** The public catalogue (API.md "Commerce"): no token needed. */
@ApiTags('Products')
@Public()
@Controller('api/products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @ApiOperation({ summary: 'The catalogue' })
  @ApiPageResponse(ProductView, 'Products, newest first.')
  @ApiProblems('VALIDATION_FAILED')
  list(@Query() page: PageQuery): Promise<Page<ProductView>> {
    return this.products.list(page);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One product', description: '`stock` is the number of units available now.' })
  @ApiOkResponse({ type: ProductView })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  get(@Param('id', UuidPipe) id: string): Promise<ProductView> {
    return this.products.get(id);
  }
}
