export * from './database.js';
export * from './nats-server.js';
export * from './wait.js';
export * from './nats-cluster.js';
