/** Coded errors: the message is JSON {"code","message"} so the gateway maps it without parsing prose. */
import { canonicalJson } from './canonical';
import { ErrorCode, type ChaincodeErrorBody } from './api';

export class ChaincodeError extends Error {
  readonly body: ChaincodeErrorBody;

  constructor(code: ErrorCode, message: string) {
    super(canonicalJson({ code, message }));
    this.body = { code, message };
  }
}

export const validationFailed = (message: string): ChaincodeError =>
  new ChaincodeError(ErrorCode.VALIDATION_FAILED, message);
export const forbidden = (message: string): ChaincodeError =>
  new ChaincodeError(ErrorCode.FORBIDDEN, message);
export const notFound = (what: string): ChaincodeError =>
  new ChaincodeError(ErrorCode.NOT_FOUND, `${what} not found`);
export const idConflict = (what: string): ChaincodeError =>
  new ChaincodeError(ErrorCode.ID_CONFLICT, `${what} already exists with other content`);
export const invalidState = (message: string): ChaincodeError =>
  new ChaincodeError(ErrorCode.INVALID_STATE, message);
export const clockSkew = (message: string): ChaincodeError =>
  new ChaincodeError(ErrorCode.CLOCK_SKEW, message);
