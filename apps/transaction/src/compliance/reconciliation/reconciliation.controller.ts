import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { NotFoundError } from '@bankshop/contracts';
import { Roles } from '@bankshop/auth';
import { PageQuery, UuidPipe, type Page } from '@bankshop/platform';
import { ReconciliationService, type ReconciliationView } from './reconciliation.service.ts';

/** Reconciliation runs, for administrators (API.md "Audit and reconciliation"). */
@Roles('admin')
@Controller('api/admin/reconciliations')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  /** Runs one now and answers with its report when it is done. */
  @Post()
  run(): Promise<ReconciliationView> {
    return this.reconciliation.run('manual');
  }

  @Get()
  list(@Query() page: PageQuery): Promise<Page<ReconciliationView>> {
    return this.reconciliation.list(page);
  }

  @Get(':id')
  async get(@Param('id', UuidPipe) id: string): Promise<ReconciliationView> {
    const run = await this.reconciliation.get(id);
    if (!run) throw new NotFoundError('No such reconciliation run.');
    return run;
  }
}
