import { errorMessage, invalidArgument } from '../../core/errors.js';
import { validateName } from '../../core/names.js';
import { checkAnalysisPolicy } from '../../serving/traffic/analysis-policy.js';
import type { DeploymentService } from '../../serving/traffic/deployment-service.js';
import { DEPLOYMENT_STRATEGIES, type DeploymentRepository, type DeploymentStrategy } from '../../store/deployments.js';
import type { StepDeployment } from './step-protocol.js';

/** The step run's tag recording a deployment: `osprey.deployed.<endpoint>` = `<version> <phase>`. */
export const deployedTag = (endpoint: string) => `osprey.deployed.${endpoint}`;

const KEYS = ['endpoint', 'strategy', 'analysis', 'approval'];

/**
 * Checks `registerModel(name, model, { deploy })` in the step's process, so a bad request fails the step before
 * anything is registered; the error names the option.
 */
export function checkDeployment(model: string, given: unknown): StepDeployment {
  const where = `registerModel ${model}: deploy`;
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw invalidArgument(`${where}: give { endpoint, strategy?, analysis?, approval? }`);
  const fields = given as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !KEYS.includes(key));
  if (unknown) throw invalidArgument(`${where}.${unknown}: no such option (use ${KEYS.join(', ')})`);
  const { endpoint, strategy, analysis, approval } = fields;
  if (typeof endpoint !== 'string') throw invalidArgument(`${where}.endpoint: give the endpoint's name`);
  try {
    validateName('endpoint', endpoint);
  } catch (error) {
    throw invalidArgument(`${where}.endpoint: ${errorMessage(error)}`);
  }
  if (strategy !== undefined && !DEPLOYMENT_STRATEGIES.includes(strategy as DeploymentStrategy))
    throw invalidArgument(
      `${where}.strategy: ${JSON.stringify(strategy)} is not one of ${DEPLOYMENT_STRATEGIES.join(', ')}`,
    );
  if (approval !== undefined && typeof approval !== 'boolean')
    throw invalidArgument(`${where}.approval: expected true or false, got ${JSON.stringify(approval)}`);
  let checked: Record<string, number> | undefined;
  try {
    checked = analysis === undefined ? undefined : (checkAnalysisPolicy(analysis) as Record<string, number>);
  } catch (error) {
    throw invalidArgument(`${where}.${errorMessage(error)}`);
  }
  return {
    endpoint,
    ...(strategy !== undefined ? { strategy: strategy as string } : {}),
    ...(checked ? { analysis: checked } : {}),
    ...(approval !== undefined ? { approval } : {}),
  };
}

/**
 * Deploys a version a step registered, as its `deploy` asked, and returns the tag value `<version> <phase>`.
 * Idempotent for a step retried after the orchestrator died between deploying and recording the tag: a version
 * the endpoint already serves (as champion or challenger) is not deployed again. (The caller skips this altogether
 * when the step run already has the tag.)
 */
export async function deployRegistered(
  service: DeploymentService,
  deployments: DeploymentRepository,
  model: string,
  version: string,
  request: StepDeployment,
): Promise<string> {
  const current = await deployments.get(request.endpoint);
  if (current?.modelName === model) {
    if (current.championVersion === version) return `${version} stable`;
    if (current.challengerVersion === version) return `${version} ${current.phase}`;
  }
  const deployed = await service.deploy(request.endpoint, `${model}/${version}`, {
    ...(request.strategy !== undefined ? { strategy: request.strategy as DeploymentStrategy } : {}),
    ...(request.analysis !== undefined ? { analysis: request.analysis } : {}),
    ...(request.approval !== undefined ? { approval: request.approval } : {}),
  });
  return `${version} ${deployed.championVersion === version ? 'stable' : deployed.phase}`;
}
