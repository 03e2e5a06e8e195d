import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { SMS_CONFIG, SmsConfig, smsEnv } from './sms-config.js';

/** SMS_CONFIG for every module: the validated environment with the app's (or a test's) overrides. */
@Global()
@Module({})
export class SmsConfigModule {
  static forRoot(overrides: Partial<SmsConfig> = {}): DynamicModule {
    return {
      module: SmsConfigModule,
      imports: [ConfigModule.forFeature(smsEnv)],
      providers: [{ provide: SMS_CONFIG, inject: [smsEnv.KEY], useFactory: (env: SmsConfig): SmsConfig => ({ ...env, ...overrides }) }],
      exports: [SMS_CONFIG],
    };
  }
}
