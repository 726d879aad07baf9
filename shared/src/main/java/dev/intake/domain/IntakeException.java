package dev.intake.domain;

import java.util.List;

/**
 * The one family of errors the domain throws. Each carries a stable machine code and a message that is
 * safe to show to the caller; the HTTP layer maps the subclass to a status.
 */
public abstract sealed class IntakeException extends RuntimeException
        permits IntakeException.NotFound, IntakeException.Invalid, IntakeException.Unauthorized,
                IntakeException.Conflict, IntakeException.TooLarge, IntakeException.Unavailable,
                IntakeException.Forbidden, IntakeException.RateLimited {

    private final String code;

    protected IntakeException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() { return code; }

    /** Something the caller named does not exist, or belongs to another workspace. */
    public static final class NotFound extends IntakeException {
        public NotFound(String what) { super("not_found", what + " not found"); }
    }

    /** The request is malformed; {@code fields} names the offending inputs, if any. */
    public static final class Invalid extends IntakeException {
        private final List<String> fields;
        public Invalid(String code, String message, List<String> fields) {
            super(code, message);
            this.fields = List.copyOf(fields);
        }
        public Invalid(String code, String message) { this(code, message, List.of()); }
        public List<String> fields() { return fields; }
    }

    /** Missing, wrong or revoked credentials. */
    public static final class Unauthorized extends IntakeException {
        public Unauthorized(String message) { super("unauthorized", message); }
    }

    /** The caller is known but may not do this here, e.g. a browser origin a form does not allow. */
    public static final class Forbidden extends IntakeException {
        public Forbidden(String code, String message) { super(code, message); }
    }

    /** A conditional write lost a race, e.g. a concurrent form update. */
    public static final class Conflict extends IntakeException {
        public Conflict(String message) { super("conflict", message); }
    }

    /** The body or one of its parts is over a limit. */
    public static final class TooLarge extends IntakeException {
        public TooLarge(String message) { super("payload_too_large", message); }
    }

    /** A dependency (storage, queue) failed; the caller may retry after {@code retryAfterSeconds}. */
    public static final class Unavailable extends IntakeException {
        private final int retryAfterSeconds;
        public Unavailable(String message, int retryAfterSeconds) {
            super("unavailable", message);
            this.retryAfterSeconds = retryAfterSeconds;
        }
        public int retryAfterSeconds() { return retryAfterSeconds; }
    }

    /** Too many requests from one client for one form; retry after {@code retryAfterSeconds}. */
    public static final class RateLimited extends IntakeException {
        private final int retryAfterSeconds;
        public RateLimited(String message, int retryAfterSeconds) {
            super("rate_limited", message);
            this.retryAfterSeconds = retryAfterSeconds;
        }
        public int retryAfterSeconds() { return retryAfterSeconds; }
    }
}
