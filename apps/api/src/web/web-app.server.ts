import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { JsonLogger } from '../common/json-logger';

/** Paths that belong to the API, never to the web app (their 404s stay JSON). */
// Any letter case: `/API/…` is the API's to answer (404 JSON), never the web app's HTML.
const API_PATHS = /^\/(api(\/|$)|health$|metrics$)/i;

/** The repository root: the nearest folder above this file with a package.json (src and dist alike). */
function projectRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'package.json'))) return dir;
  return process.cwd();
}

/** Where `npm run build` puts the web app (apps/web/vite.config.ts). */
export const WEB_DIST_DIR = join(projectRoot(__dirname), 'dist', 'web');

/**
 * Serves the built web app (dist/web) at `/`, one origin with the API: a file that exists is sent
 * (hashed assets cached for a year), any other GET outside /api, /health and /metrics gets index.html
 * (the app's own routes: /cases/…, /inbox, …). Registered after the API's routes, so it never shadows them.
 */
@Injectable()
export class WebAppServer implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    const root = resolve(WEB_DIST_DIR);
    const index = join(root, 'index.html');
    if (!existsSync(index)) {
      this.logger.warn(`web app not built (${index} missing): run npm run build to serve it at /`, 'WebAppServer');
      return;
    }
    const app = this.host.httpAdapter.getInstance() as { use(fn: (req: Request, res: Response, next: NextFunction) => void): void };
    app.use((req, res, next) => {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PATHS.test(req.path)) return next();
      let file: string;
      try {
        file = normalize(join(root, decodeURIComponent(req.path)));
      } catch {
        return next();
      }
      if (file.startsWith(root + sep) && existsSync(file) && statSync(file).isFile()) {
        const hashed = file.startsWith(join(root, 'assets') + sep);
        res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
        return res.sendFile(file);
      }
      // Unknown asset names are a 404, not the app's HTML.
      if (req.path.startsWith('/assets/')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      return res.sendFile(index);
    });
  }
}
