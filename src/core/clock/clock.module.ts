import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';

/** One Clock for the whole process (global, so every module reads the same time). */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
