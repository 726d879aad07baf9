package dev.intake.bench.load;

import dev.intake.application.CreateWorkspace;
import dev.intake.application.ManageForms;
import dev.intake.local.IntakeLocal;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the stack benchmarks share: stdout kept for BENCH lines, the stack, a 1 KB submission, clients bound to loopback addresses. */
final class Bench {
    /** The real stdout; System.out goes to stderr, since DynamoDB Local and ElasticMQ print there. */
    private static final PrintStream FIGURES = System.out;

    static {
        System.setOut(System.err);
    }

    private Bench() {}

    static void figure(String name, Object value, String unit) {
        FIGURES.println("BENCH " + name + " " + value + " " + unit);
        FIGURES.flush();
    }

    static void log(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static int env(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }

    /** The local stack in this JVM: DynamoDB Local and ElasticMQ in memory, the API on an ephemeral port of 127.0.0.1. */
    static IntakeLocal startStack() throws Exception {
        long t0 = System.nanoTime();
        IntakeLocal stack = IntakeLocal.start(IntakeLocal.Options.defaults().withPort(0));
        log("stack: up at %s in %d ms", stack.baseUrl(), (System.nanoTime() - t0) / 1_000_000);
        return stack;
    }

    static CreateWorkspace.Secrets workspace(IntakeLocal stack) {
        return stack.services().createWorkspace.create("Bench", new CreateWorkspace.Secrets(null, null, null, null, null));
    }

    /** A contact form whose fields cover every value of {@link #body}, so a submission teaches it nothing. */
    static String contactForm(IntakeLocal stack, String workspaceId, String name) {
        var draft = new ManageForms.FormDraft(name, List.of(
                field("email", "email", true, null),
                field("firstName", "text", false, null),
                field("lastName", "text", false, null),
                field("company", "text", false, null),
                field("phone", "tel", false, null),
                field("website", "url", false, null),
                field("interests", "select", false, List.of("tech", "marketing", "design")),
                field("message", "textarea", false, null)), null, false);
        return stack.services().manageForms.create(workspaceId, draft).form().id();
    }

    private static ManageForms.FieldDraft field(String name, String type, boolean required, List<String> options) {
        return new ManageForms.FieldDraft(null, name, type, name, required, options, null, null);
    }

    private static final String MESSAGE = "Hello! We are looking for a form backend for our marketing site and would like to know more "
            + "about pricing for teams, data retention, exports to our CRM and whether webhooks can be signed. "
            + "We expect a few thousand submissions a month across about a dozen forms, with spikes during "
            + "launches. Could someone from your team get in touch next week? Tuesday or Thursday afternoon "
            + "works best for us. Thanks in advance, and have a great day.";

    /** A 1,024-byte flat JSON body, as a browser's fetch() of a contact form sends it; {@code n} makes the e-mail (so the person) new. */
    static String body(long n) {
        String head = "{\"email\":\"visitor" + String.format(Locale.ROOT, "%010d", n);
        String tail = "@example.com\",\"firstName\":\"Jane\",\"lastName\":\"Doe-Smith\",\"company\":\"Example Widgets GmbH\","
                + "\"phone\":\"+49 30 1234567\",\"website\":\"https://widgets.example.com/about\",\"interests\":\"marketing\","
                + "\"message\":\"" + MESSAGE;
        int size = (head + tail + "\"}").getBytes(StandardCharsets.UTF_8).length;
        return head + tail + filler(n, 1024 - size) + "\"}";
    }

    private static final String[] WORDS = ("we our team would like also about when which pricing forms data export webhook "
            + "launch campaign customers support question integration account billing monthly quarterly invoice "
            + "contact marketing design sales office remote hours signup newsletter survey feedback").split(" ");

    /**
     * {@code length} characters of words drawn by a generator seeded with {@code n}: text that compresses like
     * prose (about 3:1), not like padding, so stored sizes and compression are not flattered.
     */
    private static String filler(long n, int length) {
        var random = new java.util.Random(n);
        var sb = new StringBuilder(Math.max(0, length));
        while (sb.length() < length) sb.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
        sb.setLength(Math.max(0, length));
        return sb.toString();
    }

    /** A client whose connections leave from {@code 127.a.b.c}, so the stack sees that source IP. */
    static HttpClient client(int a, int b, int c) {
        try {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .localAddress(InetAddress.getByAddress(new byte[] {127, (byte) a, (byte) b, (byte) c}))
                    .connectTimeout(Duration.ofSeconds(5)).build();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpRequest submit(IntakeLocal stack, String formId, String body, String... headers) {
        var b = HttpRequest.newBuilder(URI.create(stack.baseUrl() + "/api/forms/" + formId + "/submit"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Origin", "https://www.example.com")
                .header("Referer", "https://www.example.com/contact")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) intake-bench")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b.build();
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code X-Intake-Capacity: rcu=2.0, wcu=4.0} as {rcu, wcu}. */
    static double[] capacity(HttpResponse<?> res) {
        String header = res.headers().firstValue(IntakeLocal.CAPACITY_HEADER)
                .orElseThrow(() -> new IllegalStateException("no " + IntakeLocal.CAPACITY_HEADER + " header"));
        double[] out = new double[2];
        for (String part : header.split(",\\s*")) {
            String[] kv = part.split("=");
            out[kv[0].trim().equals("rcu") ? 0 : 1] = Double.parseDouble(kv[1]);
        }
        return out;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of every live thread, summed by name with digits blanked (a pool's threads together). */
    static Map<String, Long> threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) continue;
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) continue;
            String group = info.getThreadName().replaceAll("[0-9]+$", "#");
            out.merge(group + "\u0000" + info.getThreadId(), cpu, Long::sum);
        }
        return out;
    }

    /** Per group, the CPU used between two snapshots (threads that started meanwhile count from zero). */
    static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> out = new HashMap<>();
        after.forEach((key, cpu) -> {
            String group = key.substring(0, key.indexOf('\u0000'));
            out.merge(group, cpu - before.getOrDefault(key, 0L), Long::sum);
        });
        return out;
    }

    /** Logs the CPU each thread group used since {@code before}, the largest first, and the process's total. */
    static void logCpu(String prefix, Map<String, Long> before, long processBefore, long wallNanos, int top) {
        long process = processCpuNanos() - processBefore;
        long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        Map<String, Long> during = minus(threadCpu(), before);
        log("%s CPU: process %.1f s in %.1f s wall on %d cores (%.0f%% of the machine)", prefix, process / 1e9, wallNanos / 1e9,
                Runtime.getRuntime().availableProcessors(), 100.0 * process / wallNanos / Runtime.getRuntime().availableProcessors());
        long threads = during.values().stream().mapToLong(Long::longValue).sum();
        during.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> log("%s   %6.1f s  %3.0f%%  %s", prefix, e.getValue() / 1e9, 100.0 * e.getValue() / process, e.getKey()));
        log("%s   %6.1f s  %3.0f%%  (not in Java threads: GC, JIT, VM; since start GC pauses %.1f s, JIT %.1f s)", prefix,
                (process - threads) / 1e9, 100.0 * (process - threads) / process, gcMillis() / 1e3, jit / 1e3);
    }
}
