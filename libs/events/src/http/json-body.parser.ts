import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { HttpStatus } from '@nestjs/common';
import { edgeError } from './edge-error.js';
import { jsonDeeperThan } from './bad-text.js';

type Next = (err?: unknown) => void;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;
interface BodyParserModule {
  json(options: { limit: number; type: () => boolean; verify(req: IncomingMessage, res: ServerResponse, buf: Buffer): void }): Middleware;
  urlencoded(options: { limit: number; type: () => boolean; extended: boolean }): Middleware;
}
/** What body-parser (http-errors) puts on the errors it passes on. */
interface ParserError {
  type?: string;
  limit?: number;
  length?: number;
  message: string;
}

// body-parser is Express's own parser (a dependency of @nestjs/platform-express) and ships no types.
const bodyParser = createRequire(import.meta.url)('body-parser') as BodyParserModule;

export interface BodyParserOptions {
  /** Largest body in bytes; the 413 names it. */
  limitBytes: number;
  /** The setting that sets the limit, named in the 413 (e.g. INGEST_MAX_BODY_BYTES). */
  limitSetting?: string;
  /** Deepest nesting of objects and arrays a JSON body may have. */
  maxDepth: number;
  /** Paths (regular expressions on the path) that take `application/x-www-form-urlencoded` as well, e.g. provider callbacks. */
  formRoutes: RegExp[];
  /** Paths that also take JSON sent as `text/plain` (browser beacons, which cannot set a JSON type without a preflight). */
  textJsonRoutes?: RegExp[];
}

const SEND_JSON = 'send the body as JSON with Content-Type: application/json (UTF-8)';

const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/** `type/subtype` in lower case, and the charset parameter when there is one. */
function mediaType(header: string | undefined): { media: string; charset?: string } {
  const [media = '', ...params] = (header ?? '').split(';');
  const charset = params.map((p) => /^\s*charset\s*=\s*"?([^";\s]*)"?\s*$/i.exec(p)?.[1]).find((c) => c !== undefined);
  return { media: media.trim().toLowerCase(), charset: charset?.toLowerCase() };
}

const isJson = (media: string) => media === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(media);

/**
 * The mesh's one body parser (named `jsonParser` so Nest does not add its own): JSON in UTF-8 only,
 * its depth checked on the raw text before anything parses it, its size capped; form bodies only on
 * `formRoutes`; any other body is a 415 saying what to send. Errors go to the exception filter.
 */
export function edgeBodyParser(options: BodyParserOptions): Middleware {
  const json = bodyParser.json({
    limit: options.limitBytes,
    type: () => true,
    verify: (_req, _res, buf) => {
      if (jsonDeeperThan(buf, options.maxDepth)) {
        throw Object.assign(new Error('too deep'), { status: 400, type: 'entity.too.deep' });
      }
    },
  });
  const form = bodyParser.urlencoded({ limit: options.limitBytes, type: () => true, extended: false });
  const setting = options.limitSetting ? ` (${options.limitSetting})` : '';

  const mapError = (err: ParserError) => {
    switch (err.type ?? '') {
      case 'entity.too.large': {
        const size = err.length !== undefined ? `is ${err.length} bytes,` : 'is';
        return edgeError(HttpStatus.PAYLOAD_TOO_LARGE, `The request body ${size} over the limit of ${options.limitBytes} bytes${setting}: send a smaller body`);
      }
      case 'entity.too.deep':
        return edgeError(HttpStatus.BAD_REQUEST, `The JSON body nests objects and arrays more than ${options.maxDepth} levels deep: flatten it`, 'body');
      case 'entity.parse.failed':
        return edgeError(HttpStatus.BAD_REQUEST, `The body is not valid JSON (${err.message.split('\n')[0]}): ${SEND_JSON}`, 'body');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return edgeError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `Unsupported body encoding: ${SEND_JSON}, without Content-Encoding`);
      case 'request.aborted':
      case 'request.size.invalid':
        return edgeError(HttpStatus.BAD_REQUEST, 'The request body ended before its Content-Length: send the whole body');
      default:
        return err;
    }
  };

  return function jsonParser(req, res, next) {
    if (!hasBody(req)) return next();
    const { media, charset } = mediaType(req.headers['content-type']);
    const path = (req.url ?? '/').split('?')[0];
    if (media === 'application/x-www-form-urlencoded' && options.formRoutes.some((r) => r.test(path))) {
      return form(req, res, (err) => next(err ? mapError(err as ParserError) : undefined));
    }
    const textJson = media === 'text/plain' && (options.textJsonRoutes ?? []).some((r) => r.test(path));
    if (!isJson(media) && !textJson) {
      const given = media ? `Content-Type ${media} is not accepted here` : 'The request has a body but no Content-Type';
      return next(edgeError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `${given}: ${SEND_JSON}`));
    }
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return next(edgeError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `charset=${charset} is not accepted: ${SEND_JSON}`));
    }
    json(req, res, (err) => next(err ? mapError(err as ParserError) : undefined));
  };
}
