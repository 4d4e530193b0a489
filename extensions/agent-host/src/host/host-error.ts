import type { ErrorCode, WireError } from '../protocol/index.ts';

/**
 * An expected failure with a stable code and a message a person can act on. Thrown inside
 * the host, turned into a wire error at the RPC boundary, printed as is by the CLI.
 */
export class HostError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, data?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HostError';
    this.code = code;
    this.data = data;
  }

  toWire(): WireError {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/** The error code of a Node system error (ENOENT, ENOSPC, …), if it is one. */
export function errnoCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}
