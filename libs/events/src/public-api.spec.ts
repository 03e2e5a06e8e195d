import { readFileSync } from 'node:fs';
import ts from 'typescript';
import * as api from './index.js';

/**
 * The public surface of `@app/events`, pinned: adding or removing an export fails here, so the
 * change is a reviewed line in this list rather than a side effect of an `export *`.
 */
const VALUES = [
  'ApiKey', 'ApiKeyGuard', 'auditActorHeader', 'audienceProblem', 'AUDIENCES', 'audiencesOf', 'AuditExempt', 'AuditTrail',
  'AuditTrailModule', 'buildAsyncApiDocument', 'CATEGORY_RULE', 'categoryProblem', 'configureHttpEdge',
  'ConcurrencyGate', 'connectEventConsumer', 'CONSUMER_NAME', 'CONSUMER_NAME_RULE', 'createEnvelope', 'currentMeshContext',
  'DeadLetterNotFoundError', 'DeadLetterStore', 'edgeError', 'EVENT_LEVELS', 'EVENTS_CONFIG', 'EVENTS_SERVICE',
  'EventBatchPattern', 'EventsDatabaseModule', 'EventsHealthModule', 'EventsModule', 'EventsService', 'EventTooLargeError',
  'FailureAggregator', 'GroupCommit', 'GroupCommitClosedError', 'groupCommitMetrics', 'HEADER',
  'InjectEventsService', 'InvalidEventTypeError', 'isEventType', 'isPostgresDataError', 'ItemFailure',
  'JetStreamBatch', 'JetStreamContext', 'JetStreamServer', 'KNOWN_CATEGORIES', 'latestSchemas', 'listenHost', 'maskedCopy', 'maskPhone',
  'matchesPattern', 'MAX_OFFSET', 'MeshLogger', 'meshStatus', 'MetricsService', 'missingPlaceholders',
  'NatsConnectionManager', 'NatsNotReadyError', 'NonRetryableError', 'normalizePattern', 'noteAggregatedRefusal', 'parseDuration',
  'parseDurationList', 'parseTemplate', 'PgListener', 'pgPoolOf', 'redactPhones', 'renderTemplate', 'replayDurable',
  'ReplayService', 'RequestLoggerMiddleware', 'RetryLaterError', 'sampleFromSchema', 'SchemaRegistry', 'SchemaValidationError', 'SchemaVersionStaleError', 'SchemaVersionTakenError', 'ServerLoggingModule', 'sharedRateLimiter',
  'startObservability', 'STREAM_DLQ', 'STREAM_EVENTS', 'STREAM_REPLAY', 'streamSpecs', 'StrictInt', 'StrictIntPipe',
  'subjectForType', 'takeAll', 'takeUpTo', 'TemplateError', 'toBool', 'toInt', 'traceparentOfJson',
  'UnstorableDataError', 'USER_MESSAGE_MAX', 'UuidPipe', 'uuidv7', 'validateEnv', 'validationRule', 'withSpan',
];
const TYPES = [
  'AsyncApiStream', 'Audience', 'AuditEntry', 'AuditTarget', 'BatchReport', 'CloudEvent', 'CspDirectives',
  'DeadLetterFilter', 'EventBatchOptions', 'EventCallback', 'EventLevel', 'EventMessage', 'EventsConfig', 'EventsConsumerOptions',
  'EventsHealth', 'EventsHealthContributor', 'EventsHealthModuleOptions', 'EventsModuleAsyncOptions',
  'EventsModuleOptions', 'EventsProducerOptions', 'EventSubscription', 'GroupCommitOptions', 'HttpEdgeOptions',
  'IEventsService', 'ItemResult', 'MeshContext', 'MeshDatabaseOptions', 'MeshStatus', 'PublishOptions',
  'PublishResult', 'RedriveReport', 'RedriveResult', 'RegisteredSchema', 'SchemaHead', 'ServerLoggingOptions', 'SharedRateLimitOptions',
  'StoredDeadLetter', 'TemplateToken',
];

const indexSource = readFileSync(new URL('./index.ts', import.meta.url), 'utf8');

/** Every name `index.ts` exports, read from its syntax (types included, which the runtime module cannot show). */
function declaredExports(): string[];
function declaredExports(withModule: 'module'): { name: string; module: string }[];
function declaredExports(withModule?: 'module'): string[] | { name: string; module: string }[] {
  const file = ts.createSourceFile('index.ts', indexSource, ts.ScriptTarget.Latest, true);
  const found: { name: string; module: string }[] = [];
  for (const statement of file.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) throw new Error(`index.ts: a wildcard export: ${statement.getText(file)}`);
    const module = (statement.moduleSpecifier as ts.StringLiteral).text;
    for (const element of statement.exportClause.elements) found.push({ name: element.name.text, module });
  }
  return withModule ? found : found.map((f) => f.name).sort();
}

/** The top-level statement of `url` that declares `name` (a class, function, interface, type or const). */
function topLevelDeclaration(url: URL, name: string): ts.Node | undefined {
  const file = ts.createSourceFile(url.pathname, readFileSync(url, 'utf8'), ts.ScriptTarget.Latest, true);
  return file.statements.find((statement) => {
    if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name);
    const named = statement as ts.DeclarationStatement;
    return named.name !== undefined && ts.isIdentifier(named.name) && named.name.text === name;
  });
}

describe('@app/events public API', () => {
  it('exports exactly the reviewed names, values and types, each once', () => {
    const names = declaredExports();
    expect(names).toEqual([...VALUES, ...TYPES].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('has no wildcard re-export, so nothing joins the surface unnoticed', () => {
    expect(() => declaredExports()).not.toThrow();
    expect(indexSource).not.toMatch(/export \*/);
  });

  it('documents every public symbol with an @example on its declaration', () => {
    const undocumented = declaredExports('module').filter(({ name, module }) => {
      const declaration = topLevelDeclaration(new URL(module.replace(/\.js$/, '.ts'), new URL('./index.ts', import.meta.url)), name);
      return !declaration || !ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'example');
    });
    expect(undocumented.map((u) => u.name)).toEqual([]);
  });

  it('provides every listed value at run time (the type-only names are erased)', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUES].sort());
  });
});
