package dev.intake.adapter.web;

import dev.intake.application.port.WebhookSender;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Sends webhooks with the JDK's {@link HttpURLConnection}: HTTP/1.1, no redirects, no proxy, no silent
 * retry, bounded in time, and only to targets the {@link TargetPolicy} allows. The receiver's answer is read
 * up to {@value #MAX_RESPONSE_BYTES} bytes and dropped; only its status matters.
 *
 * <p>{@code HttpURLConnection} rather than {@code java.net.http.HttpClient}: the AWS SDK's HTTP client is
 * built on it, so a function has already loaded it when its first webhook goes out, where {@code HttpClient}
 * would load some 130 more classes, start a selector thread and build a second TLS context on that first
 * call (about 0.2 s of the campaign trigger's cold start; docs/decisions.md).
 */
public final class HttpWebhookSender implements WebhookSender {
    /** How much of a response body is read before the connection is dropped. */
    public static final int MAX_RESPONSE_BYTES = 4096;
    private static final String USER_AGENT = "Intake-Webhooks/1.0";
    /** RFC 9110's token: what a header name may be made of. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    /**
     * Headers the connection sets itself, that would change how the request is framed or routed, or that
     * {@code HttpURLConnection} drops; a caller's value for one is refused rather than sent or silently dropped.
     */
    private static final Set<String> RESTRICTED = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "keep-alive", "te", "trailer", "transfer-encoding", "content-transfer-encoding", "via", "proxy-authorization",
            "proxy-connection", "origin", "access-control-request-headers", "access-control-request-method");

    private final TargetPolicy policy;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    /** A sender with a 3 s connect timeout and a 10 s timeout for the whole request. */
    public HttpWebhookSender(TargetPolicy policy) {
        this(policy, Duration.ofSeconds(3), Duration.ofSeconds(10));
    }

    /**
     * @param connectTimeout how long establishing the connection may take
     * @param requestTimeout how long the whole request may take, from sending to the response's status;
     *     reading the (capped) response body stops at the same deadline
     */
    public HttpWebhookSender(TargetPolicy policy, Duration connectTimeout, Duration requestTimeout) {
        this.policy = policy;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public Result post(URI url, byte[] body, Map<String, String> headers) {
        Optional<String> refusal = policy.refusal(url);
        if (refusal.isPresent()) return new Result.Refused(refusal.get());
        String host = url.getHost();
        // Every address is checked, not just the first: the connection may go to any of them. It resolves
        // the name again when it connects; the JVM's address cache (networkaddress.cache.ttl, 30 s by
        // default) normally gives it the same answer, but a DNS rebinding attack that lands on the moment
        // the entry expires can still slip through. A deployment that needs more should run the function
        // in a VPC whose egress rules block private ranges.
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                Optional<String> refused = policy.refusal(address);
                if (refused.isPresent()) {
                    boolean literal = address.getHostAddress().equals(host) || host.startsWith("[");
                    return new Result.Refused(literal ? refused.get() : host + " resolves to a refused address: " + refused.get());
                }
            }
        } catch (UnknownHostException e) {
            return new Result.Failed(null, "could not resolve " + host);
        }
        Optional<String> invalid = invalidHeader(headers);
        if (invalid.isPresent()) return new Result.Refused("the request is invalid: " + invalid.get());

        HttpURLConnection connection;
        try {
            // No proxy: it would make the addresses checked above meaningless.
            connection = Posts.open(url, Proxy.NO_PROXY, connectTimeout, requestTimeout, body.length);
        } catch (MalformedURLException | IllegalArgumentException e) {
            // A URL the connection will never accept: retrying cannot help.
            return new Result.Refused("the request is invalid: " + e.getMessage());
        } catch (IOException e) {
            return new Result.Failed(null, message(e));
        }
        connection.setRequestProperty("Accept", "*/*"); // instead of the connection's default, meant for browsers
        if (headers != null) headers.forEach(connection::setRequestProperty);
        connection.setRequestProperty("Content-Type", "application/json");
        connection.setRequestProperty("User-Agent", USER_AGENT);

        // The read timeout bounds each wait; this bounds the whole request, and the (capped) body after it:
        // a receiver that trickles its answer cannot hold the function. Disconnecting unblocks a pending read.
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        AtomicBoolean finished = new AtomicBoolean();
        CompletableFuture.delayedExecutor(requestTimeout.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
            if (finished.compareAndSet(false, true)) connection.disconnect();
        });
        try {
            try {
                connection.connect();
            } catch (SocketTimeoutException e) {
                return new Result.Failed(null, "connecting timed out after " + human(connectTimeout));
            } catch (ConnectException e) {
                return new Result.Failed(null, "could not connect to " + url.getAuthority() + ": " + message(e));
            }
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            drain(connection, status);
            if (status >= 200 && status < 300) return new Result.Delivered(status);
            return new Result.Failed(status, "HTTP " + status + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""));
        } catch (IOException e) {
            boolean late = e instanceof SocketTimeoutException || System.nanoTime() - deadline >= 0;
            return new Result.Failed(null, late ? "timed out after " + human(requestTimeout) : message(e));
        } finally {
            finished.set(true);
        }
    }

    /**
     * Reads and drops at most {@link #MAX_RESPONSE_BYTES} of the answer. An answer read to its end leaves the
     * connection to be kept alive; a longer one, or one cut short, closes it.
     */
    private static void drain(HttpURLConnection connection, int status) {
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (in == null) return;
            in.readNBytes(MAX_RESPONSE_BYTES);
            if (in.read() != -1) connection.disconnect();
        } catch (IOException ignored) {
            // The status is all that counts, and it has arrived.
            connection.disconnect();
        }
    }

    /** Why a caller's header cannot be sent, if it cannot: not a token, a control character, or restricted. */
    private static Optional<String> invalidHeader(Map<String, String> headers) {
        if (headers == null) return Optional.empty();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey();
            String value = h.getValue();
            if (name == null || !TOKEN.matcher(name).matches()) return Optional.of("invalid header name '" + name + "'");
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) return Optional.of("restricted header name: \"" + name + "\"");
            if (value == null) return Optional.of("header " + name + " has no value");
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) return Optional.of("header " + name + " has an invalid character");
            }
        }
        return Optional.empty();
    }

    /** The innermost message, for an error short enough to store with a delivery. */
    private static String message(Throwable e) {
        String found = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) found = t.getMessage();
        }
        return found;
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
