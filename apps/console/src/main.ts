import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { listenHost, startObservability } from '@app/events';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, SERVICE_NAME } from './app.module.js';
import { configureApp } from './configure-app.js';

const app = configureApp(await NestFactory.create<NestExpressApplication>(AppModule.forRoot(), { logger: startObservability(SERVICE_NAME) }));
app.enableShutdownHooks();
const port = Number(process.env.PORT || 3005);
const { host, shown } = listenHost();
await app.listen(port, host);
new Logger(SERVICE_NAME).log(`listening on http://localhost:${port} (${shown}); open it in a browser`);
