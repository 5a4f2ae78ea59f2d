/**
 * The `trace` a FAILED connector or task shows in its status: the error's stack and the
 * stacks of its causes (as Java prints "Caused by:"), with every secret value replaced by
 * `[hidden]`. Secrets are the values of password-type keys and of keys whose value came
 * from a config provider; a message that quotes one (a driver echoing its connection
 * string, say) must not leak it through `GET /connectors/{n}/status`.
 */
import { redact } from '../logging/root-logger.js';

const MAX_CAUSES = 10;

/** The stack of `error` and its causes, secrets removed. */
export function failureTrace(error: unknown, secrets: Iterable<string>): string {
  return redact(stackWithCauses(error), secrets);
}

function stackWithCauses(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth <= MAX_CAUSES; depth++) {
    const text = current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current);
    parts.push(depth === 0 ? text : `Caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}
