// Where DSL objects are defined, read from V8 call sites (no I/O): the compiler uses it to find the module that
// exports a component, so the executor can load the same function again in the step's own process.

const DSL_FOLDER = new URL('.', import.meta.url).href;

// biome-ignore lint/complexity/noBannedTypes: captureStackTrace takes any function as the frame to start above.
function callSites(above: Function): NodeJS.CallSite[] {
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    Error.stackTraceLimit = Number.POSITIVE_INFINITY;
    Error.prepareStackTrace = (_error, sites) => sites;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, above);
    return holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * The `file:` URLs of the user modules on the stack above `above` (outside this DSL folder), innermost first:
 * the module that called `component(...)` first, then the modules that called it, up to the program's entry.
 */
// biome-ignore lint/complexity/noBannedTypes: see callSites.
export function callerModules(above: Function): string[] {
  const files: string[] = [];
  for (const site of callSites(above)) {
    const file = site.getFileName() ?? '';
    if (file.startsWith('file:') && !file.startsWith(DSL_FOLDER) && !files.includes(file)) files.push(file);
  }
  return files;
}

/**
 * The modules whose top-level code is running right now (a module body frame sits directly on Node's
 * module_job frame). Importing such a module from inside itself would wait for itself forever.
 */
// biome-ignore lint/complexity/noBannedTypes: see callSites.
export function modulesBeingEvaluated(above: Function): Set<string> {
  const sites = callSites(above);
  const evaluating = new Set<string>();
  sites.forEach((site, index) => {
    const caller = sites[index + 1]?.getFileName() ?? '';
    const file = site.getFileName() ?? '';
    if (file.startsWith('file:') && caller.startsWith('node:internal/modules/esm/module_job')) evaluating.add(file);
  });
  return evaluating;
}
