import { Controller, Get, Inject, NotFoundException, Query, ServiceUnavailableException } from '@nestjs/common';
import { RecordBuilder } from '../mapping/record-builder.js';
import { SEARCH_PROVIDER, type SearchProvider, type SearchResult } from '../providers/search-provider.js';
import { SearchQueryDto } from './search.query.js';

export interface SearchResponse extends SearchResult {
  index: string;
  query: string;
  provider: string;
}

/** `GET /search?index=&q=`: answered by the active provider (Algolia's search API, or the local index). */
@Controller('search')
export class SearchController {
  constructor(
    @Inject(SEARCH_PROVIDER) private readonly provider: SearchProvider,
    private readonly records: RecordBuilder,
  ) {}

  @Get()
  async search(@Query() query: SearchQueryDto): Promise<SearchResponse> {
    if (!this.records.indexMapping(query.index)) {
      const known = this.records.mapping.indexes.map((m) => m.index).join(', ');
      throw new NotFoundException(`index "${query.index}" is not in the search mapping (known: ${known})`);
    }
    let result: SearchResult;
    try {
      result = await this.provider.search(query.index, { q: query.q, page: query.page, hitsPerPage: query.hitsPerPage });
    } catch (err) {
      throw new ServiceUnavailableException(`${this.provider.name} search failed: ${(err as Error).message}`);
    }
    return { index: query.index, query: query.q, provider: this.provider.name, ...result };
  }
}
