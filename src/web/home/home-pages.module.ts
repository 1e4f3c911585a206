import { Module } from '@nestjs/common';

/** One front door across agencies: the signed-in person's tasks, applications and awards in every agency. */
@Module({
  controllers: [],
  providers: [],
})
export class HomePagesModule {}
