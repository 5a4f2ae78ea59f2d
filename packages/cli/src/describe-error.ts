import { ConfigError } from '@tributary/api';

/** A failure for a person: configuration errors list each key; others give the message and its causes. */
export function describeError(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (!parts.some((p) => p.includes(message))) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}
