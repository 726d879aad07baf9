package dev.intake.bench.load;

import dev.intake.application.WebhookSignature;
import dev.intake.domain.Campaign;
import dev.intake.domain.CampaignAction;
import dev.intake.json.Json;
import dev.intake.local.IntakeLocal;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * bench/ddb.sh: the DynamoDB capacity of one accepted 1 KB public submission of a new person, everything
 * included: the request's own calls (its {@code X-Intake-Capacity} header) and the asynchronous work it
 * causes, the stream relay's (the {@code form.submitted} event) and the campaign trigger's (one campaign, a
 * webhook, listens to the form). Every DynamoDB call of the JVM is logged with its consumed capacity by
 * {@link CallLog} from the submit until the event's webhook has arrived and DynamoDB has been quiet for
 * {@value #QUIET_MILLIS} ms; nothing else runs meanwhile. Warm-up submissions go first, and are not counted.
 *
 * <p>{@code ddb.submit.*} is what SPEC section 9 lists — the submission, person, counters, rate limit,
 * idempotency and outbox (the stream relay) — and {@code ddb.delivery.*} is the campaign trigger's record of
 * one delivery: a cost per campaign action, which a form without campaigns never pays and a form with three
 * pays three times. Both are printed, and so is their sum.
 */
public final class DdbBench {
    static final long QUIET_MILLIS = 1_500;
    private static final int WARMUP = 20;

    private DdbBench() {}

    record Measured(double[] header, List<CallLog.Call> calls, Map<String, Long> otherCalls) {}

    public static void main(String[] args) throws Exception {
        int status = 1;
        try (IntakeLocal stack = Bench.startStack(); Receiver receiver = new Receiver()) {
            String ws = Bench.workspace(stack).workspaceId();
            String formId = Bench.contactForm(stack, ws, "Contact us");
            Instant now = Instant.now();
            stack.services().campaigns.create(new Campaign(ws, "cmp_Bench", "Bench", new Campaign.Trigger(Campaign.Trigger.FORM_SUBMITTED, formId, null),
                    List.of(new CampaignAction.Webhook(receiver.url("/hook"), WebhookSignature.newSecret())), true, now, now));

            for (int i = 0; i < WARMUP; i++) {
                var res = Bench.send(Bench.client(0, 1, i + 1), Bench.submit(stack, formId, Bench.body(i)));
                if (res.statusCode() != 201) throw new IllegalStateException("warm-up submit: " + res.statusCode() + " " + res.body());
            }
            waitFor(() -> receiver.distinctEvents() >= WARMUP, 60_000, "the warm-up's webhooks");
            waitQuiet(30_000);
            Bench.log("ddb: warm-up done (%d submissions delivered)", WARMUP);

            Measured plain = measure(stack, receiver, Bench.client(0, 2, 1), formId, Bench.body(5_000_001));
            Measured keyed = measure(stack, receiver, Bench.client(0, 2, 2), formId, Bench.body(5_000_002),
                    "Idempotency-Key", UUID.randomUUID().toString());

            Map<String, double[]> stages = report("one 1 KB public submit of a new person, no Idempotency-Key (a browser form)", plain);
            Map<String, double[]> withKey = report("the same with an Idempotency-Key header (a script retrying safely)", keyed);
            double[] keyedSubmit = submission(withKey);
            Bench.log("ddb: with an Idempotency-Key the submission costs %s WCU, %s RCU", Bench.fmt(keyedSubmit[1]), Bench.fmt(keyedSubmit[0]));
            double[] submit = submission(stages);
            double[] delivery = stages.get("trigger");
            Bench.figure("ddb.submit.wcu", Bench.fmt(submit[1]), "WCU");
            Bench.figure("ddb.submit.rcu", Bench.fmt(submit[0]), "RCU");
            Bench.figure("ddb.delivery.wcu", Bench.fmt(delivery[1]), "WCU");
            Bench.figure("ddb.delivery.rcu", Bench.fmt(delivery[0]), "RCU");
            Bench.figure("ddb.submit_and_delivery.wcu", Bench.fmt(submit[1] + delivery[1]), "WCU");
            Bench.figure("ddb.submit_and_delivery.rcu", Bench.fmt(submit[0] + delivery[0]), "RCU");
            status = 0;
        } catch (Throwable e) {
            e.printStackTrace();
        } finally {
            System.exit(status);
        }
    }

    private static Measured measure(IntakeLocal stack, Receiver receiver, HttpClient client, String formId, String body, String... headers) {
        waitQuiet(30_000);
        CallLog.start();
        var res = Bench.send(client, Bench.submit(stack, formId, body, headers));
        if (res.statusCode() != 201) throw new IllegalStateException("submit: " + res.statusCode() + " " + res.body());
        String submissionId;
        try {
            submissionId = Json.mapper().readTree(res.body()).path("submissionId").asText();
        } catch (Exception e) {
            throw new IllegalStateException("submit answered " + res.body(), e);
        }
        String eventId = "evt_" + submissionId.substring(submissionId.indexOf('_') + 1);
        waitFor(() -> receiver.received(eventId), 30_000, "the webhook of " + eventId);
        waitQuiet(30_000);
        Map<String, Long> other = CallLog.otherCalls();
        return new Measured(Bench.capacity(res), CallLog.stop(), other);
    }

    /** The submission's own {rcu, wcu}: every stage but the campaign trigger's delivery. */
    private static double[] submission(Map<String, double[]> stages) {
        double[] sum = new double[2];
        stages.forEach((stage, s) -> {
            if (stage.equals("trigger")) return;
            sum[0] += s[0];
            sum[1] += s[1];
        });
        return sum;
    }

    /** Prints every call and the sums by stage; returns the {rcu, wcu} of each stage. */
    private static Map<String, double[]> report(String what, Measured m) {
        Bench.log("ddb: %s — every DynamoDB call, in order:", what);
        Map<String, double[]> byStage = new LinkedHashMap<>();
        for (String stage : List.of("request", "relay", "trigger", "other")) byStage.put(stage, new double[2]);
        for (CallLog.Call c : m.calls()) {
            String stage = stage(c.thread());
            double[] sum = byStage.get(stage);
            sum[0] += c.rcu();
            sum[1] += c.wcu();
            Bench.log("ddb:   %-8s %-20s %-22s rcu %-5s wcu %-5s (%s)", stage, c.operation(), c.table(), Bench.fmt(c.rcu()), Bench.fmt(c.wcu()), c.thread());
        }
        double[] total = new double[2];
        byStage.forEach((stage, sum) -> {
            if (stage.equals("other") && sum[0] == 0 && sum[1] == 0) return;
            Bench.log("ddb:   %-8s total rcu %s, wcu %s", stage, Bench.fmt(sum[0]), Bench.fmt(sum[1]));
            total[0] += sum[0];
            total[1] += sum[1];
        });
        double[] request = byStage.get("request");
        Bench.log("ddb:   request's X-Intake-Capacity header: rcu=%s, wcu=%s%s", Bench.fmt(m.header()[0]), Bench.fmt(m.header()[1]),
                Math.abs(m.header()[0] - request[0]) < 1e-9 && Math.abs(m.header()[1] - request[1]) < 1e-9 ? " (agrees with the calls above)"
                        : " (DIFFERS from the calls above)");
        Bench.log("ddb:   other calls meanwhile, no table capacity (the local pollers' DynamoDB Streams reads, SQS): %s", m.otherCalls());
        Bench.log("ddb:   total rcu %s, wcu %s", Bench.fmt(total[0]), Bench.fmt(total[1]));
        return byStage;
    }

    /** The local stack names its pollers' threads {@code stream-poller-<function>} and {@code sqs-poller-<function>}. */
    private static String stage(String thread) {
        if (thread.startsWith("stream-poller-")) return "relay";
        if (thread.startsWith("sqs-poller-")) return "trigger";
        if (thread.startsWith("main")) return "other";
        return "request";
    }

    static void waitFor(java.util.function.BooleanSupplier condition, long millis, String what) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new IllegalStateException("timed out after " + millis + " ms waiting for " + what);
            Bench.sleep(20);
        }
    }

    /** Until no DynamoDB call has completed for {@value #QUIET_MILLIS} ms. */
    static void waitQuiet(long millis) {
        waitFor(() -> System.nanoTime() - CallLog.lastCallNanos() > QUIET_MILLIS * 1_000_000, millis, "DynamoDB to be quiet");
    }
}
