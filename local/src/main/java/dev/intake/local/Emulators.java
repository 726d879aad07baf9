package dev.intake.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.http.scaladsl.Http;
import org.elasticmq.NodeAddress;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.FutureConverters;

/**
 * DynamoDB Local and ElasticMQ, in this JVM, on 127.0.0.1.
 *
 * <p>ElasticMQ's queues live in an actor system and queue manager that this class owns, apart from its
 * HTTP server. So {@link #stopSqs()} takes SQS off the network (clients get connection refused) while
 * queues and messages stay, and {@link #startSqs()} serves them again on the same port and endpoint.
 */
public final class Emulators implements AutoCloseable {
    /**
     * How long in-flight SQS requests get to finish when the server stops: longer than the local poller's
     * 1 s long poll ({@link SqsPoller}), so that most receives get their answer. One whose answer is still lost
     * leaves its messages hidden until the queue's visibility timeout (180 s), as in a real outage.
     */
    private static final FiniteDuration SQS_DRAIN = FiniteDuration.create(1_500, TimeUnit.MILLISECONDS);
    /** The port may be held for a moment after a stop (TIME_WAIT, a closing socket): bind again for this long. */
    private static final long REBIND_FOR_MILLIS = 10_000;
    private static final long REBIND_PAUSE_MILLIS = 100;

    private final DynamoDBProxyServer dynamo;
    private final URI dynamoEndpoint;
    private final ActorSystem sqsActors;
    private final ActorRef queueManager;
    private final int sqsPort;
    private final URI sqsEndpoint;
    /** The HTTP server; null while SQS is stopped. Guarded by this. */
    private SQSRestServer sqs;
    private boolean closed;

    private Emulators(DynamoDBProxyServer dynamo, URI dynamoEndpoint, ActorSystem sqsActors, ActorRef queueManager, int sqsPort) {
        this.dynamo = dynamo;
        this.dynamoEndpoint = dynamoEndpoint;
        this.sqsActors = sqsActors;
        this.queueManager = queueManager;
        this.sqsPort = sqsPort;
        this.sqsEndpoint = URI.create("http://127.0.0.1:" + sqsPort);
    }

    /** Starts both; with a {@code dataDir}, DynamoDB keeps its data there across restarts. */
    public static Emulators start(Path dataDir) throws Exception {
        int dynamoPort = freePort();
        List<String> args = new ArrayList<>(List.of("-port", Integer.toString(dynamoPort), "-disableTelemetry"));
        if (dataDir == null) {
            args.add("-inMemory");
        } else {
            args.addAll(List.of("-dbPath", dataDir.toAbsolutePath().toString(), "-sharedDb"));
        }
        DynamoDBProxyServer dynamo = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
        dynamo.start();

        ActorSystem actors = ActorSystem.create("elasticmq");
        Emulators emulators;
        try {
            // What SQSRestServerBuilder would create itself, held here so that it outlives the HTTP server.
            ActorRef queueManager = actors.actorOf(Props.create(QueueManagerActor.class,
                    new NowProvider(), StrictSQSLimits$.MODULE$, scala.Option.empty()));
            emulators = new Emulators(dynamo, URI.create("http://127.0.0.1:" + dynamoPort), actors, queueManager, freePort());
            emulators.startSqs();
        } catch (Exception | Error e) {
            actors.terminate();
            stopQuietly(dynamo);
            throw e;
        }
        return emulators;
    }

    public URI dynamoEndpoint() { return dynamoEndpoint; }

    /** The same across {@link #stopSqs()} and {@link #startSqs()}. */
    public URI sqsEndpoint() { return sqsEndpoint; }

    /** Whether ElasticMQ is serving requests. */
    public synchronized boolean sqsRunning() {
        return sqs != null;
    }

    /**
     * Takes ElasticMQ off the network, to simulate SQS being unreachable: the port is closed, open
     * connections are dropped, and requests in flight get half a second to finish. Queues,
     * messages, receipt handles and visibility timeouts stay. Does nothing if already stopped.
     */
    public synchronized void stopSqs() {
        if (sqs == null) return;
        Http.ServerBinding binding = sqs.waitUntilStarted();
        sqs = null;
        await(binding.terminate(SQS_DRAIN), "stopping ElasticMQ");
    }

    /**
     * Serves the same queues again, on the same port. Binding is retried for a few seconds, as the port
     * can be briefly unavailable right after a stop. Does nothing if already running.
     *
     * @throws IllegalStateException if the port cannot be bound, or after {@link #close()}
     */
    public synchronized void startSqs() {
        if (closed) throw new IllegalStateException("emulators are closed");
        if (sqs != null) return;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REBIND_FOR_MILLIS);
        while (true) {
            SQSRestServer server = SQSRestServerBuilder.withActorSystem(sqsActors)
                    .withQueueManagerActor(queueManager)
                    .withPort(sqsPort)
                    .withInterface("127.0.0.1")
                    .withServerAddress(new NodeAddress("http", "127.0.0.1", sqsPort, ""))
                    .start();
            try {
                server.waitUntilStarted();
                sqs = server;
                return;
            } catch (Exception bindFailed) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("could not bind ElasticMQ to 127.0.0.1:" + sqsPort, bindFailed);
                }
                pause();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        try {
            stopSqs();
        } catch (RuntimeException ignored) {
            // the actor system goes next either way
        }
        closed = true;
        try {
            sqsActors.terminate();
            sqsActors.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // a daemon-less straggler is not worth failing a shutdown for
        }
        stopQuietly(dynamo);
    }

    private static void stopQuietly(DynamoDBProxyServer dynamo) {
        try {
            dynamo.stop();
        } catch (Exception ignored) {
            // already stopped
        }
    }

    private static void await(scala.concurrent.Future<?> future, String what) {
        try {
            FutureConverters.asJava(future).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(what + " failed", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(REBIND_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding ElasticMQ", e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
