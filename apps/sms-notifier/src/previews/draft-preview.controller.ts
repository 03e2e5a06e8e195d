import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, AuditExempt } from '@app/events';
import type { DraftPreview } from './draft-preview.views.js';
import { DraftPreviewService } from './draft-preview.service.js';
import { PreviewDraftDto } from './preview-draft.dto.js';

/** `POST /sms/templates/preview` (admin key): the console's live preview while a text is written. */
@Controller('sms/templates/preview')
@UseGuards(ApiKeyGuard)
@ApiKey('admin')
export class DraftPreviewController {
  constructor(private readonly previews: DraftPreviewService) {}

  /** The SMS (encoding, segments) and the email (subject, HTML) the text would make; 400 naming `body` or `data`. */
  @Post()
  @HttpCode(200)
  @AuditExempt('renders a text that is not saved; stores nothing')
  preview(@Body() dto: PreviewDraftDto): DraftPreview {
    return this.previews.preview(dto.body, dto.locale, dto.data ?? {});
  }
}
