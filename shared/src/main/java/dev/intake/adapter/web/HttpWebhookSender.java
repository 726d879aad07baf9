package dev.intake.adapter.web;

import dev.intake.application.port.WebhookSender;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends webhooks with the JDK's HTTP client: HTTP/1.1, no redirects, no proxy, bounded in time, and only
 * to targets the {@link TargetPolicy} allows. The receiver's answer is read up to
 * {@value #MAX_RESPONSE_BYTES} bytes and dropped; only its status matters.
 */
public final class HttpWebhookSender implements WebhookSender {
    /** How much of a response body is read before the connection is dropped. */
    public static final int MAX_RESPONSE_BYTES = 4096;
    private static final String USER_AGENT = "Intake-Webhooks/1.0";

    private final TargetPolicy policy;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final HttpClient client;

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
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                // A proxy would make the addresses checked below meaningless.
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(connectTimeout)
                .build();
    }

    @Override
    public Result post(URI url, byte[] body, Map<String, String> headers) {
        Optional<String> refusal = policy.refusal(url);
        if (refusal.isPresent()) return new Result.Refused(refusal.get());
        String host = url.getHost();
        // Every address is checked, not just the first: the client may connect to any of them. The
        // client resolves the name again when it connects; the JVM's address cache
        // (networkaddress.cache.ttl, 30 s by default) normally gives it the same answer, but a DNS
        // rebinding attack that lands on the moment the entry expires can still slip through. A
        // deployment that needs more should run the function in a VPC whose egress rules block
        // private ranges.
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

        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(requestTimeout)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (headers != null) headers.forEach(builder::header);
            request = builder.setHeader("Content-Type", "application/json").setHeader("User-Agent", USER_AGENT).build();
        } catch (IllegalArgumentException e) {
            // A URL or header the client will never accept: retrying cannot help.
            return new Result.Refused("the request is invalid: " + e.getMessage());
        }

        long deadline = System.nanoTime() + requestTimeout.toNanos();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            drain(response.body(), deadline);
            int status = response.statusCode();
            if (status >= 200 && status < 300) return new Result.Delivered(status);
            return new Result.Failed(status, "HTTP " + status + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""));
        } catch (HttpConnectTimeoutException e) {
            return new Result.Failed(null, "connecting timed out after " + human(connectTimeout));
        } catch (HttpTimeoutException e) {
            return new Result.Failed(null, "timed out after " + human(requestTimeout));
        } catch (ConnectException e) {
            return new Result.Failed(null, "could not connect to " + url.getAuthority() + ": " + message(e));
        } catch (IOException e) {
            return new Result.Failed(null, message(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result.Failed(null, "interrupted");
        }
    }

    /**
     * Reads and drops at most {@link #MAX_RESPONSE_BYTES}. The request timeout stops counting once the
     * status line arrives, so the stream is closed at the deadline: a receiver that trickles its body
     * cannot hold the function. Closing unblocks a pending read.
     */
    private static void drain(InputStream in, long deadline) {
        long left = Math.max(0, deadline - System.nanoTime());
        CompletableFuture.delayedExecutor(left, TimeUnit.NANOSECONDS).execute(() -> closeQuietly(in));
        try (in) {
            in.readNBytes(MAX_RESPONSE_BYTES);
        } catch (IOException ignored) {
            // The status is all that counts, and it has arrived.
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Already closed or broken: either way it no longer holds anything.
        }
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
