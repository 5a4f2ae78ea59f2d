export { type Command, type CommandContext, type Output, UsageError } from './command.js';
export { brokerCommand } from './commands/broker.js';
export { connectStandaloneArgs, connectStandaloneCommand } from './commands/connect-standalone.js';
export { demoCommand } from './commands/demo.js';
export { commands, main } from './main.js';
