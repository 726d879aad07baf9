package dev.intake.bench.coldstart.runner;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The child side of the cold-start benchmark: one fresh JVM whose classpath is one function's Lambda artifact
 * ({@code target/lambda/<module>/lib/*.jar}) plus this class's jar and aws-lambda-java-serialization, the
 * event (de)serializer the Lambda Java runtime itself uses. It does what the runtime does for a cold invoke:
 * loads the handler class and builds it with its no-arg constructor (which reads the environment), picks the
 * runtime's serializers for the handler's input and output types, deserializes the sample event, calls
 * {@code handleRequest} once and serializes the answer. It then checks the answer is a success and says so on
 * stdout ({@code FIRST …}); the parent stops its clock on that line. A {@code RequestStreamHandler} gets the
 * event's bytes, as from the runtime, and no serializer is involved.
 *
 * <p>Then, for the memory figures, it serves {@code warm} more fresh events, runs two full GCs and reports
 * ({@code DONE …}) the heap in use, and the peak and current resident set from {@code /proc/self/status}.
 *
 * <p>Arguments: {@code handlerClass eventFile expect warm runSeq functionName timeoutSeconds [from to]...}, where
 * {@code expect} is {@code 2xx} or {@code 3xx} for API Gateway answers (ignored for others), and each
 * {@code from to} pair is replaced in the event's text before every call, with {@code {id}} in {@code to}
 * standing for a fresh 16-character base62 token and {@code {ip}} for a fresh IPv4 address, so that no call
 * repeats an earlier one (rate limits, Idempotency-Keys, event ids, workspace names).
 *
 * <p>Everything here stays small and loads nothing the runtime would not: no Jackson of the function's own,
 * no management beans before the first answer.
 */
public final class Runner {
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int MAX_CALLS = 250;

    private final String template;
    private final String[] replacements;
    private final int runSeq;
    private final SplittableRandom random = new SplittableRandom(System.nanoTime());
    /** The first call's phases in ns: serializers, deserialize, handleRequest, serialize. */
    private final long[] phase = new long[4];

    private Runner(String template, String[] replacements, int runSeq) {
        this.template = template;
        this.replacements = replacements;
        this.runSeq = runSeq;
    }

    public static void main(String[] args) throws Exception {
        long mainNanos = System.nanoTime();
        long mainEpochMillis = System.currentTimeMillis();
        PrintStream out = System.out;
        if (args.length < 7 || (args.length - 7) % 2 != 0) {
            System.err.println("usage: Runner handlerClass eventFile expect warm runSeq functionName timeoutSeconds [from to]...");
            System.exit(2);
        }
        String handlerClass = args[0];
        Path eventFile = Path.of(args[1]);
        String expect = args[2];
        int warm = Math.min(Integer.parseInt(args[3]), MAX_CALLS - 1);
        int runSeq = Integer.parseInt(args[4]);
        String functionName = args[5];
        int timeoutMillis = Integer.parseInt(args[6]) * 1000;
        String[] replacements = new String[args.length - 7];
        System.arraycopy(args, 7, replacements, 0, replacements.length);
        Runner runner = new Runner(Files.readString(eventFile, StandardCharsets.UTF_8), replacements, runSeq);

        // Init: the runtime loads the handler class and constructs it before the first invoke.
        Class<?> type = Class.forName(handlerClass);
        Object instance = type.getDeclaredConstructor().newInstance();
        long initNanos = System.nanoTime();
        Invoker invoker = instance instanceof RequestStreamHandler streams
                ? runner.streamInvoker(streams, expect, functionName, timeoutMillis)
                : runner.typedInvoker(instance, type, expect, functionName, timeoutMillis);
        runner.phase[0] = System.nanoTime() - initNanos;

        // The first invoke.
        String failure = invoker.invoke(0);
        long firstNanos = System.nanoTime();
        if (failure != null) {
            out.println("FAIL " + failure);
            out.flush();
            System.exit(1);
        }
        out.println("FIRST ok");
        out.flush();

        long jvmStartEpochMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
        long warmStart = System.nanoTime();
        for (int i = 1; i <= warm; i++) {
            failure = invoker.invoke(i);
            if (failure != null) {
                out.println("FAIL warm call " + i + ": " + failure);
                out.flush();
                System.exit(1);
            }
        }
        long warmNanos = System.nanoTime() - warmStart;
        long heapUsed = -1;
        if (warm > 0) {
            System.gc();
            System.gc();
            heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        Map<String, Long> status = procStatus();
        out.printf("DONE jvmToMainMs=%d initMs=%.1f firstCallMs=%.1f serializersMs=%.1f deserializeMs=%.1f handleMs=%.1f serializeMs=%.1f"
                        + " warmCalls=%d warmMs=%.1f heapUsed=%d hwmKb=%d rssKb=%d%n",
                mainEpochMillis - jvmStartEpochMillis, (initNanos - mainNanos) / 1e6, (firstNanos - initNanos) / 1e6,
                runner.phase[0] / 1e6, runner.phase[1] / 1e6, runner.phase[2] / 1e6, runner.phase[3] / 1e6, warm,
                warmNanos / 1e6, heapUsed, status.getOrDefault("VmHWM", -1L), status.getOrDefault("VmRSS", -1L));
        out.flush();
        System.exit(0);
    }

    /** One invoke as the runtime makes it; returns null on success, else why not. */
    private interface Invoker {
        String invoke(int call);
    }

    /** A RequestHandler: the runtime (de)serializes with the serializers it picks for the handler's types. */
    private Invoker typedInvoker(Object instance, Class<?> type, String expect, String functionName, int timeoutMillis) {
        @SuppressWarnings("unchecked")
        RequestHandler<Object, Object> handler = (RequestHandler<Object, Object>) instance;
        Type[] io = requestHandlerTypes(type);
        PojoSerializer<Object> input = serializer(io[0]);
        PojoSerializer<Object> output = serializer(io[1]);
        return call -> invoke(call, handler, input, output, expect, functionName, timeoutMillis);
    }

    /** A RequestStreamHandler: the runtime hands it the event's bytes and sends what it writes. */
    private Invoker streamInvoker(RequestStreamHandler handler, String expect, String functionName, int timeoutMillis) {
        return call -> {
            long t0 = System.nanoTime();
            byte[] event = event(call).getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream sent = new ByteArrayOutputStream(1024);
            try {
                handler.handleRequest(new ByteArrayInputStream(event), sent, new LambdaContext(functionName, runSeq + "-" + call, timeoutMillis));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (call == 0) phase[2] = System.nanoTime() - t0;
            return checkJson(sent.toString(StandardCharsets.UTF_8), expect);
        };
    }

    private static final Pattern STATUS = Pattern.compile("\"statusCode\"\\s*:\\s*(\\d+)");

    /** {@link #check} for an answer that is only JSON text. */
    private static String checkJson(String json, String expect) {
        String compact = json.replace(" ", "");
        Matcher status = STATUS.matcher(json);
        if (status.find()) {
            int code = Integer.parseInt(status.group(1));
            boolean ok = "3xx".equals(expect) ? code >= 300 && code < 400 : code >= 200 && code < 300;
            return ok ? null : "status " + code + " (expected " + expect + "): " + json;
        }
        if (compact.contains("\"batchItemFailures\":")) return compact.contains("\"batchItemFailures\":[]") ? null : "batch item failures: " + json;
        if (compact.contains("\"Effect\":")) return compact.contains("\"Effect\":\"Allow\"") ? null : "not an Allow policy: " + json;
        return compact.startsWith("{\"error\"") ? "error answer: " + json : null;
    }

    private String invoke(int call, RequestHandler<Object, Object> handler, PojoSerializer<Object> input,
                          PojoSerializer<Object> output, String expect, String functionName, int timeoutMillis) {
        long t0 = System.nanoTime();
        byte[] event = event(call).getBytes(StandardCharsets.UTF_8);
        Object in = input.fromJson(new ByteArrayInputStream(event));
        long t1 = System.nanoTime();
        Object answer = handler.handleRequest(in, new LambdaContext(functionName, runSeq + "-" + call, timeoutMillis));
        long t2 = System.nanoTime();
        ByteArrayOutputStream sent = new ByteArrayOutputStream(1024);
        output.toJson(answer, sent);
        if (call == 0) {
            phase[1] = t1 - t0;
            phase[2] = t2 - t1;
            phase[3] = System.nanoTime() - t2;
        }
        return check(answer, sent.toString(StandardCharsets.UTF_8), expect);
    }

    /** The event's text for one call, with every replacement made and fresh values in place of {id} and {ip}. */
    String event(int call) {
        if (call >= MAX_CALLS) throw new IllegalArgumentException("at most " + MAX_CALLS + " calls per run");
        String text = template;
        String id = null;
        String ip = null;
        for (int i = 0; i < replacements.length; i += 2) {
            String to = replacements[i + 1];
            if (to.contains("{id}")) {
                if (id == null) id = freshId(call);
                to = to.replace("{id}", id);
            }
            if (to.contains("{ip}")) {
                if (ip == null) ip = "10." + ((runSeq >> 8) & 255) + "." + (runSeq & 255) + "." + call;
                to = to.replace("{ip}", ip);
            }
            text = text.replace(replacements[i], to);
        }
        return text;
    }

    /** 16 base62 characters: this run, this call, and 8 random ones (the driver's runSeq is unique per run). */
    private String freshId(int call) {
        StringBuilder b = new StringBuilder(16);
        appendBase62(b, runSeq, 5);
        appendBase62(b, call, 3);
        for (int i = 0; i < 8; i++) b.append(BASE62[random.nextInt(62)]);
        return b.toString();
    }

    private static void appendBase62(StringBuilder b, long value, int width) {
        char[] digits = new char[width];
        for (int i = width - 1; i >= 0; i--) {
            digits[i] = BASE62[(int) (value % 62)];
            value /= 62;
        }
        b.append(digits);
    }

    /** Null when {@code answer} is a success for its kind of event; names the answer's class only when needed. */
    private static String check(Object answer, String json, String expect) {
        if (answer == null) return "null answer";
        switch (answer.getClass().getName()) {
            case "com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent" -> {
                var r = (com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent) answer;
                int status = r.getStatusCode() == null ? 0 : r.getStatusCode();
                boolean ok = "3xx".equals(expect) ? status >= 300 && status < 400 : status >= 200 && status < 300;
                return ok ? null : "status " + status + " (expected " + expect + "): " + r.getBody();
            }
            case "com.amazonaws.services.lambda.runtime.events.SQSBatchResponse" -> {
                var failures = ((com.amazonaws.services.lambda.runtime.events.SQSBatchResponse) answer).getBatchItemFailures();
                return failures == null || failures.isEmpty() ? null : "batch item failures: " + json;
            }
            case "com.amazonaws.services.lambda.runtime.events.StreamsEventResponse" -> {
                var failures = ((com.amazonaws.services.lambda.runtime.events.StreamsEventResponse) answer).getBatchItemFailures();
                return failures == null || failures.isEmpty() ? null : "batch item failures: " + json;
            }
            case "com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1",
                 "com.amazonaws.services.lambda.runtime.events.IamPolicyResponse" -> {
                String compact = json.replace(" ", "");
                return compact.contains("\"Effect\":\"Allow\"") && !compact.contains("\"Effect\":\"Deny\"") ? null : "not an Allow policy: " + json;
            }
            default -> {
                if (answer instanceof Map<?, ?> map) return map.containsKey("error") ? "error answer: " + json : null;
                return null;
            }
        }
    }

    /** RequestHandler's two type arguments for {@code type}, searched through its interfaces and superclasses. */
    public static Type[] requestHandlerTypes(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Type t : c.getGenericInterfaces()) {
                if (t instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) return p.getActualTypeArguments();
            }
        }
        throw new IllegalArgumentException(type + " does not implement RequestHandler<I, O> with concrete types");
    }

    /** The serializer the Lambda Java runtime picks (its EventHandlerLoader): the events' own for event classes, else Jackson. */
    @SuppressWarnings("unchecked")
    static PojoSerializer<Object> serializer(Type type) {
        if (type instanceof Class<?> c && LambdaEventSerializers.isLambdaSupportedEvent(c.getName())) {
            return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(c, Runner.class.getClassLoader());
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }

    /** {@code VmHWM}, {@code VmRSS}… in kB; empty where there is no /proc. */
    private static Map<String, Long> procStatus() {
        Map<String, Long> values = new java.util.HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                int colon = line.indexOf(':');
                if (colon < 0 || !line.endsWith(" kB")) continue;
                values.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1, line.length() - 3).trim()));
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figures
        }
        return values;
    }

    /** The invoke's context, as the runtime fills it; its logger writes to stderr, which the parent keeps in a file. */
    private record LambdaContext(String functionName, String requestId, long deadlineMillis) implements Context {
        LambdaContext(String functionName, String requestId, int timeoutMillis) {
            this(functionName, requestId, System.currentTimeMillis() + timeoutMillis);
        }

        @Override public String getAwsRequestId() { return requestId; }
        @Override public String getLogGroupName() { return "/aws/lambda/" + functionName; }
        @Override public String getLogStreamName() { return "bench"; }
        @Override public String getFunctionName() { return functionName; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:123456789012:function:" + functionName; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return (int) Math.max(0, deadlineMillis - System.currentTimeMillis()); }
        @Override public int getMemoryLimitInMB() { return 512; }
        @Override public LambdaLogger getLogger() { return StderrLogger.INSTANCE; }
    }

    private enum StderrLogger implements LambdaLogger {
        INSTANCE;

        @Override public void log(String message) { System.err.print(message); }
        @Override public void log(byte[] message) { System.err.print(new String(message, StandardCharsets.UTF_8)); }
    }
}
