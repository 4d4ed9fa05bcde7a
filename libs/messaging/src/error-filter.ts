import { applyDecorators, Catch, Controller, UseFilters, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC exception filter replaces every non-RpcException with
 * `{ status: 'error', message: 'Internal server error' }`, which would erase whether a failure
 * is retriable. This filter hands the original error back to the transport, which decides
 * between retry and dead letter. Without it every handler error counts as retriable (safe:
 * retried, then dead-lettered, never lost).
 */
@Catch()
export class MessageErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/** `@Controller()` for message handlers, with the original errors reaching the transport. */
export function MessageController(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(MessageErrorFilter));
}
