/** Injection token of the resolved {@link ServerLoggingOptions}. */
export const SERVER_LOGGING_OPTIONS = Symbol('SERVER_LOGGING_OPTIONS');
