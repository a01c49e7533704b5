import { Command, CommanderError } from 'commander';
import { errorMessage, isOspreyError } from '../core/errors.js';
import { registerDataCommands } from './data.js';
import { registerDemoCommand } from './demo.js';
import { registerDeploymentCommands } from './deployments.js';
import { registerDriftCommand } from './drift.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, exitCodeOf } from './exit-codes.js';
import { registerModelCommands } from './models.js';
import { registerMonitorCommands } from './monitors.js';
import { registerPipelineCommands } from './pipelines.js';
import { registerTrackingCommands } from './runs.js';
import { registerServeCommand } from './serve.js';
import { registerServerCommand } from './server.js';
import { registerStepCommand } from './step.js';
import { registerTokenCommands } from './tokens.js';
import { registerTriggerCommands } from './triggers.js';
import { OSPREY_VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command('osprey')
    .description('Osprey: pipelines with continuous training, tracking and registry, serving, monitoring')
    .version(OSPREY_VERSION)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerDataCommands(program);
  registerServerCommand(program);
  registerServeCommand(program);
  registerDeploymentCommands(program);
  const runs = registerTrackingCommands(program);
  registerModelCommands(program);
  registerPipelineCommands(program, runs);
  registerTriggerCommands(program);
  registerMonitorCommands(program);
  registerStepCommand(program);
  registerTokenCommands(program);
  registerDemoCommand(program);
  registerDriftCommand(program);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI and returns its exit code: 0 ok, 1 failed, 2 usage error. Never throws. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    // A command that reports a failure without throwing (a pipeline run that failed) sets process.exitCode.
    return typeof process.exitCode === 'number' && process.exitCode !== 0 ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)) return EXIT_OK;
      return EXIT_USAGE;
    }
    const json = argv.includes('--json');
    if (isOspreyError(error)) {
      process.stderr.write(`osprey: ${error.message}\n`);
      if (json) process.stdout.write(`${JSON.stringify({ error: error.toJSON() })}\n`);
      return exitCodeOf(error.code);
    }
    process.stderr.write(`osprey: internal error: ${errorMessage(error)}\n`);
    if (process.env.OSPREY_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    if (json)
      process.stdout.write(`${JSON.stringify({ error: { code: 'INTERNAL', message: errorMessage(error) } })}\n`);
    return EXIT_FAILED;
  }
}
