import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { FEED_CONFIG, feedConfigFromEnv } from './feed-env.js';
import { FeedController } from './feed.controller.js';
import { FeedRepository } from './feed.repository.js';
import { FeedService } from './feed.service.js';

/** `GET /events/feed`: one user's events written for users, behind a signed short-lived token (EVENTS_FEED_SECRET). */
@Module({
  imports: [MessagesModule],
  controllers: [FeedController],
  providers: [{ provide: FEED_CONFIG, useFactory: () => feedConfigFromEnv() }, FeedRepository, FeedService],
})
export class FeedModule {}
