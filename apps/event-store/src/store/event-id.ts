/** The longest event id stored (the `events_id_length` CHECK): CloudEvents only asks for a non-empty string. */
export const MAX_EVENT_ID_LENGTH = 256;
