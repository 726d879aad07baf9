package dev.intake.adapter.web;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;

/**
 * The one way Intake's outbound calls (webhooks, CAPTCHA checks) open a POST: over {@link HttpURLConnection},
 * which the AWS SDK's HTTP client has already loaded; streamed with its length, so the body is not buffered
 * again and the connection never resends it by itself after a failure; no redirects followed; no cache.
 */
final class Posts {
    private Posts() {}

    /**
     * An unconnected POST of {@code length} bytes to {@code url}, through {@code proxy} (null: the JVM's proxy
     * selector), with a connect timeout and a timeout for each read.
     *
     * @throws IllegalArgumentException or {@link java.net.MalformedURLException} when the URL cannot be opened
     */
    static HttpURLConnection open(URI url, Proxy proxy, Duration connectTimeout, Duration readTimeout, int length)
            throws IOException {
        HttpURLConnection connection = (HttpURLConnection) (proxy == null ? url.toURL().openConnection() : url.toURL().openConnection(proxy));
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setUseCaches(false);
        connection.setInstanceFollowRedirects(false);
        connection.setFixedLengthStreamingMode(length);
        connection.setConnectTimeout(millis(connectTimeout));
        connection.setReadTimeout(millis(readTimeout));
        return connection;
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
