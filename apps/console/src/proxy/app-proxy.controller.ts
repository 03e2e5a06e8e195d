import { All, Controller, Param, Req, Res } from '@nestjs/common';
import { AppProxyService } from './app-proxy.service.js';

interface IncomingRequest {
  method: string;
  originalUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

interface OutgoingResponse {
  status(code: number): OutgoingResponse;
  setHeader(name: string, value: string): void;
  end(body: Buffer): void;
}

/**
 * `/api/apps/<app>/<path>` → `<app's url>/<path>`, method, query, body and `X-Api-Key` included,
 * the app's status and body passed back unchanged. Each app checks the key itself.
 */
@Controller('api/apps')
export class AppProxyController {
  constructor(private readonly proxy: AppProxyService) {}

  @All(':app/*path')
  async forward(@Param('app') app: string, @Req() req: IncomingRequest, @Res() res: OutgoingResponse): Promise<void> {
    // The rest of the raw URL after the app's segment as sent (`event-stor%65` and `event-store` differ in length).
    const rest = req.originalUrl.slice('/api/apps/'.length);
    const end = rest.search(/[/?]/);
    const tail = end < 0 ? '' : rest.slice(end);
    const path = tail.startsWith('/') ? tail : `/${tail}`;
    // Nest has parsed a JSON body already; it goes on as JSON.
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const answer = await this.proxy.forward(app, { method: req.method, path, headers: req.headers, body });
    res.status(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.end(answer.body);
  }
}
