import { Injectable, NotFoundException } from '@nestjs/common';
import { buildCausationTree, type Trace } from './causation-tree.js';
import { TraceRepository } from './trace.repository.js';

/** The correlation graph of one event: what it caused, directly or through others, with timings. */
@Injectable()
export class TraceService {
  constructor(private readonly repo: TraceRepository) {}

  async trace(id: string): Promise<Trace> {
    const root = await this.repo.root(id);
    if (!root) throw new NotFoundException(`Event ${id} not found`);
    const { rows, truncated } = await this.repo.descendants(id);
    return buildCausationTree(root, rows, truncated);
  }
}
