// The Nest-free entry of libs/events: the CLI starts in tens of milliseconds instead of seconds.
export * from '../../../libs/events/src/standalone.js';
