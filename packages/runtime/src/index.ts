export type { ConnectorInfo, Herder } from './herder.js';
export type { TaskRunner } from './task-parts.js';
