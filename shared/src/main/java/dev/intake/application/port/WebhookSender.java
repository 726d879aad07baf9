package dev.intake.application.port;

import java.net.URI;
import java.util.Map;

/** Delivers webhook requests to the URLs campaigns name. */
public interface WebhookSender {
    /**
     * POSTs {@code body} to {@code url} with {@code headers} (the sender adds {@code Content-Type} and
     * {@code User-Agent}). Never throws for HTTP or network failures: they come back as a {@link Result}.
     */
    Result post(URI url, byte[] body, Map<String, String> headers);

    /** What became of one request. */
    sealed interface Result {
        /** The receiver answered 2xx. */
        record Delivered(int status) implements Result {}

        /**
         * Worth retrying: the receiver answered something other than 2xx ({@code status} set), or the
         * request timed out or hit a network error ({@code status} null).
         */
        record Failed(Integer status, String error) implements Result {}

        /** Permanent: the target is not allowed (private address, bad scheme, …); retrying cannot help. */
        record Refused(String reason) implements Result {}
    }
}
