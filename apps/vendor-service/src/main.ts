import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { listenHost, startObservability } from '@app/events';
import { AppModule, SERVICE_NAME } from './app.module.js';
import { configureApp } from './configure-app.js';

const app = configureApp(await NestFactory.create(AppModule.forRoot(), { logger: startObservability(SERVICE_NAME) }));
app.enableShutdownHooks();
// PORT is validated with the rest of the environment while the module is built.
const port = Number(process.env.PORT || 3000);
const { host, shown } = listenHost();
await app.listen(port, host);
new Logger(SERVICE_NAME).log(`listening on http://localhost:${port} (${shown}); try GET /health/events`);
