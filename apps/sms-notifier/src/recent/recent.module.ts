import { Module } from '@nestjs/common';
import { EmailMessagesRepository } from '../email/email-messages.repository.js';
import { MessagesModule } from '../messages/messages.module.js';
import { RecentMessagesController } from './recent-messages.controller.js';

/** The console's view of recent messages per channel, recipients masked. */
@Module({ imports: [MessagesModule], controllers: [RecentMessagesController], providers: [EmailMessagesRepository] })
export class RecentModule {}
