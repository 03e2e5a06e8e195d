import { createHash, randomBytes } from 'node:crypto';

/** A client key as the admin API shows it; the key itself only once, at creation. */
export interface ClientKeyView {
  id: string;
  name: string;
  /** The key's first characters, to tell keys apart. */
  keyPrefix: string;
  origins: string[];
  types: string[];
  createdAt: string;
  revokedAt: string | null;
}

/** Public keys are embedded in web pages, so they are marked as such (`pk_`) and give nothing beyond client ingest. */
export const newClientKey = (): string => `pk_${randomBytes(24).toString('base64url')}`;

/** The digest the table keeps: lookups compare digests, the key is never stored. */
export const clientKeyHash = (key: string): string => createHash('sha256').update(key).digest('hex');

export const CLIENT_KEY_PREFIX_LENGTH = 10;
