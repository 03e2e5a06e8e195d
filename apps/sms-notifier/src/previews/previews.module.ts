import { Module } from '@nestjs/common';
import { DraftPreviewController } from './draft-preview.controller.js';
import { DraftPreviewService } from './draft-preview.service.js';

/** Previews of texts being written (the console's template editor). */
@Module({ controllers: [DraftPreviewController], providers: [DraftPreviewService] })
export class PreviewsModule {}
