/**
 * Typed domain errors. Domain code throws these; the HTTP layer turns them into
 * `application/problem+json` and the CLI into a message and a non-zero exit code.
 * Callers switch on `type`, never on message text.
 */

/** One problem with an input, located by a path such as `tools[0]` or `models[3].pricing.inputPerMTok`. */
export interface FieldProblem {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly type: string;
  abstract readonly statusCode: number;
  abstract readonly title: string;

  constructor(
    message: string,
    /** Every problem found, when there is more than one thing wrong. */
    readonly errors: FieldProblem[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON() {
    return {
      type: this.type,
      title: this.title,
      status: this.statusCode,
      detail: this.message,
      ...(this.errors.length > 0 ? { errors: this.errors } : {}),
    };
  }
}

export class ValidationError extends DomainError {
  readonly type = 'validation-error';
  readonly statusCode = 400;
  readonly title = 'The request is not valid';
}

/**
 * A well-formed number outside its bounds (negative, zero where it matters, beyond what the schema
 * allows): 422, so a client can tell "fix this value" from a malformed request (400).
 */
export class OutOfRangeError extends DomainError {
  readonly type = 'out-of-range';
  readonly statusCode = 422;
  readonly title = 'A number is out of range';
}

export class NotFoundError extends DomainError {
  readonly type = 'not-found';
  readonly statusCode = 404;
  readonly title = 'Not found';
}

export class ConflictError extends DomainError {
  readonly type = 'conflict';
  readonly statusCode = 409;
  readonly title = 'Conflict';
}

/**
 * The platform cannot do this where it runs, or for this input as it is (deploying from a platform
 * that is not in an AWS account, an agent that needs secrets the builder must give): 409, and the
 * detail says what to do instead.
 */
export class DeployUnavailableError extends DomainError {
  readonly type = 'deploy-unavailable';
  readonly statusCode = 409;
  readonly title = 'The platform cannot deploy this agent here';
}

export class UnauthorizedError extends DomainError {
  readonly type = 'unauthorized';
  readonly statusCode = 401;
  readonly title = 'Sign in first';
}

export class ForbiddenError extends DomainError {
  readonly type = 'forbidden';
  readonly statusCode = 403;
  readonly title = 'Forbidden';
}

/** A setting that would widen an IAM policy (a wildcard, a foreign ARN, a name AWS would not accept). */
export class PermissionWideningError extends DomainError {
  readonly type = 'permission-widening';
  readonly statusCode = 422;
  readonly title = 'A setting would widen the agent’s permissions';
}

export class PayloadTooLargeError extends DomainError {
  readonly type = 'payload-too-large';
  readonly statusCode = 413;
  readonly title = 'The request is too large';
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly type = 'unsupported-media-type';
  readonly statusCode = 415;
  readonly title = 'Send JSON';
}

export class RateLimitedError extends DomainError {
  readonly type = 'rate-limited';
  readonly statusCode = 429;
  readonly title = 'Too many requests';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class UpstreamError extends DomainError {
  readonly type = 'upstream-error';
  readonly statusCode = 502;
  readonly title = 'An upstream service failed';
}

/**
 * A capability that is switched off for this user (a feature flag in its rollout): the route exists,
 * but not for them yet. `feature` names the flag, so a client can hide what it cannot use.
 */
export class FeatureNotEnabledError extends DomainError {
  readonly type = 'feature-not-enabled';
  readonly statusCode = 403;
  readonly title = 'This capability is not enabled for you';

  constructor(
    readonly feature: string,
    name: string,
  ) {
    super(
      `${name} is not enabled for your account yet; it is being rolled out gradually. See GET /api/features for what you have.`,
    );
  }

  override toJSON() {
    return { ...super.toJSON(), errors: [{ path: 'feature', message: this.feature }] };
  }
}

/**
 * An external dependency (Bedrock, an OpenAI-compatible endpoint, the artifact store) that is failing
 * as a whole: its circuit breaker is open, so the request is refused at once instead of waiting on it.
 */
export class DependencyUnavailableError extends DomainError {
  readonly type = 'dependency-unavailable';
  readonly statusCode = 503;
  readonly title = 'A service the platform depends on is unavailable';

  constructor(
    readonly dependency: string,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `${dependency} is failing; the platform stopped calling it for now. Try again in ${retryAfterSeconds} s.`,
    );
  }
}
