import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Hands a handler's own error to the JetStream transport, which needs it to choose between retry
 * and dead-letter and to record it: Nest's default RPC filter would replace it with "Internal
 * server error". Bound app-wide (`APP_FILTER`) and shared with the event consumer through
 * `inheritAppConfig`, it also sees HTTP errors: there it returns a stream, which Nest 12 takes as
 * "not answered" and answers with its built-in handling, and an app's own HTTP filter registered
 * with `useGlobalFilters` is chosen before it anyway (it must rethrow outside HTTP, as
 * `EdgeExceptionFilter` does).
 */
@Catch()
export class MeshExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
