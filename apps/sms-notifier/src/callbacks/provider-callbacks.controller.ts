import { BadRequestException, Controller, ForbiddenException, Header, HttpCode, Inject, Logger, NotFoundException, OnModuleDestroy, Param, Post, Req } from '@nestjs/common';
import { EventsService, FailureAggregator, noteAggregatedRefusal } from '@app/events';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';
import { OptOutsRepository } from '../opt-outs/opt-outs.repository.js';
import { maskPhone, toE164 } from '../phone/phone-number.js';
import { DeliveryStatusService } from './delivery-status.service.js';
import type { CallbackRequest } from './http-request.js';
import { keywordAction } from './opt-out-keywords.js';
import { TwilioSignatureVerifier } from './twilio-signature.js';

type TwilioForm = Record<string, string | undefined>;

interface SignatureFailure {
  provider: string;
  route: 'status' | 'inbound';
  has_signature_header: boolean;
  url: string;
  remote: string;
}

/**
 * What providers post to this app, each checked against the provider's signature (not the admin
 * key): delivery status (`/sms/status/:provider`) and inbound replies (`/sms/inbound/:provider`)
 * for STOP / START. Only Twilio signs its callbacks, so only Twilio has them.
 */
@Controller('sms')
export class ProviderCallbacksController implements OnModuleDestroy {
  private readonly logger = new Logger(ProviderCallbacksController.name);
  /**
   * Anyone can post a forged callback: the first per source address and route is recorded at once,
   * then one event per source and route per minute with the count, so the history cannot be flooded.
   */
  private readonly signatureFailures = new FailureAggregator<SignatureFailure>((r) => {
    this.logger.warn(`refused ${r.count} ${r.details.route} callback(s) from ${r.details.remote} claiming to be from ${r.details.provider}: ${r.details.has_signature_header ? 'bad' : 'no'} X-Twilio-Signature for ${r.details.url}`);
    this.events
      .warn('sms.signature_verification_failure', FailureAggregator.eventData(r), { audience: 'admin', category: 'Security' })
      .catch((err: Error) => this.logger.error(`sms.signature_verification_failure not published: ${err.message}`));
  });

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    private readonly verifier: TwilioSignatureVerifier,
    private readonly status: DeliveryStatusService,
    private readonly optOuts: OptOutsRepository,
    private readonly events: EventsService,
  ) {}

  onModuleDestroy(): void {
    this.signatureFailures.flush();
  }

  /** 204 once applied; 403 for a bad signature; 404 for an unknown provider or message. */
  @Post('status/:provider')
  @HttpCode(204)
  async onStatus(@Param('provider') provider: string, @Req() req: CallbackRequest): Promise<void> {
    const form = await this.verified(provider, req, 'status');
    if (!form.MessageSid || !form.MessageStatus) throw new BadRequestException(['MessageSid and MessageStatus are required (a Twilio status callback)']);
    await this.status.apply({ provider, providerMessageId: form.MessageSid, status: form.MessageStatus, errorCode: form.ErrorCode || undefined });
  }

  /** Answers TwiML with no reply: Twilio's own STOP handling already answers the sender. */
  @Post('inbound/:provider')
  @HttpCode(200)
  @Header('content-type', 'text/xml')
  async onInbound(@Param('provider') provider: string, @Req() req: CallbackRequest): Promise<string> {
    const form = await this.verified(provider, req, 'inbound');
    const keyword = keywordAction(form.Body);
    const from = toE164(form.From, this.config.defaultRegion);
    if (keyword && from) {
      if (keyword.action === 'opt-out') await this.optOuts.add(from, `inbound:${provider}`, keyword.keyword);
      else await this.optOuts.remove(from);
      this.logger.log(`${maskPhone(from)} replied ${keyword.keyword}: ${keyword.action}`);
      await this.events.info(keyword.action === 'opt-out' ? 'sms.opted_out' : 'sms.opted_in', { to: maskPhone(from), keyword: keyword.keyword, provider }, { audience: 'admin', category: 'Notification' });
    }
    return '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
  }

  /** The form, once its signature holds; a forged or unsigned one is refused (403) and recorded as a warn event. */
  private async verified(provider: string, req: CallbackRequest, route: 'status' | 'inbound'): Promise<TwilioForm> {
    if (provider !== 'twilio' || !this.config.twilio) {
      throw new NotFoundException(`No ${route} callbacks for provider "${provider}": only twilio signs them, and this app sends with ${this.config.provider}`);
    }
    if (!this.verifier.verify(req)) {
      const hasSignature = typeof req.headers['x-twilio-signature'] === 'string';
      const remote = req.ip ?? 'unknown';
      this.signatureFailures.record(`${remote} ${route}`, { provider, route, has_signature_header: hasSignature, url: this.verifier.signedUrl(req), remote });
      // Reported above, aggregated: no request event per forged callback either.
      noteAggregatedRefusal(req);
      throw new ForbiddenException('Invalid X-Twilio-Signature: the request was not signed by the Twilio account this app uses (check SMS_PUBLIC_BASE_URL matches the URL Twilio calls)');
    }
    return (req.body ?? {}) as TwilioForm;
  }
}
