import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connectEventConsumer } from '@app/events';
import { AppModule, SERVICE_NAME } from './app.module.js';
import { configureApp } from './configure-app.js';

const app = configureApp(await NestFactory.create(AppModule.forRoot()));
app.enableShutdownHooks();
await connectEventConsumer(app);
const port = Number(process.env.PORT || 3003);
await app.listen(port, '0.0.0.0');
const url = (await app.getUrl()).replace('[::1]', 'localhost');
new Logger(SERVICE_NAME).log(`listening on ${url} (all interfaces); try GET /webhooks/subscriptions`);
