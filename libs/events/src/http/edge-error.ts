import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

/** The one shape every 4xx and 5xx of the mesh's HTTP edge has. */
export interface EdgeErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  /** The field, query parameter or path parameter at fault, when one is. */
  field?: string;
  /** On a 500 only: the id under which the error was logged. */
  requestId?: string;
  [extra: string]: unknown;
}

/**
 * An HttpException whose body is already in the edge's shape.
 * @example throw edgeError(400, 'limit must be a whole number from 1 to 100', 'limit')
 */
export function edgeError(status: HttpStatus | number, message: string | string[], field?: string): HttpException {
  const body: EdgeErrorBody = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, ...(field ? { field } : {}) };
  return new HttpException(body, status);
}
