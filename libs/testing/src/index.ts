export * from './database.js';
export * from './nats-server.js';
export * from './wait.js';
export * from './nats-cluster.js';
export * from './app-process.js';
export * from './log-capture.js';
export * from './in-memory-events.service.js';
export * from './events-service.contract.js';
