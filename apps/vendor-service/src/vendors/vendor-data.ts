import type { Vendor } from './vendor.entity.js';

/** A vendor as the API returns it and events carry it: every field present, dates as ISO strings. */
export interface VendorData {
  id: string;
  name: string;
  description: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  open: boolean;
  primaryImage: string | null;
  lat: number | null;
  long: number | null;
  createdAt: string;
  updatedAt: string;
}

/** The fields a client may write, in the order `vendor.updated`'s `changedfields` lists them. */
export const VENDOR_FIELDS = ['name', 'description', 'phone', 'email', 'website', 'open', 'primaryImage', 'lat', 'long'] as const;
export type VendorField = (typeof VENDOR_FIELDS)[number];

export const toVendorData = (v: Vendor): VendorData => ({
  id: v.id,
  name: v.name,
  description: v.description ?? null,
  phone: v.phone ?? null,
  email: v.email ?? null,
  website: v.website ?? null,
  open: v.open,
  primaryImage: v.primaryImage ?? null,
  lat: v.lat ?? null,
  long: v.long ?? null,
  createdAt: v.createdAt.toISOString(),
  updatedAt: v.updatedAt.toISOString(),
});
