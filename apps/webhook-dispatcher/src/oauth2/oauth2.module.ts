import { Module } from '@nestjs/common';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { OAuth2TokenSource } from './oauth2-token.source.js';

/** OAuth2 client-credentials tokens for subscriptions that have credentials. */
@Module({
  imports: [SubscriptionsModule],
  providers: [OAuth2TokenSource],
  exports: [OAuth2TokenSource],
})
export class OAuth2Module {}
