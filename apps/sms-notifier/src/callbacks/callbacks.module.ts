import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { OptOutsModule } from '../opt-outs/opt-outs.module.js';
import { SendingModule } from '../sending/sending.module.js';
import { DeliveryStatusService } from './delivery-status.service.js';
import { ProviderCallbacksController } from './provider-callbacks.controller.js';
import { TwilioSignatureVerifier } from './twilio-signature.js';

@Module({
  imports: [MessagesModule, OptOutsModule, SendingModule],
  controllers: [ProviderCallbacksController],
  providers: [TwilioSignatureVerifier, DeliveryStatusService],
})
export class CallbacksModule {}
