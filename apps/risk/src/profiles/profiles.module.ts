import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountProfilesService } from './account-profiles.service.ts';
import { AccountProfile } from './persistence/account-profile.entity.ts';
import { TransferEventsListener } from './transfer-events.listener.ts';

/** Account histories, learnt from `transfer.completed.v1` events. */
@Module({
  imports: [TypeOrmModule.forFeature([AccountProfile])],
  controllers: [TransferEventsListener],
  providers: [AccountProfilesService],
  exports: [AccountProfilesService],
})
export class ProfilesModule {}
