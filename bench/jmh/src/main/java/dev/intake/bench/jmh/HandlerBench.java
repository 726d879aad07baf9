package dev.intake.bench.jmh;

import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * bench/handler.sh: runs {@link SubmitHandlerBench} with JMH (sample time: every call's duration is
 * sampled) and prints {@code BENCH handler.submit.p50 <µs> us} and {@code .p99} on stdout. JMH's own
 * report goes to stderr. Forks, warm-up and measurement are bounded to about a minute in all;
 * {@code BENCH_JMH_FORKS} (3), {@code BENCH_JMH_WARMUP} and {@code BENCH_JMH_ITERATIONS} (iterations
 * of 2 s: 3 and 5) change them.
 */
public final class HandlerBench {
    private HandlerBench() {}

    public static void main(String[] args) throws Exception {
        int forks = env("BENCH_JMH_FORKS", 3);
        var options = new OptionsBuilder()
                .include(SubmitHandlerBench.class.getName() + ".submit")
                .forks(forks)
                .warmupIterations(env("BENCH_JMH_WARMUP", 3)).warmupTime(TimeValue.seconds(2))
                .measurementIterations(env("BENCH_JMH_ITERATIONS", 5)).measurementTime(TimeValue.seconds(2))
                .threads(1)
                .jvmArgsAppend("-Xms1g", "-Xmx1g")
                .shouldFailOnError(true)
                .build();
        var out = OutputFormatFactory.createFormatInstance(System.err, VerboseMode.NORMAL);
        RunResult result = new Runner(options, out).runSingle();
        var stats = result.getPrimaryResult().getStatistics();
        System.err.printf(Locale.ROOT, "handler: %d samples over %d fork(s); mean %.2f us, p90 %.2f us, p99.9 %.2f us, max %.2f us%n",
                stats.getN(), forks, stats.getMean(), stats.getPercentile(90), stats.getPercentile(99.9), stats.getMax());
        System.out.printf(Locale.ROOT, "BENCH handler.submit.p50 %.2f us%n", stats.getPercentile(50));
        System.out.printf(Locale.ROOT, "BENCH handler.submit.p99 %.2f us%n", stats.getPercentile(99));
    }

    private static int env(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }
}
