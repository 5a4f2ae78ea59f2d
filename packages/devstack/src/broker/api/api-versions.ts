/**
 * ApiVersions (key 18), v0-3.
 * Request v0-2: (empty). v3: ClientSoftwareName compact_string, ClientSoftwareVersion
 * compact_string, tags — request header v2.
 * Response v0-2: ErrorCode int16, ApiKeys [ApiKey int16, MinVersion int16, MaxVersion int16],
 * ThrottleTimeMs int32 (v1+). v3: the same with a compact array, per-entry tags and
 * trailing tags. The response header is always v0 (KIP-511).
 * A version above 3 gets a v0-shaped UNSUPPORTED_VERSION body listing ApiVersions' own
 * range, so that every client can retry lower; the broker never closes here.
 */

import type { Reader } from '@tributary/protocol';
import { ErrorCode, Writer } from '@tributary/protocol';
import type { ApiHandler, RequestContext } from './api-handler.js';

const SOFTWARE = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export function apiVersionsApi(all: () => readonly ApiHandler[]): ApiHandler {
  return {
    key: 18,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: 3,
    handle(req: Reader, ctx: RequestContext): Writer {
      const apis = all();
      const w = new Writer();
      if (ctx.apiVersion >= 3) {
        const name = req.compactString() ?? '';
        const version = req.compactString() ?? '';
        const isValid = SOFTWARE.test(name) && SOFTWARE.test(version);
        w.int16(isValid ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST);
        w.compactArray(apis, (x, a) => x.int16(a.key).int16(a.minVersion).int16(a.maxVersion).emptyTags());
        return w.int32(0).emptyTags();
      }
      w.int16(ErrorCode.NONE);
      w.array(apis, (x, a) => x.int16(a.key).int16(a.minVersion).int16(a.maxVersion));
      if (ctx.apiVersion >= 1) w.int32(0);
      return w;
    },
  };
}

/** The v0-shaped answer to an ApiVersions version the broker does not know. */
export function unsupportedApiVersionsBody(): Writer {
  return new Writer(16).int16(ErrorCode.UNSUPPORTED_VERSION).array([0], (x) => x.int16(18).int16(0).int16(3));
}
