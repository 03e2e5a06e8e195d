import type { SearchMapping } from './index-mapping.js';

/**
 * The shipped mapping: vendors from vendor-service into the `vendors` index. Replace it with
 * SEARCH_MAPPING_FILE (same shape, checked against {@link SEARCH_MAPPING_SCHEMA}) rather than editing code.
 */
export const DEFAULT_MAPPING: SearchMapping = {
  indexes: [
    {
      resourceType: 'vendor',
      index: 'vendors',
      events: {
        'vendor.created': { action: 'upsert' },
        'vendor.updated': { action: 'upsert' },
        'vendor.deleted': { action: 'delete' },
      },
      objectID: 'id',
      fields: ['name', 'description', 'phone', 'website', 'open', 'primaryImage', 'createdAt', 'updatedAt'],
      searchableFields: ['name', 'description'],
      geoloc: { lat: 'lat', lng: 'long' },
    },
  ],
};
