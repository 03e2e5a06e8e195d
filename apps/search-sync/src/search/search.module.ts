import { Module } from '@nestjs/common';
import { SearchProviderModule } from '../providers/search-provider.module.js';
import { SearchController } from './search.controller.js';

@Module({ imports: [SearchProviderModule], controllers: [SearchController] })
export class SearchModule {}
