import { Module } from '@nestjs/common';
import { MessagesController } from './messages.controller.js';
import { SmsMessagesRepository } from './sms-messages.repository.js';

@Module({ controllers: [MessagesController], providers: [SmsMessagesRepository], exports: [SmsMessagesRepository] })
export class MessagesModule {}
