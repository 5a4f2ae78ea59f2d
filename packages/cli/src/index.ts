export { type Command, type CommandContext, type Output, UsageError } from './command.js';
export { brokerCommand } from './commands/broker.js';
export {
  type ConnectMirrorMakerInvocation,
  connectMirrorMakerArgs,
  connectMirrorMakerCommand,
} from './commands/connect-mirror-maker.js';
export { connectStandaloneArgs, connectStandaloneCommand } from './commands/connect-standalone.js';
export { demoCommand } from './commands/demo.js';
export { mirrorArgs, mirrorCommand } from './commands/mirror.js';
export { type MirrorMakerHandle, type RunMirrorMakerOptions, runMirrorMaker } from './commands/run-mirror-maker.js';
export { commands, main } from './main.js';
