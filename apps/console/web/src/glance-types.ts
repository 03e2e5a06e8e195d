/** The event-store's answers the Overview and the grouped Errors read, as the event-store declares them. */
export type { ErrorGroup, ErrorGroupList, EventRate } from '../../../event-store/src/query/glance.types.js';
