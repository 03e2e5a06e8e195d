import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connectEventConsumer, listenHost, startObservability } from '@app/events';
import { AppModule, SERVICE_NAME } from './app.module.js';
import { configureApp } from './configure-app.js';

const app = configureApp(await NestFactory.create(AppModule.forRoot(), { logger: startObservability(SERVICE_NAME) }));
app.enableShutdownHooks();
await connectEventConsumer(app);
const port = Number(process.env.PORT || 3004);
const { host, shown } = listenHost();
await app.listen(port, host);
new Logger(SERVICE_NAME).log(`listening on http://localhost:${port} (${shown}); try GET /sms/rules with X-Api-Key`);
