// The pipeline spec (osprey.pipeline/v1): types, parsing and verification, digests, parameter resolution.
// The executor imports only this folder; README.md states the run-time meaning of every construct.
export { cacheKey, componentDigest, formatSpec, sourceDigest, specDigest } from './digest.js';
export { parseParamText, resolveParamAssignments, resolveParams } from './params.js';
export { parseSpec } from './schema.js';
export * from './types.js';
export {
  commonJsonType,
  formatType,
  holdsArtifacts,
  isArtifactType,
  isAssignable,
  isJsonValue,
  isParameterType,
  listItemType,
  valueProblem,
} from './value-types.js';
export { specProblems, verifySpec } from './verify.js';
export { bindingLabel, childTaskLists, ownBindings, predicateBindings, taskReferences, walkTasks } from './walk.js';
