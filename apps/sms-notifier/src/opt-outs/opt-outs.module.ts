import { Module } from '@nestjs/common';
import { OptOutsController } from './opt-outs.controller.js';
import { OptOutsRepository } from './opt-outs.repository.js';

@Module({ controllers: [OptOutsController], providers: [OptOutsRepository], exports: [OptOutsRepository] })
export class OptOutsModule {}
