package dev.intake.bench.coldstart;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import dev.intake.config.IntakeConfig;
import dev.intake.config.Services;
import dev.intake.domain.Field;
import dev.intake.domain.FieldType;
import dev.intake.domain.Form;
import dev.intake.domain.FormSettings;
import dev.intake.domain.FormStatus;
import dev.intake.functions.campaigns.CampaignsHandler;
import dev.intake.functions.submissions.SubmissionsHandler;
import dev.intake.local.IntakeLocal;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The parent side of the cold-start benchmark (SPEC section 9: cold start, peak RSS, warm heap), run by
 * {@code bench/coldstart.sh}. It starts the local stack in this JVM (DynamoDB Local, ElasticMQ, the template's tables
 * and queues, the demo workspace; without the SQS and stream pollers, so that nothing runs in the background while a
 * child is measured), seeds what the sample events need, and then, for every function of {@code template.yaml},
 * starts fresh JVMs on that function's own artifact ({@code target/lambda/<module>/lib}) with
 * {@link dev.intake.bench.coldstart.runner.Runner}:
 * <ul>
 *   <li>one discarded start per function (page cache, emulators' JIT);
 *   <li>{@code --runs} (7) measured starts, in rounds: the i-th start of every function before any function's
 *       next, so that a slow spell of the machine is shared by all functions. Cold start is measured here, on this JVM's clock, from just before the
 *       child is spawned to the moment its {@code FIRST ok} line (the first answer was a success) is read:
 *       {@code coldstart.<module>.p50} and {@code .p90} (nearest rank: of 7, the 4th and the 7th). The first
 *       {@code --memory-runs} (3) of them then serve {@code --warm} (200) more events and report the heap in use
 *       after two full GCs and the peak resident set (VmHWM): {@code memory.<module>.heap} and {@code .rss}, MiB,
 *       medians;
 *   <li>then, function by function, a training run that writes a JDK 25 AOT cache (or, failing that, an AppCDS archive) for the function's
 *       classpath, then {@code --aot-runs} (5) starts with it: {@code coldstart.<module>.aot.p50}.
 * </ul>
 * The children run with {@link #LAMBDA_FLAGS} and a Lambda-like environment that points at the emulators. The
 * figures go to stdout as {@code BENCH <name> <value> <unit>}; everything else goes to stderr, each child's own
 * output to {@code target/bench/coldstart/logs/}. {@code --serve} keeps the seeded stack up for profiling by hand.
 */
public final class ColdStartBench {
    /**
     * The flags of Lambda's java21 runtime at 512 MB (heap 85% of memory, SerialGC, C1 only; the JDK's default CDS
     * archive is on by default), and a 512 MB machine's ergonomics (initial heap, code cache) through MaxRAM.
     */
    static final List<String> LAMBDA_FLAGS = List.of(
            "-XX:MaxRAM=512m", "-XX:MaxHeapSize=445645k", "-XX:+UseSerialGC",
            "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true");
    static final String RUNNER = "dev.intake.bench.coldstart.runner.Runner";
    /** Calls after the first in the training run for the class-data cache: the cold path, and the warm one a little. */
    static final int TRAINING_CALLS = 5;
    static final String WS = "ws_demo";
    static final String FORM = "frm_SampleForm";
    static final String CAMPAIGNS_WS = "ws_benchcamp";
    static final String CAMPAIGNS_KEY = "sk_live_bench_campaigns";
    static final String IDLE_FORM = "frm_BenchIdle0";

    /** Which sample event each function serves, the answer it must give, and what makes every call's event new. */
    /** A function's sample event, what its answer must be, the replacements that make each call new, and the webhooks each call must deliver. */
    record Workload(String event, String expect, List<String> replacements, int webhooksPerCall) {
        Workload(String event, String expect, List<String> replacements) {
            this(event, expect, replacements, 0);
        }
    }

    static Map<String, Workload> workloads() {
        Map<String, Workload> w = new LinkedHashMap<>();
        // Public submit: a fresh source address per call, so the per-address rate limit never answers 429.
        w.put("submit", new Workload("submit.json", "2xx", List.of("203.0.113.42", "{ip}")));
        w.put("action", new Workload("action-submit.json", "3xx", List.of("203.0.113.42", "{ip}")));
        w.put("forms", new Workload("forms-list.json", "2xx", List.of()));
        w.put("submissions", new Workload("submissions-create.json", "2xx", List.of("sample-create-0001", "bench-{id}")));
        w.put("people", new Workload("people-find.json", "2xx", List.of()));
        w.put("track", new Workload("track-identify.json", "2xx", List.of("sample-identify-0001", "bench-{id}")));
        // New campaigns go to a workspace of their own, on a form nothing submits to: they never fire (their webhook
        // is not on this machine), and the trigger, which reads every campaign of the event's workspace, never sees them.
        w.put("campaigns", new Workload("campaigns-create.json", "2xx", List.of("sample-campaign-0001", "bench-{id}",
                FORM, IDLE_FORM, WS, CAMPAIGNS_WS, "sk_live_local_demo", CAMPAIGNS_KEY)));
        // A new event (and message) each call, so each call delivers the seeded webhook campaign once.
        w.put("campaign-trigger", new Workload("campaign-trigger.json", "", List.of("evt_0VbfzSample0001", "evt_{id}",
                "sub_0VbfzSample0001", "sub_{id}", "19dd0b57-b21e-4ac1-bd88-01bbb068cb78", "msg-{id}"), 1));
        w.put("relay", new Workload("relay-submission.json", "", List.of("sub_0VbfzRelay00001", "sub_{id}",
                "c4ca4238a0b923820dcc509a6f75849b", "{id}")));
        w.put("authorizer", new Workload("authorizer-request.json", "", List.of()));
        w.put("admin", new Workload("admin-create-workspace.json", "", List.of("\"Acme\"", "\"Bench {id}\"")));
        return w;
    }

    /** A function of the template: its logical id, module (its CodeUri's directory), handler class and timeout. */
    record Function(String logicalId, String module, String handlerClass, int timeoutSeconds) {}

    record Options(Path root, Path runnerJar, Path serializationJar, Path jodaJar, Path out, int runs, int memoryRuns, int warm,
                   int aotRuns, boolean aot, boolean strict, boolean serve, Set<String> only) {}

    /** One child's figures: cold start as measured here, and what it reported. */
    record Run(double coldMs, Map<String, String> done) {
        double number(String key) { return Double.parseDouble(done.getOrDefault(key, "-1")); }
    }

    private final Options options;
    private final PrintStream bench;
    private final AtomicInteger runSeq = new AtomicInteger(1);
    private final Set<Process> children = ConcurrentHashMap.newKeySet();
    private final String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private Map<String, String> childEnv;
    private Map<String, Workload> workloads;
    private final List<String> jodaStandIn = new ArrayList<>();
    static final String JODA_WARNING = "ARTIFACT PROBLEM: %s would fail their first invoke in Lambda. The Lambda Java runtime "
            + "(de)serializes API Gateway, SQS and DynamoDB-stream events with aws-lambda-java-serialization, whose DateTimeModule "
            + "loads org.joda.time.DateTime from the function's own classpath for every such event type; these artifacts have no "
            + "joda-time (shared/pom.xml excludes it from aws-lambda-java-events). Measured with %s added to the runner's part of "
            + "the classpath, i.e. as the artifacts will be once that exclusion is dropped (--strict, or COLDSTART_STRICT=1, fails instead).";
    private String aotKind;

    ColdStartBench(Options options, PrintStream bench) {
        this.options = options;
        this.bench = bench;
    }

    public static void main(String[] args) throws Exception {
        PrintStream bench = System.out;
        System.setOut(System.err); // the emulators and the stack may print; only figures reach stdout
        Options o = parse(args);
        ColdStartBench b = new ColdStartBench(o, bench);
        Runtime.getRuntime().addShutdownHook(new Thread(b::killChildren));
        int status;
        try {
            status = b.run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        } finally {
            b.killChildren();
        }
        bench.flush();
        // The emulators leave non-daemon threads behind.
        System.exit(status);
    }

    static Options parse(String[] args) {
        Path root = Path.of("").toAbsolutePath();
        Path runner = null, serialization = null, joda = null, out = null;
        int runs = 7, memoryRuns = 3, warm = 200, aotRuns = 5;
        boolean aot = true, strict = false, serve = false;
        Set<String> only = Set.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--runner-jar" -> runner = Path.of(args[++i]).toAbsolutePath();
                case "--serialization-jar" -> serialization = Path.of(args[++i]).toAbsolutePath();
                case "--joda-jar" -> joda = Path.of(args[++i]).toAbsolutePath();
                case "--strict" -> strict = true;
                case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warm" -> warm = Integer.parseInt(args[++i]);
                case "--memory-runs" -> memoryRuns = Integer.parseInt(args[++i]);
                case "--aot-runs" -> aotRuns = Integer.parseInt(args[++i]);
                case "--no-aot" -> aot = false;
                case "--only" -> only = Set.of(args[++i].split(","));
                case "--serve" -> serve = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (runner == null || serialization == null) throw new IllegalArgumentException("--runner-jar and --serialization-jar are required");
        if (runs < 1 || runs > 25 || warm < 0 || warm > 249 || memoryRuns < 0 || aotRuns < 1 || aotRuns > 25) {
            throw new IllegalArgumentException("--runs 1..25, --memory-runs 0.., --warm 0..249, --aot-runs 1..25");
        }
        return new Options(root, runner, serialization, joda, out == null ? root.resolve("target/bench/coldstart") : out, runs,
                memoryRuns, warm, aotRuns, aot, strict, serve, only);
    }

    int run() throws Exception {
        Files.createDirectories(options.out().resolve("logs"));
        List<Function> functions = functions(options.root().resolve("template.yaml"));
        for (Function f : functions) {
            Path lib = lib(f);
            if (!Files.isDirectory(lib)) throw new IllegalStateException("no artifact at " + lib + ": run make package first");
        }
        for (Function f : functions) {
            if (!options.only().isEmpty() && !options.only().contains(f.module())) continue;
            String problem = runtimeNeedsJoda(f);
            if (problem == null) continue;
            if (options.strict() || options.jodaJar() == null) throw new IllegalStateException(problem);
            jodaStandIn.add(f.module());
        }
        if (!jodaStandIn.isEmpty()) log(JODA_WARNING, jodaStandIn, options.jodaJar().getFileName());
        Path template = withoutPollers(options.root().resolve("template.yaml"), options.out().resolve("template-no-pollers.yaml"));
        HttpServer receiver = webhookReceiver();
        long t0 = System.nanoTime();
        try (IntakeLocal stack = IntakeLocal.start(new IntakeLocal.Options(0, null, template, null, null))) {
            log("local stack up in %d ms (DynamoDB %s, SQS %s)", (System.nanoTime() - t0) / 1_000_000,
                    stack.dynamoEndpoint(), stack.services().config.sqsEndpoint());
            seed(stack, options.root().resolve("events"), "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
            childEnv = childEnvironment(stack.services().config);
            workloads = workloads();
            for (Function f : functions) {
                if (!workloads.containsKey(f.module())) throw new IllegalStateException("no sample event chosen for function " + f.module());
            }
            log("flags: %s", String.join(" ", LAMBDA_FLAGS));
            log("%d CPUs; load average at the start: %s (figures from a busy machine are slower)",
                    Runtime.getRuntime().availableProcessors(), loadAverage());
            if (options.serve()) return serve(functions);
            aotKind = options.aot() ? (Runtime.version().feature() >= 25 ? "aot" : "appcds") : null;
            measure(functions.stream().filter(f -> options.only().isEmpty() || options.only().contains(f.module())).toList());
            log("webhooks received by the local receiver: %d; load average at the end: %s", hooks.get(), loadAverage());
            if (!jodaStandIn.isEmpty()) log(JODA_WARNING, jodaStandIn, options.jodaJar().getFileName());
            return 0;
        } finally {
            receiver.stop(0);
        }
    }

    /**
     * Measures the functions round by round: run i of every function before run i + 1 of any, so that a slow spell
     * of this machine (its speed drifts by 10–15 %) spreads over all the functions instead of landing on one.
     */
    private void measure(List<Function> chosen) throws Exception {
        Map<Function, List<Run>> runs = new LinkedHashMap<>();
        for (Function f : chosen) {
            Workload w = workloads.get(f.module());
            log("%s: %s, event events/%s, %d jars", f.module(), f.handlerClass(), w.event(), artifactJars(f).size());
            // One discarded start per function: the OS page cache then holds its jar, and the emulators have
            // compiled the request paths its event takes. Before the first, one more that also serves 20 events.
            if (runs.isEmpty()) child(f, w, classpath(f), List.of(), 20, "warmup2");
            child(f, w, classpath(f), List.of(), 0, "warmup");
            runs.put(f, new ArrayList<>());
        }
        // The first memoryRuns rounds also serve `warm` more events after the first, for the memory figures.
        for (int i = 0; i < options.runs(); i++) {
            for (Function f : chosen) {
                runs.get(f).add(child(f, workloads.get(f.module()), classpath(f), List.of(), i < options.memoryRuns() ? options.warm() : 0, "run" + i));
            }
        }
        for (Function f : chosen) report(f, runs.get(f));
        if (aotKind != null) {
            for (Function f : chosen) measureAot(f);
        }
    }

    private void report(Function f, List<Run> runs) {
        List<Double> cold = runs.stream().map(Run::coldMs).toList();
        emit("coldstart." + f.module() + ".p50", Math.round(percentile(cold, 50)), "ms");
        emit("coldstart." + f.module() + ".p90", Math.round(percentile(cold, 90)), "ms");
        List<Run> warmed = runs.subList(0, Math.min(options.memoryRuns(), runs.size()));
        if (options.warm() > 0 && !warmed.isEmpty()) {
            emit("memory." + f.module() + ".rss", round1(percentile(warmed.stream().map(r -> r.number("hwmKb") / 1024).toList(), 50)), "MB");
            emit("memory." + f.module() + ".heap", round1(percentile(warmed.stream().map(r -> r.number("heapUsed") / (1024 * 1024)).toList(), 50)), "MB");
        }
        log("%s: cold %s ms; in the child (medians): JVM start to main %.0f ms, handler constructor %.0f ms, then the runtime's"
                        + " serializers %.0f ms, event deserialization %.0f ms, handleRequest %.0f ms, answer serialization %.0f ms;"
                        + " warm calls %.1f ms each",
                f.module(), cold.stream().map(d -> Long.toString(Math.round(d))).toList(),
                median(runs, "jvmToMainMs"), median(runs, "initMs"), median(runs, "serializersMs"), median(runs, "deserializeMs"),
                median(runs, "handleMs"), median(runs, "serializeMs"),
                options.warm() == 0 || warmed.isEmpty() ? 0 : percentile(warmed.stream().map(r -> r.number("warmMs") / options.warm()).toList(), 50));
    }

    private void measureAot(Function f) throws Exception {
        Workload w = workloads.get(f.module());
        List<String> cp = classpath(f);
        Path cache = train(f, w, cp);
        List<String> use = "aot".equals(aotKind) ? List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on")
                : List.of("-XX:SharedArchiveFile=" + cache, "-Xshare:on");
        List<Double> aot = new ArrayList<>();
        for (int i = 0; i < options.aotRuns(); i++) aot.add(child(f, w, cp, use, 0, "aot" + i).coldMs());
        emit("coldstart." + f.module() + ".aot.p50", Math.round(percentile(aot, 50)), "ms");
        log("%s: cold with the %s %s ms", f.module(), describe(aotKind), aot.stream().map(d -> Long.toString(Math.round(d))).toList());
    }

    /**
     * A training run (the first call and a few more) that leaves the function's class data behind: JDK 25's AOT cache
     * (JEP 483/514/515) where the JDK has it, else, or when that fails, a dynamic AppCDS archive.
     */
    private Path train(Function f, Workload w, List<String> cp) throws Exception {
        Path dir = options.out().resolve("aot");
        Files.createDirectories(dir);
        if ("aot".equals(aotKind)) {
            Path cache = dir.resolve(f.module() + ".aot");
            Files.deleteIfExists(cache);
            long t = System.nanoTime();
            try {
                child(f, w, cp, List.of("-XX:AOTCacheOutput=" + cache), TRAINING_CALLS, "train");
            } catch (IllegalStateException e) {
                log("%s: the AOT cache training failed (%s)", f.module(), e.getMessage());
            }
            if (Files.isRegularFile(cache)) {
                log("%s: AOT cache %.1f MB, trained in %d ms", f.module(), Files.size(cache) / 1e6, (System.nanoTime() - t) / 1_000_000);
                return cache;
            }
            log("falling back to AppCDS");
            aotKind = "appcds";
        }
        Path archive = dir.resolve(f.module() + ".jsa");
        Files.deleteIfExists(archive);
        child(f, w, cp, List.of("-XX:ArchiveClassesAtExit=" + archive), TRAINING_CALLS, "train");
        if (!Files.isRegularFile(archive)) throw new IllegalStateException("the training run made no " + archive);
        return archive;
    }

    private static String describe(String kind) {
        return "aot".equals(kind) ? "JDK " + Runtime.version().feature() + " AOT cache (-XX:AOTCacheOutput training run, then -XX:AOTCache)"
                : "AppCDS archive (-XX:ArchiveClassesAtExit training run, then -XX:SharedArchiveFile)";
    }

    /**
     * A debugging aid: keeps the seeded stack up and writes, for each function, the command that starts one
     * measured child ({@code out/serve/<module>.sh}), for profiling by hand; stops when stdin closes.
     */
    private int serve(List<Function> functions) throws Exception {
        Path dir = options.out().resolve("serve");
        Files.createDirectories(dir);
        for (Function f : functions) {
            Workload w = workloads.get(f.module());
            StringBuilder sh = new StringBuilder("#!/usr/bin/env bash\n# usage: " + f.module() + ".sh [extra JVM flags...]\ncd " + lib(f).getParent() + "\n");
            sh.append("exec env -i");
            Map<String, String> env = new LinkedHashMap<>(childEnv);
            env.put("AWS_LAMBDA_FUNCTION_NAME", f.logicalId());
            env.forEach((k, v) -> sh.append(" '").append(k).append('=').append(v).append('\''));
            sh.append(' ').append(javaBin);
            for (String flag : LAMBDA_FLAGS) sh.append(' ').append(flag);
            sh.append(" \"$@\" -cp '").append(String.join(File.pathSeparator, classpath(f))).append("' ").append(RUNNER);
            sh.append(' ').append(f.handlerClass()).append(' ').append(options.root().resolve("events").resolve(w.event()));
            sh.append(' ').append(w.expect().isEmpty() ? "-" : w.expect()).append(" 0 \"${RUN_SEQ:-$RANDOM}\" ").append(f.logicalId())
                    .append(' ').append(f.timeoutSeconds());
            for (String r : w.replacements()) sh.append(" '").append(r).append('\'');
            sh.append('\n');
            Path script = dir.resolve(f.module() + ".sh");
            Files.writeString(script, sh);
            script.toFile().setExecutable(true);
        }
        log("serving; run %s/<module>.sh to start one child; close stdin to stop", dir);
        while (System.in.read() >= 0) {
            // until EOF
        }
        return 0;
    }

    /** Starts one child and waits for it; its cold start is measured here. */
    private Run child(Function f, Workload w, List<String> classpath, List<String> extraFlags, int warm, String label) throws Exception {
        int seq = runSeq.getAndIncrement();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(LAMBDA_FLAGS);
        cmd.addAll(extraFlags);
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classpath));
        cmd.add(RUNNER);
        cmd.addAll(List.of(f.handlerClass(), options.root().resolve("events").resolve(w.event()).toString(),
                w.expect().isEmpty() ? "-" : w.expect(), Integer.toString(warm), Integer.toString(seq), f.logicalId(),
                Integer.toString(f.timeoutSeconds())));
        cmd.addAll(w.replacements());
        Path log = options.out().resolve("logs").resolve(f.module() + "-" + label + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(lib(f).getParent().toFile())
                .redirectError(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(childEnv);
        pb.environment().put("AWS_LAMBDA_FUNCTION_NAME", f.logicalId());
        pb.environment().put("AWS_LAMBDA_FUNCTION_TIMEOUT", Integer.toString(f.timeoutSeconds()));
        pb.environment().put("LAMBDA_TASK_ROOT", lib(f).getParent().toString());

        int hooksBefore = hooks.get();
        long start = System.nanoTime();
        Process p = pb.start();
        children.add(p);
        try {
            double coldMs = -1;
            Map<String, String> done = null;
            List<String> other = new ArrayList<>();
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(label.equals("train") ? 240 : 120);
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                Thread watchdog = Thread.ofVirtual().start(() -> {
                    try {
                        if (!p.waitFor(Math.max(1, limit - System.nanoTime()), TimeUnit.NANOSECONDS)) p.destroyForcibly();
                    } catch (InterruptedException ignored) {
                        // finished
                    }
                });
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("FIRST ")) {
                        coldMs = (System.nanoTime() - start) / 1e6;
                    } else if (line.startsWith("FAIL ")) {
                        throw new IllegalStateException(f.module() + " " + label + ": " + line.substring(5) + " (log " + log + ")");
                    } else if (!line.startsWith("DONE ")) {
                        other.add(line);
                    } else {
                        done = new LinkedHashMap<>();
                        for (String kv : line.substring(5).trim().split(" ")) {
                            int eq = kv.indexOf('=');
                            done.put(kv.substring(0, eq), kv.substring(eq + 1));
                        }
                    }
                }
                watchdog.interrupt();
            }
            if (!p.waitFor(Math.max(1, limit - System.nanoTime()), TimeUnit.NANOSECONDS)) p.destroyForcibly();
            p.waitFor();
            if (p.exitValue() != 0 || coldMs < 0 || done == null) {
                throw new IllegalStateException(f.module() + " " + label + ": the child exited with " + p.exitValue()
                        + (coldMs < 0 ? " before its first answer" : "") + "; its output: " + other + "; its log: " + log + "\n" + tail(log));
            }
            int delivered = hooks.get() - hooksBefore;
            if (delivered != (warm + 1) * w.webhooksPerCall()) {
                throw new IllegalStateException(f.module() + " " + label + ": " + delivered + " webhooks reached the local receiver, not "
                        + (warm + 1) * w.webhooksPerCall() + "; its log: " + log + "\n" + tail(log));
            }
            return new Run(coldMs, done);
        } finally {
            children.remove(p);
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    /** The function's artifact jars in a fixed order, then the runner and the runtime's serialization library. */
    private List<String> classpath(Function f) throws IOException {
        List<String> cp = new ArrayList<>(artifactJars(f));
        cp.add(options.runnerJar().toString());
        cp.add(options.serializationJar().toString());
        if (jodaStandIn.contains(f.module())) cp.add(options.jodaJar().toString());
        return cp;
    }

    private List<String> artifactJars(Function f) throws IOException {
        try (Stream<Path> jars = Files.list(lib(f))) {
            return jars.filter(j -> j.toString().endsWith(".jar")).map(Path::toString).sorted().toList();
        }
    }

    /**
     * Why the Lambda runtime could not serve this function from its artifact, or null: for an event type the
     * runtime (de)serializes with its own mixins, its serializer loads org.joda.time.DateTime from the function's
     * classpath (aws-lambda-java-serialization's DateTimeModule), and fails without it.
     */
    private String runtimeNeedsJoda(Function f) throws Exception {
        Class<?> handler = Class.forName(f.handlerClass());
        if (com.amazonaws.services.lambda.runtime.RequestStreamHandler.class.isAssignableFrom(handler)) return null; // bytes in, bytes out
        java.lang.reflect.Type[] io = dev.intake.bench.coldstart.runner.Runner.requestHandlerTypes(handler);
        List<String> supported = new ArrayList<>();
        for (java.lang.reflect.Type t : io) {
            if (t instanceof Class<?> c && LambdaEventSerializers.isLambdaSupportedEvent(c.getName())) supported.add(c.getSimpleName());
        }
        if (supported.isEmpty()) return null;
        for (String jar : artifactJars(f)) {
            try (var zip = new java.util.zip.ZipFile(jar)) {
                if (zip.getEntry("org/joda/time/DateTime.class") != null) return null;
            }
        }
        return f.module() + ": its artifact has no org.joda.time.DateTime, which the Lambda runtime's serializer for "
                + supported + " loads from the function's classpath; the first invoke would fail";
    }

    private Path lib(Function f) {
        return options.root().resolve("target/lambda").resolve(f.module()).resolve("lib");
    }

    /** What Lambda's environment holds, pointed at the emulators: never this process's own environment. */
    private static Map<String, String> childEnvironment(IntakeConfig config) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("AWS_REGION", config.region());
        env.put("AWS_DEFAULT_REGION", config.region());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_SESSION_TOKEN", "local");
        env.put("INTAKE_DYNAMODB_ENDPOINT", config.dynamoEndpoint().toString());
        env.put("INTAKE_SQS_ENDPOINT", config.sqsEndpoint().toString());
        IntakeConfig.Tables t = config.tables();
        env.put("WORKSPACES_TABLE", t.workspaces());
        env.put("FORMS_TABLE", t.forms());
        env.put("SUBMISSIONS_TABLE", t.submissions());
        env.put("PEOPLE_TABLE", t.people());
        env.put("CAMPAIGNS_TABLE", t.campaigns());
        env.put("GUARDS_TABLE", t.guards());
        env.put("EVENTS_QUEUE_URL", config.eventsQueueUrl());
        env.put("INTAKE_SIGNING_SECRET", config.signingSecret() == null ? "bench-signing-secret-0123456789abcdef" : config.signingSecret());
        env.put("INTAKE_PUBLIC_URL", "http://127.0.0.1:3000");
        // The trigger's webhook goes to this process's receiver on 127.0.0.1, as in the local stack.
        env.put("INTAKE_WEBHOOKS_ALLOW_PRIVATE", "true");
        return env;
    }

    /**
     * The form the sample events name, a person for people-find.json, a webhook campaign for the trigger's event,
     * and the campaigns workload's own workspace and form.
     */
    private static void seed(IntakeLocal stack, Path events, String hookUrl) throws Exception {
        Services services = stack.services();
        if (!WS.equals(stack.demoWorkspace().workspaceId())) throw new IllegalStateException("the sample events are written for " + WS);
        services.createWorkspace.create("Bench campaigns", new dev.intake.application.CreateWorkspace.Secrets(
                CAMPAIGNS_WS, "bench_campaigns_site", "tk_bench_campaigns", "wk_bench_campaigns", CAMPAIGNS_KEY));
        sampleForm(services, WS, FORM);
        sampleForm(services, CAMPAIGNS_WS, IDLE_FORM);
        var person = new SubmissionsHandler(services).handleRequest(apiEvent(events.resolve("submissions-create.json")), null);
        if (person.getStatusCode() / 100 != 2) throw new IllegalStateException("seeding the person: " + person.getBody());
        APIGatewayProxyRequestEvent campaign = apiEvent(events.resolve("campaigns-create.json"));
        campaign.setHeaders(Map.of("Authorization", "Bearer sk_live_local_demo", "Content-Type", "application/json"));
        campaign.setMultiValueHeaders(null);
        campaign.setBody("{\"name\":\"Bench webhook\",\"trigger\":{\"type\":\"form_submitted\",\"formId\":\"" + FORM + "\"},"
                + "\"actions\":[{\"type\":\"webhook\",\"url\":\"" + hookUrl + "\"}],\"enabled\":true}");
        var created = new CampaignsHandler(services).handleRequest(campaign, null);
        if (created.getStatusCode() / 100 != 2) throw new IllegalStateException("seeding the campaign: " + created.getBody());
    }

    /** A form with the fields the sample events use (as local/src/test's HandlerEventsIT makes it). */
    private static void sampleForm(Services services, String workspaceId, String formId) {
        Instant now = Instant.now();
        services.forms.create(new Form(workspaceId, formId, "Sample", List.of(
                new Field("fld_email001", "email", FieldType.EMAIL, "Email", true, List.of(), null, null),
                new Field("fld_first001", "firstName", FieldType.TEXT, "First name", false, List.of(), null, null),
                new Field("fld_inter001", "interests", FieldType.SELECT, "Interests", false, List.of("tech", "marketing"), null, null)),
                FormSettings.DEFAULT, false, FormStatus.ACTIVE, now, now, 1));
    }

    private static APIGatewayProxyRequestEvent apiEvent(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return LambdaEventSerializers.serializerFor(APIGatewayProxyRequestEvent.class, ColdStartBench.class.getClassLoader()).fromJson(in);
        }
    }

    private final AtomicInteger hooks = new AtomicInteger();

    /** Receives the trigger's webhooks on 127.0.0.1 and answers 200. */
    private HttpServer webhookReceiver() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                hooks.incrementAndGet();
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "webhook-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return server;
    }

    /** The template's functions, in its order. */
    static List<Function> functions(Path template) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(template.toFile());
        int defaultTimeout = root.path("Globals").path("Function").path("Timeout").asInt(3);
        List<Function> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("Resources").fields(); it.hasNext(); ) {
            var e = it.next();
            if (!"AWS::Serverless::Function".equals(e.getValue().path("Type").asText())) continue;
            JsonNode p = e.getValue().path("Properties");
            String codeUri = p.path("CodeUri").asText();
            String handler = p.path("Handler").asText();
            out.add(new Function(e.getKey(), Path.of(codeUri).getFileName().toString(),
                    handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler,
                    p.path("Timeout").asInt(defaultTimeout)));
        }
        if (out.isEmpty()) throw new IllegalStateException("no functions in " + template);
        return out;
    }

    /** The template without SQS and DynamoDB-stream event sources, so that the stack starts no pollers. */
    static Path withoutPollers(Path template, Path out) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode root = yaml.readTree(template.toFile());
        for (JsonNode resource : root.path("Resources")) {
            if (!"AWS::Serverless::Function".equals(resource.path("Type").asText())) continue;
            JsonNode events = resource.path("Properties").path("Events");
            if (!(events instanceof ObjectNode eventsObject)) continue;
            List<String> drop = new ArrayList<>();
            eventsObject.fields().forEachRemaining(ev -> {
                String type = ev.getValue().path("Type").asText();
                if (type.equals("SQS") || type.equals("DynamoDB")) drop.add(ev.getKey());
            });
            eventsObject.remove(drop);
        }
        Files.createDirectories(out.getParent());
        yaml.writeValue(out.toFile(), root);
        return out;
    }

    private void killChildren() {
        for (Process p : children) p.destroyForcibly();
    }

    private void emit(String name, Object value, String unit) {
        bench.println("BENCH " + name + " " + value + " " + unit);
        bench.flush();
    }

    private static double median(List<Run> runs, String key) {
        return percentile(runs.stream().map(r -> r.number(key)).toList(), 50);
    }

    /** Nearest-rank percentile: for 7 values, p50 is the 4th smallest and p90 the largest. */
    static double percentile(List<Double> values, int p) {
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static String round1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "coldstart: " + format + "%n", args);
    }
}
