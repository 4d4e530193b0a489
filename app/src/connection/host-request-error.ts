import type { ErrorCode, WireError } from '../protocol.ts';

/** Failures that never cross the wire: the request did not reach the host or got no answer. */
export type ClientErrorCode = 'not_connected' | 'connection_lost';

/** A request's failure: the host's wire error, or a client-side one, with a message a person can act on. */
export class HostRequestError extends Error {
  override readonly name = 'HostRequestError';
  readonly code: ErrorCode | ClientErrorCode;
  readonly data: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode | ClientErrorCode, message: string, data?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.data = data;
  }

  /** The error the host sent for one request. */
  static fromWire(error: WireError): HostRequestError {
    return new HostRequestError(error.code, error.message, error.data);
  }
}
