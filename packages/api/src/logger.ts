/**
 * The logging interface handed to plugins; pino's loggers satisfy it. Every line the
 * runtime writes for a connector or task already carries `connector` and `task`.
 */
export interface LogFn {
  (message: string): void;
  (fields: object, message?: string): void;
}

export interface Logger {
  readonly trace: LogFn;
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}
