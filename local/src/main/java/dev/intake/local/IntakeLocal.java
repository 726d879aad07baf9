package dev.intake.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.intake.application.CreateWorkspace;
import dev.intake.application.ManageForms;
import dev.intake.config.Env;
import dev.intake.config.IntakeConfig;
import dev.intake.config.Services;
import dev.intake.adapter.aws.AwsClients;
import dev.intake.adapter.dynamodb.CapacityMeter;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import dev.intake.domain.IntakeException;
import dev.intake.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole stack on one machine, with no Docker and no AWS account: DynamoDB Local and ElasticMQ, the
 * tables and queues of {@code template.yaml}, its API routes on {@code http://127.0.0.1:PORT}, and an SQS
 * poller feeding the queue-triggered functions. Handlers run in this JVM.
 */
public final class IntakeLocal implements AutoCloseable {
    /** How to start: {@code dynamoEndpoint}/{@code sqsEndpoint} point at an existing backend (LocalStack), else emulators start. */
    public record Options(int port, Path dataDir, Path template, URI dynamoEndpoint, URI sqsEndpoint,
                          List<ExecutionInterceptor> dynamoInterceptors) {
        public Options {
            dynamoInterceptors = List.copyOf(dynamoInterceptors);
        }

        public Options(int port, Path dataDir, Path template, URI dynamoEndpoint, URI sqsEndpoint) {
            this(port, dataDir, template, dynamoEndpoint, sqsEndpoint, List.of());
        }

        public static Options defaults() { return new Options(3000, null, null, null, null); }
        public Options withPort(int p) { return new Options(p, dataDir, template, dynamoEndpoint, sqsEndpoint, dynamoInterceptors); }

        /**
         * For tests only (the soak injects DynamoDB throttling this way): interceptors on the DynamoDB client
         * of the handlers, the relay and the trigger. Not on the stream reader, and not on {@link IntakeLocal#dynamo()}.
         */
        public Options withDynamoInterceptors(ExecutionInterceptor... interceptors) {
            return new Options(port, dataDir, template, dynamoEndpoint, sqsEndpoint, List.of(interceptors));
        }
    }

    private final Emulators emulators;
    private final ApiServer api;
    private final List<AutoCloseable> pollers = new ArrayList<>();
    private final LocalMailbox mailbox;
    private final Services services;
    private final Map<String, String> queueUrls;
    private final CreateWorkspace.Secrets demo;
    private final String demoFormId;
    private static final String DEMO_FORM = "Newsletter (demo)";
    private final SqsClient sqs;
    private final DynamoDbClient dynamo;
    private final CapacityMeter capacity = new CapacityMeter();

    private IntakeLocal(Options options) throws Exception {
        Template template = loadTemplate(options.template());
        if (options.dynamoEndpoint() == null) {
            emulators = Emulators.start(options.dataDir());
        } else {
            emulators = null;
        }
        URI dynamoEndpoint = emulators != null ? emulators.dynamoEndpoint() : options.dynamoEndpoint();
        URI sqsEndpoint = emulators != null ? emulators.sqsEndpoint() : options.sqsEndpoint();
        IntakeConfig bootstrap = new IntakeConfig("us-east-1", dynamoEndpoint, sqsEndpoint, tables(template), null);
        dynamo = AwsClients.dynamo(bootstrap);
        sqs = AwsClients.sqs(bootstrap);
        Provisioner.createTables(dynamo, template);
        queueUrls = Provisioner.createQueues(sqs, template);

        api = new ApiServer(options.port());
        mailbox = LocalMailbox.start();
        // Development settings: webhooks may reach this machine, retries come quickly, e-mail goes to the mailbox.
        IntakeConfig.Delivery delivery = new IntakeConfig.Delivery(Env.get("INTAKE_MAIL_FROM", "intake@localhost"),
                mailbox.settings(), true, Duration.ofSeconds(Long.parseLong(Env.get("INTAKE_RETRY_BASE_SECONDS", "1"))),
                maxReceives(template));
        IntakeConfig config = new IntakeConfig("us-east-1", dynamoEndpoint, sqsEndpoint, bootstrap.tables(),
                queueUrls.get(Template.logicalId(template.globalEnvironment().getOrDefault("EVENTS_QUEUE_URL", "EventsQueue"))))
                .withSettings(signingSecret(options.dataDir()), "http://127.0.0.1:" + api.port(), delivery)
                // No API Gateway here: API keys get usage keys that nothing meters (RouteGuard accepts any).
                .withUsagePlanId(null);
        List<ExecutionInterceptor> interceptors = new ArrayList<>(List.of(capacity));
        interceptors.addAll(options.dynamoInterceptors());
        services = Services.create(config, AwsClients.dynamo(config, interceptors.toArray(ExecutionInterceptor[]::new)));
        demo = demoWorkspace(services);
        demoFormId = demoForm(services, demo.workspaceId());

        List<ApiServer.Binding> bindings = new ArrayList<>();
        DynamoDbStreamsClient streams = AwsClients.dynamoStreams(bootstrap);
        Map<String, String> tables = tableNames(template);
        Map<String, Object> handlers = new LinkedHashMap<>();
        for (Template.Function f : template.functions().values()) handlers.put(f.logicalId(), instantiate(f.handlerClass(), services));
        for (Template.Function f : template.functions().values()) {
            Object handler = handlers.get(f.logicalId());
            for (Template.Route route : f.routes()) {
                RouteGuard guard = route.auth().open() ? null : new RouteGuard(template.apis().get(route.api()), route.auth(),
                        route.auth().authorizerFunction() == null ? null : authorizerHandler(handlers.get(route.auth().authorizerFunction())));
                bindings.add(new ApiServer.Binding(route, apiHandler(handler, capacity), guard, template.apis().get(route.api())));
            }
            for (String queue : f.sqsQueues()) {
                String url = queueUrls.get(queue);
                String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                        .attributes().get(QueueAttributeName.QUEUE_ARN);
                pollers.add(new SqsPoller(sqs, url, arn, streamHandler(handler), f.logicalId()));
            }
            for (Template.StreamSource stream : f.streams()) {
                String table = tables.get(stream.table());
                pollers.add(new StreamPoller(streams, Provisioner.streamArn(dynamo, table), table, stream, streamHandler(handler), f.logicalId()));
            }
        }
        Map<String, java.util.function.Supplier<byte[]>> pages = new LinkedHashMap<>();
        staticPages(demo.siteId(), demoFormId, "http://127.0.0.1:" + api.port()).forEach((path, page) -> pages.put(path, () -> page));
        pages.put("/_local/mailbox", () -> mailbox.html().getBytes(StandardCharsets.UTF_8));
        pages.put("/_local/mailbox.json", () -> mailbox.json().getBytes(StandardCharsets.UTF_8));
        api.start(bindings, pages);
    }

    public static IntakeLocal start(Options options) throws Exception {
        return new IntakeLocal(options);
    }

    public String baseUrl() { return "http://127.0.0.1:" + api.port(); }

    public Services services() { return services; }

    public CreateWorkspace.Secrets demoWorkspace() { return demo; }

    public String demoFormId() { return demoFormId; }

    public Map<String, String> queueUrls() { return queueUrls; }

    /** The SMTP server that catches every e-mail the stack sends; also shown at {@code /_local/mailbox}. */
    public LocalMailbox mailbox() { return mailbox; }

    public SqsClient sqs() { return sqs; }

    public DynamoDbClient dynamo() { return dynamo; }

    public URI dynamoEndpoint() { return services.config.dynamoEndpoint(); }

    /** Emulators in this JVM, or null when running against an outside backend. */
    public Emulators emulators() { return emulators; }

    @Override
    public void close() {
        api.close();
        for (AutoCloseable p : pollers) {
            try {
                p.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
        mailbox.close();
        if (emulators != null) emulators.close();
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.defaults();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> options = options.withPort(Integer.parseInt(args[++i]));
                case "--data-dir" -> {
                    Path dir = Path.of(args[++i]);
                    Files.createDirectories(dir);
                    options = new Options(options.port(), dir, options.template(), null, null);
                }
                case "--template" -> options = new Options(options.port(), options.dataDir(), Path.of(args[++i]), null, null);
                case "-h", "--help" -> {
                    System.out.println("usage: java -jar local/target/intake-local.jar [--port 3000] [--data-dir DIR] [--template template.yaml]");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        long t0 = System.nanoTime();
        IntakeLocal stack = start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping Intake local stack…");
            stack.close();
            stopped.countDown();
        }));
        var d = stack.demoWorkspace();
        System.out.printf("""
                Intake local stack is up in %d ms.
                  API            %s
                  Example page   %s/
                  Mailbox        %s/_local/mailbox  (every e-mail the stack sends)
                  DynamoDB       %s  (data: %s)
                  SQS            %s
                Demo workspace (form %s)
                  INTAKE_LOCAL_WORKSPACE_ID=%s
                  INTAKE_LOCAL_SITE_ID=%s
                  INTAKE_LOCAL_TRACK_KEY=%s
                  INTAKE_LOCAL_WRITE_KEY=%s
                  INTAKE_LOCAL_API_KEY=%s
                Press Ctrl-C to stop.
                """, (System.nanoTime() - t0) / 1_000_000, stack.baseUrl(), stack.baseUrl(), stack.baseUrl(), stack.dynamoEndpoint(),
                options.dataDir() == null ? "in memory" : options.dataDir().toAbsolutePath(),
                stack.services.config.sqsEndpoint(), stack.demoFormId(), d.workspaceId(), d.siteId(), d.trackKey(), d.writeKey(), d.apiKey());
        stopped.await();
    }

    /**
     * The demo workspace. Its credentials have fixed, documented defaults (this stack is for development
     * only), each of which {@code INTAKE_LOCAL_*} can replace. With {@code --data-dir} the credentials of
     * the first start are kept.
     */
    private static CreateWorkspace.Secrets demoWorkspace(Services services) {
        var requested = new CreateWorkspace.Secrets(
                Env.get("INTAKE_LOCAL_WORKSPACE_ID", "ws_demo"),
                Env.get("INTAKE_LOCAL_SITE_ID", "demo_site"),
                Env.get("INTAKE_LOCAL_TRACK_KEY", "tk_local_demo"),
                Env.get("INTAKE_LOCAL_WRITE_KEY", "wk_local_demo"),
                Env.get("INTAKE_LOCAL_API_KEY", "sk_live_local_demo"));
        try {
            return services.createWorkspace.create("Demo", requested);
        } catch (IntakeException.Conflict exists) {
            return requested;
        }
    }

    /** The form the example page posts to, created once per workspace. */
    private static String demoForm(Services services, String workspaceId) {
        for (var f : services.forms.listByWorkspace(workspaceId)) {
            if (f.name().equals(DEMO_FORM)) return f.id();
        }
        var draft = new ManageForms.FormDraft(DEMO_FORM, List.of(
                new ManageForms.FieldDraft(null, "email", "email", "Email address", true, null, "you@example.com", null),
                new ManageForms.FieldDraft(null, "firstName", "text", "First name", false, null, null, null),
                new ManageForms.FieldDraft(null, "interests", "select", "Interests", false, List.of("tech", "marketing", "design"), null, null)),
                null, false);
        return services.manageForms.create(workspaceId, draft).form().id();
    }

    private static Template loadTemplate(Path explicit) throws IOException {
        if (explicit != null) return Template.load(explicit);
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("template.yaml");
            if (Files.isRegularFile(candidate)) return Template.load(candidate);
        }
        try (InputStream in = IntakeLocal.class.getResourceAsStream("/template.yaml")) {
            if (in == null) throw new IOException("template.yaml not found; run from the repository or pass --template");
            return Template.parse(in);
        }
    }

    /** Table names by logical id, as the template's global environment names them. */
    private static Map<String, String> tableNames(Template t) {
        Map<String, String> names = new LinkedHashMap<>();
        t.globalEnvironment().forEach((k, v) -> {
            if (k.endsWith("_TABLE")) names.put(Template.logicalId(v), v);
        });
        return names;
    }

    /** The events queue's {@code maxReceiveCount}: the campaign trigger's last try. */
    private static int maxReceives(Template t) {
        return t.queues().values().stream()
                .map(q -> q.path("RedrivePolicy").path("maxReceiveCount").asInt(0))
                .filter(n -> n > 0).findFirst().orElse(8);
    }

    private static IntakeConfig.Tables tables(Template t) {
        Map<String, String> env = t.globalEnvironment();
        return new IntakeConfig.Tables(env.get("WORKSPACES_TABLE"), env.get("FORMS_TABLE"), env.get("SUBMISSIONS_TABLE"),
                env.get("PEOPLE_TABLE"), env.get("CAMPAIGNS_TABLE"), env.get("GUARDS_TABLE"));
    }

    private static Object instantiate(String className, Services services) throws ReflectiveOperationException {
        Class<?> type = Class.forName(className);
        return type.getConstructor(Services.class).newInstance(services);
    }

    /**
     * Calls the handler in this JVM and reports the DynamoDB capacity the request consumed in a
     * {@value #CAPACITY_HEADER} header ({@code rcu=1.5, wcu=4.0}), which only the local stack sends.
     */
    @SuppressWarnings("unchecked")
    private static java.util.function.Function<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> apiHandler(
            Object h, CapacityMeter meter) {
        var handler = (RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>) h;
        return e -> {
            var measured = meter.measure(() -> handler.handleRequest(e, LocalContext.INSTANCE));
            APIGatewayProxyResponseEvent res = measured.result();
            Map<String, String> headers = new LinkedHashMap<>(res.getHeaders() == null ? Map.of() : res.getHeaders());
            headers.put(CAPACITY_HEADER, "rcu=" + measured.units().read() + ", wcu=" + measured.units().write());
            return res.withHeaders(headers);
        };
    }

    public static final String CAPACITY_HEADER = "X-Intake-Capacity";

    /** A Lambda REQUEST authorizer, called in this JVM; its answer goes to {@link RouteGuard} as returned. */
    @SuppressWarnings("unchecked")
    private static java.util.function.Function<APIGatewayCustomAuthorizerEvent, Object> authorizerHandler(Object h) {
        var handler = (RequestHandler<APIGatewayCustomAuthorizerEvent, ?>) h;
        return e -> handler.handleRequest(e, LocalContext.INSTANCE);
    }

    /**
     * A function that reads its own event ({@link RequestStreamHandler}: the relay, the campaign trigger), called
     * in this JVM with the event's JSON as Lambda sends it; returns what the function wrote.
     */
    private static java.util.function.Function<byte[], byte[]> streamHandler(Object h) {
        var handler = (RequestStreamHandler) h;
        return event -> {
            var answer = new ByteArrayOutputStream();
            try {
                handler.handleRequest(new ByteArrayInputStream(event), answer, LocalContext.INSTANCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return answer.toByteArray();
        };
    }

    /**
     * The key for signed links: {@code INTAKE_SIGNING_SECRET} if set; else, with a data directory, one kept
     * in it so that links survive restarts like the data does; else a fresh one per start.
     */
    private static String signingSecret(Path dataDir) throws IOException {
        String fromEnv = Env.get("INTAKE_SIGNING_SECRET");
        if (fromEnv != null) return fromEnv;
        Path file = dataDir == null ? null : dataDir.resolve("signing.key");
        if (file != null && Files.isRegularFile(file)) return Files.readString(file).trim();
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String secret = java.util.HexFormat.of().formatHex(random);
        if (file != null) Files.writeString(file, secret);
        return secret;
    }

    /** The example site (a page whose plain HTML form posts to the action URL, and its success page) and the OpenAPI document. */
    private static Map<String, byte[]> staticPages(String siteId, String formId, String baseUrl) throws IOException {
        Map<String, byte[]> pages = new LinkedHashMap<>();
        for (String name : List.of("index.html", "success.html")) {
            try (InputStream in = IntakeLocal.class.getResourceAsStream("/static/" + name)) {
                if (in == null) continue;
                byte[] page = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .replace("{{SITE_ID}}", siteId).replace("{{FORM_ID}}", formId).replace("{{BASE_URL}}", baseUrl)
                        .getBytes(StandardCharsets.UTF_8);
                pages.put("/" + name, page);
                if (name.equals("index.html")) pages.put("/", page);
            }
        }
        pages.put("/health", "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        // The API's OpenAPI document (docs/openapi.yaml, packaged into the jar), as written and as JSON.
        try (InputStream in = IntakeLocal.class.getResourceAsStream("/docs/openapi.yaml")) {
            if (in != null) {
                byte[] yaml = in.readAllBytes();
                pages.put("/openapi.yaml", yaml);
                pages.put("/openapi.json", Json.mapper().writeValueAsBytes(new ObjectMapper(new YAMLFactory()).readTree(yaml)));
            }
        }
        return pages;
    }

    /** A Lambda context for in-process calls. */
    private enum LocalContext implements Context {
        INSTANCE;
        public String getAwsRequestId() { return java.util.UUID.randomUUID().toString(); }
        public String getLogGroupName() { return "local"; }
        public String getLogStreamName() { return "local"; }
        public String getFunctionName() { return "local"; }
        public String getFunctionVersion() { return "$LATEST"; }
        public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:local"; }
        public com.amazonaws.services.lambda.runtime.CognitoIdentity getIdentity() { return null; }
        public com.amazonaws.services.lambda.runtime.ClientContext getClientContext() { return null; }
        public int getRemainingTimeInMillis() { return 30_000; }
        public int getMemoryLimitInMB() { return 512; }
        public com.amazonaws.services.lambda.runtime.LambdaLogger getLogger() {
            return new com.amazonaws.services.lambda.runtime.LambdaLogger() {
                public void log(String message) { System.out.print(message); }
                public void log(byte[] message) { System.out.write(message, 0, message.length); }
            };
        }
    }
}
