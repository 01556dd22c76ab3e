import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from '../identity/identity.types';
import type { Authenticated } from './authenticate';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What a route handler gets: the request, its path parameters, and the signed-in human. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Readonly<Record<string, string>>;
  auth: Authenticated;
  /** The JSON body (size-limited, parsed once); `{}` when empty. */
  body(): Promise<unknown>;
}

/**
 * One endpoint of the control API. The value a handler returns is sent as JSON with status 200; a handler
 * that writes the response itself (a file download) returns nothing. Throw HttpError for client errors.
 */
export interface ApiRoute {
  method: HttpMethod;
  /** `/api/sessions/:id/frames`: `:name` segments become `params.name` (URL-decoded). */
  path: string;
  /** The caller needs at least one of these roles. */
  roles: readonly Role[];
  handle(ctx: RequestContext): Promise<unknown> | unknown;
}

interface CompiledRoute {
  route: ApiRoute;
  segments: readonly string[];
}

export type RouteMatch =
  | { kind: 'found'; route: ApiRoute; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: HttpMethod[] }
  | { kind: 'not-found' };

/** Method + path-pattern routing; registering the same method and path again replaces the earlier route. */
export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(route: ApiRoute): void {
    const segments = split(route.path);
    const same = this.routes.findIndex((r) => r.route.method === route.method && r.route.path === route.path);
    if (same >= 0) this.routes[same] = { route, segments };
    else this.routes.push({ route, segments });
  }

  match(method: string, pathname: string): RouteMatch {
    const parts = split(pathname);
    const allow: HttpMethod[] = [];
    for (const { route, segments } of this.routes) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
        return { kind: 'found', route, params };
      }
      allow.push(route.method);
    }
    return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
  }

  list(): ApiRoute[] {
    return this.routes.map((r) => r.route);
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const part = parts[i] as string;
    if (p.startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(part);
      } catch {
        return undefined;
      }
      params[p.slice(1)] = value;
    } else if (p !== part) {
      return undefined;
    }
  }
  return params;
}
