package dev.intake.bench.jmh;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.intake.application.ManageForms;
import dev.intake.application.port.CampaignStore;
import dev.intake.application.port.CaptchaVerifier;
import dev.intake.application.port.DeliveryStore;
import dev.intake.application.port.EventPublisher;
import dev.intake.application.port.IdempotencyStore;
import dev.intake.application.port.Mailer;
import dev.intake.application.port.WebhookSender;
import dev.intake.application.port.WorkspaceStore;
import dev.intake.config.IntakeConfig;
import dev.intake.config.Services;
import dev.intake.application.port.UsageKeys;
import dev.intake.functions.submit.SubmitHandler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The submit function's own work for one 1 KB public submit ({@code POST /api/forms/{formId}/submit}, flat
 * JSON): routing, parsing, validation, rate limit, person upsert, submission, counter, response — with every
 * port in memory, so no I/O is measured. Each call comes from a new source IP (the rate limiter always
 * allows) and carries a new e-mail address (a new person), as the DynamoDB benchmark's submission does.
 * The event object is the one API Gateway's proxy integration hands the function; building it (JSON
 * deserialization by the Lambda runtime) is not the handler's work and is not measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SubmitHandlerBench {
    static final String WORKSPACE = "ws_bench";

    private SubmitHandler handler;
    private APIGatewayProxyRequestEvent event;
    private APIGatewayProxyRequestEvent.RequestIdentity identity;
    private String bodyHead;
    private String bodyTail;
    private long n;

    @Setup
    public void setUp() {
        InMemoryPorts.Forms forms = new InMemoryPorts.Forms();
        Services services = services(forms);
        var draft = new ManageForms.FormDraft("Contact us", List.of(
                field("email", "email", true, null),
                field("firstName", "text", false, null),
                field("lastName", "text", false, null),
                field("company", "text", false, null),
                field("phone", "tel", false, null),
                field("website", "url", false, null),
                field("interests", "select", false, List.of("tech", "marketing", "design")),
                field("message", "textarea", false, null)), null, false);
        String formId = services.manageForms.create(WORKSPACE, draft).form().id();
        handler = new SubmitHandler(services);

        // A 1 KB flat JSON body, as a browser's fetch() of a contact form sends it. The e-mail varies per call.
        bodyHead = "{\"email\":\"visitor";
        String message = "Hello! We are looking for a form backend for our marketing site and would like to know more "
                + "about pricing for teams, data retention, exports to our CRM and whether webhooks can be signed. "
                + "We expect a few thousand submissions a month across about a dozen forms, with spikes during "
                + "launches. Could someone from your team get in touch next week? Tuesday or Thursday afternoon "
                + "works best for us. Thanks in advance, and have a great day.";
        String tail = "@example.com\",\"firstName\":\"Jane\",\"lastName\":\"Doe-Smith\",\"company\":\"Example Widgets GmbH\","
                + "\"phone\":\"+49 30 1234567\",\"website\":\"https://widgets.example.com/about\",\"interests\":\"marketing\","
                + "\"message\":\"" + message + "\"}";
        // Pad the message so that the body, with a 7-digit counter in the address, is 1,024 bytes.
        int size = (bodyHead + "0000000" + tail).getBytes(StandardCharsets.UTF_8).length;
        if (size > 1024) throw new IllegalStateException("body template is " + size + " bytes");
        bodyTail = tail.replace("have a great day.", "have a great day." + " ".repeat(1024 - size));

        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "api.example.com");
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "*/*");
        headers.put("Origin", "https://www.example.com");
        headers.put("Referer", "https://www.example.com/contact");
        headers.put("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36");
        headers.put("Accept-Language", "en-GB,en;q=0.9");
        headers.put("X-Forwarded-Proto", "https");
        Map<String, List<String>> multi = new LinkedHashMap<>();
        headers.forEach((k, v) -> multi.put(k, List.of(v)));
        identity = new APIGatewayProxyRequestEvent.RequestIdentity().withSourceIp("198.51.100.1").withUserAgent(headers.get("User-Agent"));
        event = new APIGatewayProxyRequestEvent()
                .withResource("/api/forms/{formId}/submit").withPath("/api/forms/" + formId + "/submit").withHttpMethod("POST")
                .withHeaders(headers).withMultiValueHeaders(multi)
                .withPathParameters(new LinkedHashMap<>(Map.of("formId", formId)))
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withRequestId("bench").withStage("prod").withResourcePath("/api/forms/{formId}/submit")
                        .withHttpMethod("POST").withPath("/prod/api/forms/" + formId + "/submit").withIdentity(identity)
                        .withAccountId("000000000000").withApiId("bench"))
                .withIsBase64Encoded(false);

        APIGatewayProxyResponseEvent first = submit();
        if (first.getStatusCode() != 201) {
            throw new IllegalStateException("the benchmark's submit is not accepted: " + first.getStatusCode() + " " + first.getBody());
        }
        int bodyBytes = event.getBody().getBytes(StandardCharsets.UTF_8).length;
        if (bodyBytes < 1000 || bodyBytes > 1100) throw new IllegalStateException("body is " + bodyBytes + " bytes, not 1 KB");
    }

    @Benchmark
    public APIGatewayProxyResponseEvent submit() {
        long i = n++;
        // A new address for each call: the in-memory rate limiter counts per IP and form, and never refuses.
        identity.setSourceIp("10." + ((i >>> 16) & 255) + "." + ((i >>> 8) & 255) + "." + (i & 255));
        event.setBody(bodyHead + (1_000_000 + i % 9_000_000) + bodyTail);
        return handler.handleRequest(event, null);
    }

    static Services services(InMemoryPorts.Forms forms) {
        var config = new IntakeConfig("us-east-1", null, null,
                new IntakeConfig.Tables("workspaces", "forms", "submissions", "people", "campaigns", "guards"), null)
                .withSettings("bench-signing-secret-of-at-least-32-bytes", "https://api.example.com", IntakeConfig.Delivery.fromEnvironment())
                .withUsagePlanId(null);
        return new Services(config, Clock.systemUTC(), InMemoryPorts.unused(WorkspaceStore.class), forms,
                new InMemoryPorts.Submissions(), new InMemoryPorts.People(), InMemoryPorts.unused(CampaignStore.class),
                InMemoryPorts.unused(DeliveryStore.class), InMemoryPorts.unused(EventPublisher.class),
                new Services.Guards(new InMemoryPorts.Limiter(), InMemoryPorts.unused(IdempotencyStore.class)),
                InMemoryPorts.unused(CaptchaVerifier.class),
                new Services.Outbound(InMemoryPorts.unused(WebhookSender.class), InMemoryPorts.unused(Mailer.class)),
                UsageKeys.unmetered(), () -> {
                    throw new UnsupportedOperationException("no SQS on the submit path");
                });
    }

    private static ManageForms.FieldDraft field(String name, String type, boolean required, List<String> options) {
        return new ManageForms.FieldDraft(null, name, type, name, required, options, null, null);
    }
}
