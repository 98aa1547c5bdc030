/**
 * JavaScript's built-in objects as they are when the workflow bundle loads, given to every module of the bundle in
 * place of the global lookup (webpack's ProvidePlugin: `PROVIDED_INTRINSICS`, apps/worker/src/workflow-source.ts).
 *
 * Why: the workflow sandbox is a `vm` context, where every read of a global (`Math`, `JSON`, `Map`, …) goes through
 * Node's context interceptors, several times slower than a local variable; the planner reads `Math` in its inner loops
 * (issue 16: a fifth of a replay's planner time was `Math.round`). These objects are the context's own intrinsics,
 * shared by every workflow of the context and never replaced by the SDK (it replaces `Date`, `setTimeout`,
 * `WeakRef`, `FinalizationRegistry` and the `Math.random` property, none of which is captured here: `Math.random`
 * is still read from the shared `Math` at each call). So the bundle computes what it computed before: no patch.
 */
export const { Math, JSON, Number, Object, Array, Map, Set, String, Symbol, Reflect, Float64Array, Int32Array, Uint8Array } = globalThis;
