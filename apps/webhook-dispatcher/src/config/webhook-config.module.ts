import { DynamicModule, Global, Module } from '@nestjs/common';
import { WEBHOOK_CONFIG, WebhookConfig, webhookConfigFromEnv } from './webhook-env.js';

/** The validated WEBHOOK_* configuration for every module of the app, with a caller's (a test's) overrides on top. */
@Global()
@Module({})
export class WebhookConfigModule {
  static forRoot(overrides: Partial<WebhookConfig> = {}): DynamicModule {
    return {
      module: WebhookConfigModule,
      providers: [{ provide: WEBHOOK_CONFIG, useFactory: () => ({ ...webhookConfigFromEnv(), ...overrides }) }],
      exports: [WEBHOOK_CONFIG],
    };
  }
}
