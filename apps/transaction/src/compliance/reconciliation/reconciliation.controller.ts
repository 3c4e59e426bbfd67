import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@bankshop/contracts';
import { Roles } from '@bankshop/auth';
import { ApiAdmin, ApiProblems, PageQuery, UuidPipe, type Page } from '@bankshop/platform';
import { ReconciliationService, type ReconciliationView } from './reconciliation.service.ts';

const REPORT =
  'The `Reconciliation` (API.md), plus `discrepancyCount`: every discrepancy found, of which `discrepancies` lists the first ' +
  'RECONCILIATION_MAX_LISTED_DISCREPANCIES (500 by default).';

/** Reconciliation runs, for administrators (API.md "Audit and reconciliation"). */
@ApiTags('Admin')
@ApiAdmin()
@Roles('admin')
@Controller('api/admin/reconciliations')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  /** Runs one now and answers with its report when it is done. */
  @Post()
  @ApiOperation({ summary: 'Run a reconciliation', description: 'Answers when the run is done, with its report.' })
  @ApiCreatedResponse({ description: REPORT })
  run(): Promise<ReconciliationView> {
    return this.reconciliation.run('manual');
  }

  @Get()
  @ApiOperation({ summary: 'Reconciliation runs' })
  @ApiOkResponse({ description: '`{items: Reconciliation[], nextCursor}`, newest first.' })
  @ApiProblems('VALIDATION_FAILED')
  list(@Query() page: PageQuery): Promise<Page<ReconciliationView>> {
    return this.reconciliation.list(page);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One reconciliation run' })
  @ApiOkResponse({ description: REPORT })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async get(@Param('id', UuidPipe) id: string): Promise<ReconciliationView> {
    const run = await this.reconciliation.get(id);
    if (!run) throw new NotFoundError('No such reconciliation run.');
    return run;
  }
}
