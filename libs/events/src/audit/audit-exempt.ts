import { SetMetadata } from '@nestjs/common';

export const AUDIT_EXEMPT = Symbol('AUDIT_EXEMPT');

/**
 * Marks an admin write route that changes nothing (a preview, a key check), so it records no
 * `audit.*` event; the reason is shown by the test that walks every admin route.
 * @example @Post(':key/preview') @AuditExempt('renders a text; stores nothing') preview() {}
 */
export const AuditExempt = (reason: string) => SetMetadata(AUDIT_EXEMPT, reason);
