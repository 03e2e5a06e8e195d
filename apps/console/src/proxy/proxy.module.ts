import { Module } from '@nestjs/common';
import { AppProxyController } from './app-proxy.controller.js';
import { AppProxyService } from './app-proxy.service.js';

@Module({ controllers: [AppProxyController], providers: [AppProxyService], exports: [AppProxyService] })
export class ProxyModule {}
