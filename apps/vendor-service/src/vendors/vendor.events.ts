import type { VendorData } from './vendor-data.js';

/**
 * CloudEvents extension of `vendor.updated` naming the changed fields, comma-separated in
 * `VENDOR_FIELDS` order: extension values are scalars, and `data` stays the vendor as the design
 * says (the same as `vendor.created`).
 */
export const CHANGED_FIELDS_EXTENSION = 'changedfields';

/**
 * The vendor events this service publishes, type → data (like immich's EventMap), so a publish
 * with the wrong payload does not compile. Subject and resourceid are the vendor id.
 */
export interface VendorEvents {
  'vendor.created': VendorData;
  /** The vendor after the change; the changed field names are in {@link CHANGED_FIELDS_EXTENSION}. */
  'vendor.updated': VendorData;
  /** The vendor as it was before the delete. */
  'vendor.deleted': VendorData;
}

export type VendorEventType = keyof VendorEvents;
