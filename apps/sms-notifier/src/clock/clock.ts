/** Where the notifier reads the time for quiet hours, held messages, circuits and the age limit of events: injectable, so tests can set it. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };
