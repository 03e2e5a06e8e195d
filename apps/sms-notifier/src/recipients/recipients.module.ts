import { Module } from '@nestjs/common';
import { RecipientDirectory } from './recipient-directory.service.js';
import { RecipientsRepository } from './recipients.repository.js';

/** The recipients directory, kept from `user.created` / `user.updated`. */
@Module({
  providers: [RecipientDirectory, RecipientsRepository],
  exports: [RecipientDirectory],
})
export class RecipientsModule {}
