import type { VendorData, VendorField } from './vendor-data.js';

/** `vendor.updated`: the vendor after the change and the names of the fields that changed. */
export interface VendorUpdated {
  vendor: VendorData;
  changes: VendorField[];
}

/**
 * The vendor events this service publishes, type → data (like immich's EventMap), so a publish
 * with the wrong payload does not compile. Subject and resourceid are the vendor id.
 */
export interface VendorEvents {
  'vendor.created': VendorData;
  'vendor.updated': VendorUpdated;
  /** The vendor as it was before the delete. */
  'vendor.deleted': VendorData;
}

export type VendorEventType = keyof VendorEvents;
