import { Module } from '@nestjs/common';
import { ReconciliationDataController } from './reconciliation-data.controller.ts';
import { ReconciliationDataService } from './reconciliation-data.service.ts';

@Module({ controllers: [ReconciliationDataController], providers: [ReconciliationDataService] })
export class ReconciliationDataModule {}
