/**
 * The errors the registry answers with, as Confluent Schema Registry sends them: a JSON
 * body `{"error_code": <int>, "message": "<text>"}` whose HTTP status is the first three
 * digits of the code (40401 → 404). Clients match on `error_code`, so the codes and,
 * where tools parse them, the message shapes are Confluent's.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly errorCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** 404 for 40401, 409 for 409, 500 for 50001. */
  get status(): number {
    const code = String(this.errorCode);
    return Number(code.length > 3 ? code.slice(0, 3) : code);
  }
}

export const errors = {
  subjectNotFound: (subject: string) => new RegistryError(40401, `Subject '${subject}' not found.`),
  versionNotFound: (version: number) => new RegistryError(40402, `Version ${version} not found.`),
  schemaNotFound: (detail = 'Schema not found') => new RegistryError(40403, detail),
  subjectSoftDeleted: (subject: string) =>
    new RegistryError(40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`),
  subjectNotSoftDeleted: (subject: string) =>
    new RegistryError(40405, `Subject '${subject}' was not deleted first before being permanently deleted`),
  versionSoftDeleted: (subject: string, version: number) =>
    new RegistryError(
      40406,
      `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`,
    ),
  versionNotSoftDeleted: (subject: string, version: number) =>
    new RegistryError(
      40407,
      `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`,
    ),
  subjectConfigNotFound: (subject: string) =>
    new RegistryError(40408, `Subject '${subject}' does not have subject-level compatibility configured`),
  incompatible: (message: string) => new RegistryError(409, message),
  invalidSchema: (message: string, cause?: unknown) =>
    new RegistryError(42201, message, cause === undefined ? undefined : { cause }),
  invalidVersion: (version: string) =>
    new RegistryError(
      42202,
      `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    ),
  invalidCompatibilityLevel: (level: unknown) =>
    new RegistryError(
      42203,
      `Invalid compatibility level ${JSON.stringify(level)}. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive`,
    ),
  invalidMode: (mode: unknown) =>
    new RegistryError(42204, `Invalid mode ${JSON.stringify(mode)}. This registry only runs in READWRITE mode`),
  referenceExists: (subject: string, version: number, ids: readonly number[]) =>
    new RegistryError(
      42206,
      `One or more references exist to the schema {subject=${subject},version=${version}}: schema ids ${ids.join(', ')}`,
    ),
  storeError: (what: string, cause: unknown) =>
    new RegistryError(50001, `${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause }),
  badRequest: (message: string) => new RegistryError(400, message),
  routeNotFound: () => new RegistryError(404, 'HTTP 404 Not Found'),
  methodNotAllowed: () => new RegistryError(405, 'HTTP 405 Method Not Allowed'),
} as const;
