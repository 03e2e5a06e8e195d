import { Module } from '@nestjs/common';
import { SMS_CONFIG, SmsConfig } from '../config/sms-config.js';
import { ConsoleSmsProvider } from './console.provider.js';
import { HttpGatewaySmsProvider } from './http-gateway.provider.js';
import { SMS_PROVIDER, SmsProvider } from './sms-provider.js';
import { TwilioSmsProvider } from './twilio.provider.js';
import { UnknownOutcomes } from './unknown-outcomes.js';

/** The configured provider; an unknown name or missing settings stop start-up rather than fall back. */
export function createSmsProvider(config: SmsConfig): SmsProvider {
  switch (config.provider) {
    case 'console':
      return new ConsoleSmsProvider();
    case 'twilio':
      if (!config.twilio) throw new Error('SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
      return new TwilioSmsProvider(config.twilio, config.providerTimeoutMs);
    case 'http':
      if (!config.http) throw new Error('SMS_PROVIDER=http needs SMS_HTTP_URL');
      return new HttpGatewaySmsProvider(config.http, config.providerTimeoutMs);
    default:
      throw new Error(`Unknown SMS provider "${String(config.provider)}": use console, twilio or http`);
  }
}

@Module({
  providers: [{ provide: SMS_PROVIDER, inject: [SMS_CONFIG], useFactory: createSmsProvider }, UnknownOutcomes],
  exports: [SMS_PROVIDER, UnknownOutcomes],
})
export class ProvidersModule {}
