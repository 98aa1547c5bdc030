import Ajv, { type Options } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import equal from 'ajv/dist/runtime/equal';
import ucs2length from 'ajv/dist/runtime/ucs2length';

/** Where the web app loads its form validators (a JavaScript module, same origin: CSP `script-src 'self'`). */
export const FORM_VALIDATORS_PATH = '/api/form-validators.js';

/**
 * Ajv's reading of the OpenAPI request schemas for the web's validation as the user types. OpenAPI 3.0 dialect:
 * `nullable` is understood by Ajv; formats are backed by patterns in the schemas. verbose: each error carries its
 * value (`data`) and schema (`parentSchema`: format, example) for its message (apps/web/src/validation.ts).
 * multipleOfPrecision (a tolerance of 0.001 of a step): 0.3 / 0.0001 is 2999.9999999999995 in binary floating point,
 * and near the 1e8 万元 maximum the quotient is off by about 1e-4: without a tolerance a valid amount with up to 4
 * decimals (万元 to the yuan) reads as not a multiple of 0.0001.
 */
export const FORM_AJV_OPTIONS: Options = { allErrors: true, strict: false, validateFormats: false, verbose: true, multipleOfPrecision: 3 };

/**
 * Ajv's runtime helpers the generated code may ask for (`require("ajv/dist/runtime/…")`), given to it by their source:
 * each is one self-contained function (string length in code points; fast-deep-equal for enum, const, uniqueItems).
 */
const RUNTIME: Record<string, { toString(): string }> = {
  'ajv/dist/runtime/equal': equal,
  'ajv/dist/runtime/ucs2length': ucs2length,
};

/**
 * The validators of every component of an OpenAPI document's `components.schemas`, as the source of one ES module:
 * `export const validators: Record<componentName, ValidateFunction>` (Ajv's standalone code, FORM_AJV_OPTIONS).
 * Generated here, on the server, so the browser runs validators without compiling them: Ajv compiles a schema with
 * `new Function`, which needed CSP `'unsafe-eval'` on every page (docs/security.md). A component Ajv cannot compile has
 * no validator (the web's `validate` then throws, naming it). Throws if the code needs an Ajv
 * runtime helper RUNTIME does not give (a new keyword in the schemas): a test generates the API's whole document.
 */
export function formValidatorsModule(schemas: Record<string, unknown>): string {
  const ajv = new Ajv({ ...FORM_AJV_OPTIONS, code: { source: true, esm: true } });
  ajv.addSchema({ $id: 'openapi', components: { schemas } }, 'openapi');
  // A component Ajv cannot compile (OpenAPI 3.0 that is not JSON Schema draft 7: `nullable` with no `type`, a boolean
  // `exclusiveMinimum`) is left out; none of them is a form's (the e2e test names the forms' components).
  const names = Object.keys(schemas).filter((name) => {
    try {
      return ajv.getSchema(`openapi#/components/schemas/${name}`) !== undefined;
    } catch {
      return false;
    }
  });
  const code = standaloneCode(ajv, Object.fromEntries(names.map((name, i) => [`v${i}`, `openapi#/components/schemas/${name}`])));
  const wanted = [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!))];
  const missing = wanted.filter((m) => !RUNTIME[m]);
  if (missing.length > 0) throw new Error(`form validators: no browser copy of Ajv's runtime ${missing.join(', ')}`);
  // ESM has no `require`: the generated code's calls get the helpers from this table.
  const runtime = wanted.map((m) => `${JSON.stringify(m)}: { default: ${RUNTIME[m]!.toString()} }`).join(',\n');
  const exported = names.map((name, i) => `${JSON.stringify(name)}: v${i}`).join(', ');
  return `const __ajvRuntime = {\n${runtime}\n};\nconst require = (m) => __ajvRuntime[m];\n${code}\nexport const validators = { ${exported} };\n`;
}
