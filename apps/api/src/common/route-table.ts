import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The methods each documented path answers, from the OpenAPI document (which the e2e tests hold equal to the
 * routes served): a known path asked with another method is 405 with `Allow`, not 404.
 */
let table: Array<{ pattern: RegExp; methods: string[] }> = [];

export function setRouteTable(document: OpenAPIObject): void {
  table = Object.entries(document.paths).map(([path, item]) => {
    const methods = Object.keys(item)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => m.toUpperCase());
    if (methods.includes('GET')) methods.push('HEAD');
    const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    return { pattern: new RegExp(`^${source}/?$`), methods };
  });
}

/** The methods `path` answers, or undefined for a path no route has. */
export function allowedMethods(path: string): string[] | undefined {
  return table.find((r) => r.pattern.test(path))?.methods;
}
