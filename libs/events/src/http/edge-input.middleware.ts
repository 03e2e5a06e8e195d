import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpStatus } from '@nestjs/common';
import { badText, textProblem } from './bad-text.js';
import { edgeError } from './edge-error.js';

interface ParsedRequest extends IncomingMessage {
  body?: unknown;
  query?: unknown;
  path?: string;
}

/**
 * After the body parser, before any route: every string of the body, the query and the path must
 * be storable text (no NUL, no lone surrogate), else a 400 naming where it is. Done once here so
 * that no route can forget it and no database ever sees such a value.
 */
export function edgeInputCheck() {
  return function edgeInputCheck(req: ParsedRequest, _res: ServerResponse, next: (err?: unknown) => void): void {
    const path = req.path ?? (req.url ?? '/').split('?')[0];
    for (const segment of path.split('/')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        return next(edgeError(HttpStatus.BAD_REQUEST, `The path segment "${segment.slice(0, 60)}" is not valid percent-encoded UTF-8: encode it with encodeURIComponent`, 'path'));
      }
      const problem = textProblem(decoded);
      if (problem) return next(edgeError(HttpStatus.BAD_REQUEST, `A path segment ${problem}`, 'path'));
    }
    const inQuery = badText(req.query);
    if (inQuery) return next(edgeError(HttpStatus.BAD_REQUEST, `${inQuery.field} ${inQuery.problem}`, inQuery.field));
    const inBody = badText(req.body);
    if (inBody) return next(edgeError(HttpStatus.BAD_REQUEST, `${inBody.field} ${inBody.problem}`, inBody.field));
    next();
  };
}
