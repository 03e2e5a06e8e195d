import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, SERVICE_NAME } from './app.module.js';
import { configureApp } from './configure-app.js';

const app = configureApp(await NestFactory.create<NestExpressApplication>(AppModule.forRoot()));
app.enableShutdownHooks();
const port = Number(process.env.PORT || 3005);
await app.listen(port, '0.0.0.0');
new Logger(SERVICE_NAME).log(`listening on http://localhost:${port} (all interfaces); open it in a browser`);
