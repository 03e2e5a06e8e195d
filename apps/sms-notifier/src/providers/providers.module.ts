import { Module } from '@nestjs/common';
import { SMS_CONFIG, SmsConfig } from '../config/sms-config.js';
import type { SmsProviderName } from '../config/sms-env.js';
import { ConsoleSmsProvider } from './console.provider.js';
import { HttpGatewaySmsProvider } from './http-gateway.provider.js';
import { SMS_PROVIDERS, SmsProvider } from './sms-provider.js';
import { TwilioSmsProvider } from './twilio.provider.js';
import { UnknownOutcomes } from './unknown-outcomes.js';

/** The providers in fallback order (`providers`, else `provider`); an unknown name or missing settings stop start-up. */
export function createSmsProviders(config: SmsConfig): SmsProvider[] {
  return (config.providers ?? [config.provider]).map((name) => createSmsProvider(config, name));
}

function createSmsProvider(config: SmsConfig, name: SmsProviderName): SmsProvider {
  switch (name) {
    case 'console':
      return new ConsoleSmsProvider();
    case 'twilio':
      if (!config.twilio) throw new Error('the twilio provider needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
      return new TwilioSmsProvider(config.twilio, config.providerTimeoutMs);
    case 'http':
      if (!config.http) throw new Error('the http provider needs SMS_HTTP_URL');
      return new HttpGatewaySmsProvider(config.http, config.providerTimeoutMs);
    default:
      throw new Error(`Unknown SMS provider "${String(name)}": use console, twilio or http`);
  }
}

@Module({
  providers: [{ provide: SMS_PROVIDERS, inject: [SMS_CONFIG], useFactory: createSmsProviders }, UnknownOutcomes],
  exports: [SMS_PROVIDERS, UnknownOutcomes],
})
export class ProvidersModule {}
