/** What Express 5 keeps of its routes: enough to find the one a request would have reached. */
interface RouterLayer {
  route?: { path?: unknown; _handlesMethod?(method: string): boolean };
  match(path: string): unknown;
}

export interface UnroutedRequest {
  method: string;
  /** Express's getter: the URL's path, without the query. */
  path?: string;
  app?: { router?: { stack?: readonly RouterLayer[] } };
}

/**
 * The pattern (`/vendors/:id`) of the route that would have served a request refused before Express
 * routed it: the edge's body parser (413, 415, malformed JSON) and input check answer before any
 * route matches, so `req.route` stays unset. Found as Express's router finds it: the first route
 * whose path matches and that takes the method. Undefined when none would have, so a refused
 * request to an unmatched path stays unpublished like any other.
 */
export function routeOfUnrouted(req: UnroutedRequest): string | undefined {
  const path = req.path;
  const stack = req.app?.router?.stack;
  if (path === undefined || stack === undefined) return undefined;
  for (const layer of stack) {
    const route = layer.route;
    if (typeof route?.path !== 'string' || route._handlesMethod?.(req.method) !== true) continue;
    let matched: unknown;
    try {
      matched = layer.match(path);
    } catch {
      // A parameter that is not valid percent-encoding: Express's router counts that as no match too.
      continue;
    }
    if (matched) return route.path;
  }
  return undefined;
}
