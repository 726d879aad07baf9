package dev.intake.adapter.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.port.UsageKeys;
import dev.intake.domain.Ids;
import dev.intake.domain.IntakeException;
import dev.intake.domain.UsageKey;
import dev.intake.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * Usage-plan keys through API Gateway's REST management API, signed with SigV4 (the SDK's {@code apigateway}
 * client does not resolve from the Maven Central reachable here, and only three calls are needed):
 * <ul>
 *   <li>register: {@code POST /apikeys} (an enabled key with our random value), then
 *       {@code POST /usageplans/{plan}/keys} to attach it to the usage plan;</li>
 *   <li>disable: {@code PATCH /apikeys/{id}} setting {@code /enabled} to false.</li>
 * </ul>
 * The JDK's HTTP client carries the calls because {@code HttpURLConnection} (and with it the SDK's
 * url-connection client) cannot send PATCH. A failed call surfaces as {@code Unavailable} naming the call, the
 * status and API Gateway's own message.
 */
public final class ApiGatewayUsageKeys implements UsageKeys {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Headers the JDK client sets itself and refuses from callers; the signer's values for them are the same. */
    private static final Set<String> SET_BY_CLIENT = Set.of("host", "content-length", "connection", "expect", "upgrade");
    private static final String ID = "[A-Za-z0-9]+";

    private final URI endpoint;
    private final String region;
    private final String usagePlanId;
    private final AwsCredentialsProvider credentials;
    private volatile HttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * @param endpoint API Gateway's management endpoint, {@code https://apigateway.{region}.amazonaws.com}, or
     *     a test server
     */
    public ApiGatewayUsageKeys(URI endpoint, String region, String usagePlanId, AwsCredentialsProvider credentials) {
        if (usagePlanId == null || !usagePlanId.matches(ID)) throw new IllegalArgumentException("not a usage plan id: " + usagePlanId);
        this.endpoint = endpoint;
        this.region = region;
        this.usagePlanId = usagePlanId;
        this.credentials = credentials;
    }

    @Override
    public UsageKey register(String workspaceId, String keyPrefix) {
        var body = Json.object()
                .put("name", "intake " + workspaceId + " " + keyPrefix)
                .put("description", "Meters Intake API key " + keyPrefix + "… of workspace " + workspaceId)
                .put("value", Ids.usageKey())
                .put("enabled", true);
        JsonNode created = call(SdkHttpMethod.POST, "/apikeys", body, false);
        String id = created.path("id").asText("");
        String value = created.path("value").asText("");
        if (!id.matches(ID) || value.isEmpty()) {
            throw new IntakeException.Unavailable("API Gateway answered POST /apikeys without the key's id and value", 0);
        }
        call(SdkHttpMethod.POST, "/usageplans/" + usagePlanId + "/keys", Json.object().put("keyId", id).put("keyType", "API_KEY"), false);
        return new UsageKey(id, value);
    }

    @Override
    public void disable(UsageKey key) {
        // A key registered without API Gateway (before metering, or on the local stack) has no id to disable.
        if (key.id() == null) return;
        if (!key.id().matches(ID)) throw new IllegalArgumentException("not an API key id: " + key.id());
        var body = Json.object();
        body.putArray("patchOperations").addObject().put("op", "replace").put("path", "/enabled").put("value", "false");
        // A key deleted by hand (404) is not metered any more either, which is what disabling wants.
        call(SdkHttpMethod.PATCH, "/apikeys/" + key.id(), body, true);
    }

    /** Sends one signed JSON call and returns the answer's body; other answers than 2xx (and 404 if {@code absentIsFine}) throw. */
    private JsonNode call(SdkHttpMethod method, String path, JsonNode json, boolean absentIsFine) {
        byte[] body = Json.write(json).getBytes(StandardCharsets.UTF_8);
        URI uri = endpoint.resolve(path);
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(method).uri(uri)
                .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json").build();
        var signed = signer.sign(r -> r.identity(credentials.resolveCredentials()).request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "apigateway")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .method(method.name(), HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().forEachHeader((name, values) -> {
            if (!SET_BY_CLIENT.contains(name.toLowerCase(Locale.ROOT))) values.forEach(v -> request.header(name, v));
        });
        HttpResponse<String> res;
        try {
            res = http().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IntakeException.Unavailable("API Gateway is unreachable for " + method + " " + path + " (" + e.getClass().getSimpleName() + ")", 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IntakeException.Unavailable("Interrupted while calling API Gateway", 2);
        }
        JsonNode answer = parse(res.body());
        if (res.statusCode() / 100 == 2 || (res.statusCode() == 404 && absentIsFine)) return answer;
        String what = "API Gateway answered " + res.statusCode() + " to " + method + " " + path + ": "
                + res.headers().firstValue("x-amzn-ErrorType").map(t -> t.replaceAll(":.*$", "") + ": ").orElse("")
                + answer.path("message").asText(answer.path("Message").asText("(no message)"));
        boolean retry = res.statusCode() == 429 || res.statusCode() >= 500;
        throw new IntakeException.Unavailable(what, retry ? 2 : 0);
    }

    /** Built on first use: the admin function's snapshot (SnapStart) then holds no client threads or connections. */
    private HttpClient http() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                if (http == null) http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                c = http;
            }
        }
        return c;
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : Json.mapper().readTree(body);
            return node == null ? Json.object() : node;
        } catch (IOException e) {
            return Json.object();
        }
    }
}
