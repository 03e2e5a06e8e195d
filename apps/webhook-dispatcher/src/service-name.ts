/** The app's name: envelope source, consumer durable, health service. */
export const SERVICE_NAME = 'webhook-dispatcher';
