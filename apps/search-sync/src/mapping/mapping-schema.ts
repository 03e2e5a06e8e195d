/** JSON Schema of a mapping file (SEARCH_MAPPING_FILE). */
export const SEARCH_MAPPING_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['indexes'],
  properties: {
    indexes: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['resourceType', 'index', 'events', 'objectID', 'fields', 'searchableFields'],
        properties: {
          resourceType: { type: 'string', pattern: '^[a-z0-9_-]+$' },
          // Algolia index names; the local index keeps the same rule so a mapping works on both.
          index: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,100}$' },
          events: {
            type: 'object',
            minProperties: 1,
            propertyNames: { pattern: '^[a-z0-9_-]+(\\.[a-z0-9_-]+)+$' },
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['action'],
              properties: { action: { enum: ['upsert', 'delete'] }, from: { type: 'string', minLength: 1 } },
            },
          },
          objectID: { type: 'string', minLength: 1 },
          fields: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
          searchableFields: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, uniqueItems: true },
          geoloc: {
            type: 'object',
            additionalProperties: false,
            required: ['lat', 'lng'],
            properties: { lat: { type: 'string', minLength: 1 }, lng: { type: 'string', minLength: 1 } },
          },
        },
      },
    },
  },
} as const;
