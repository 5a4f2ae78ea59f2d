/**
 * The shape every `tributary` subcommand has, and the context it runs in.
 *
 * Exit codes: 0 success, 1 the command failed while running, 2 the command line was
 * wrong (unknown command or flag, bad value). A command reports a bad command line by
 * throwing `UsageError`; `main` prints it and returns 2.
 */

/** Where a command writes: `process.stdout` / `process.stderr`, or a buffer in tests. */
export interface Output {
  write(text: string): unknown;
}

export interface CommandContext {
  readonly stdout: Output;
  readonly stderr: Output;
  /**
   * Aborted when the user asks the command to stop (the first SIGINT or SIGTERM in the
   * `tributary` binary). Long-running commands stop cleanly and return; short ones may
   * ignore it.
   */
  readonly signal: AbortSignal;
}

export interface Command {
  /** The word after `tributary`. */
  readonly name: string;
  /** One line for `tributary --help`. */
  readonly summary: string;
  /** The full text of `tributary <name> --help`. */
  readonly usage: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: readonly string[], context: CommandContext): Promise<number>;
}

/** A wrong command line: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
