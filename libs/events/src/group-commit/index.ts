export { GroupCommit, type BatchWriter, type GroupCommitStats } from './group-commit.js';
export { type GroupCommitOptions, type BatchReport } from './group-commit.options.js';
export { ItemFailure, GroupCommitClosedError, type ItemResult } from './item-result.js';
export { groupCommitMetrics } from './group-commit.metrics.js';
