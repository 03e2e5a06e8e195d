import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { describePostgresError, isPostgresDataError, postgresErrorOf } from '../database/pg-errors.js';
import type { EdgeErrorBody } from './edge-error.js';
import { noteException } from '../server-logging/request-outcome.js';

interface EdgeResponse {
  headersSent: boolean;
  status(code: number): EdgeResponse;
  json(body: unknown): void;
  end(): void;
}
interface EdgeRequest {
  method?: string;
  originalUrl?: string;
  url?: string;
}

/** `name must be …`, `property foo should not exist`: the field a validation message is about. */
const FIELD_OF_MESSAGE = /^(?:property )?([A-Za-z_$][\w$]*(?:(?:\.[\w$]+)|\[\d+\])*) (?:must|should|is|has|needs|cannot|was|are)\b/;

const firstMessage = (message: unknown): string | undefined =>
  typeof message === 'string' ? message : Array.isArray(message) && typeof message[0] === 'string' ? message[0] : undefined;

/**
 * The mesh's one HTTP exception filter: an HttpException keeps its status and gains the edge's
 * shape (`{statusCode, error, message, field?}`); a PostgreSQL data error (SQLSTATE class 22/23) is
 * the client's value, so a 400 (409 for a duplicate) that names the column; anything else is a 500
 * with a request id and nothing internal. Database errors are logged by SQLSTATE, table, constraint
 * and column, never by their parameters or message (which may quote a stored value).
 */
@Catch()
export class EdgeExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpEdge');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const req = host.switchToHttp().getRequest<EdgeRequest>();
    const res = host.switchToHttp().getResponse<EdgeResponse>();
    // For the request logger (a middleware, which sees only the status): the class of what failed.
    noteException(res, exception);
    const body = this.answer(exception, req);
    if (res.headersSent) return res.end();
    res.status(body.statusCode).json(body);
  }

  answer(exception: unknown, req: EdgeRequest): EdgeErrorBody {
    if (exception instanceof HttpException) return this.fromHttpException(exception, req);
    const where = `${req.method ?? '?'} ${(req.originalUrl ?? req.url ?? '').split('?')[0]}`;
    const pg = postgresErrorOf(exception);
    if (pg && isPostgresDataError(pg)) {
      this.logger.warn(`${where}: refused by the database (${describePostgresError(pg)})`);
      const status = pg.code === '23505' ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST;
      const what = pg.code === '23505' ? 'duplicates one that exists' : 'holds a value the database cannot store';
      const field = pg.column;
      return {
        statusCode: status,
        error: STATUS_CODES[status]!,
        message: `The request ${what}${field ? ` (${field})` : ''} (SQLSTATE ${pg.code}): check the field's value`,
        ...(field ? { field } : {}),
      };
    }
    const requestId = randomUUID();
    const cause = pg ? `database error ${describePostgresError(pg)}` : exception instanceof Error ? (exception.stack ?? `${exception.name}: ${exception.message}`) : String(exception);
    this.logger.error(`${where} failed [request ${requestId}]: ${cause}`);
    return {
      statusCode: 500,
      error: 'Internal Server Error',
      message: `The server failed on this request; it is logged under request id ${requestId}`,
      requestId,
    };
  }

  private fromHttpException(exception: HttpException, req: EdgeRequest): EdgeErrorBody {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const given: Record<string, unknown> = typeof response === 'object' && response !== null ? { ...(response as object) } : { message: response };
    const message = (given.message as string | string[] | undefined) ?? exception.message;
    // An `error` that is not a string is the route's own documented detail (terminus's failing indicators on /health/events): kept.
    const error = given.error !== undefined && given.error !== null ? (given.error as string) : (STATUS_CODES[status] ?? 'Error');
    const body: EdgeErrorBody = { ...given, statusCode: status, error, message };
    if (body.field === undefined && status < 500) {
      const field = FIELD_OF_MESSAGE.exec(firstMessage(message) ?? '')?.[1];
      if (field) body.field = field;
    }
    if (status >= 500 && status !== 503 && status !== 502 && status !== 504) {
      this.logger.error(`${req.method ?? '?'} ${(req.originalUrl ?? req.url ?? '').split('?')[0]} answered ${status}: ${firstMessage(message) ?? ''}`);
    }
    return body;
  }
}
