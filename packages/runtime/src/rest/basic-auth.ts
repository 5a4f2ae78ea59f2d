/**
 * HTTP Basic authentication for the REST API (what Kafka's `BasicAuthSecurityRestExtension`
 * provides through JAAS, here configured directly).
 *
 * Username and password are compared as SHA-256 digests with `timingSafeEqual`, both always,
 * so neither the length nor the first differing byte of a guess shows in the response time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Password } from '@tributary/api';

export interface BasicAuthCredentials {
  readonly username: string;
  readonly password: Password;
}

/** `WWW-Authenticate` for a 401 answer. */
export const BASIC_AUTH_CHALLENGE = 'Basic realm="Tributary Connect", charset="UTF-8"';

/** A check of an `Authorization` header value against `credentials`. */
export function basicAuthCheck(credentials: BasicAuthCredentials): (authorization: string | undefined) => boolean {
  const expectedUser = digest(credentials.username);
  const expectedPassword = digest(credentials.password.value());
  return (authorization) => {
    const given = parseBasic(authorization);
    const userMatches = timingSafeEqual(digest(given?.username ?? ''), expectedUser);
    const passwordMatches = timingSafeEqual(digest(given?.password ?? ''), expectedPassword);
    return given !== undefined && userMatches && passwordMatches;
  };
}

function parseBasic(authorization: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  const encoded = match?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
