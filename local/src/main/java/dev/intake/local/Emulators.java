package dev.intake.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/** DynamoDB Local and ElasticMQ, in this JVM, on 127.0.0.1. */
public final class Emulators implements AutoCloseable {
    private final DynamoDBProxyServer dynamo;
    private final SQSRestServer sqs;
    private final URI dynamoEndpoint;
    private final URI sqsEndpoint;

    private Emulators(DynamoDBProxyServer dynamo, URI dynamoEndpoint, SQSRestServer sqs, URI sqsEndpoint) {
        this.dynamo = dynamo;
        this.dynamoEndpoint = dynamoEndpoint;
        this.sqs = sqs;
        this.sqsEndpoint = sqsEndpoint;
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

        int sqsPort = freePort();
        SQSRestServer sqs = SQSRestServerBuilder.withPort(sqsPort).withInterface("127.0.0.1")
                .withServerAddress(new NodeAddress("http", "127.0.0.1", sqsPort, ""))
                .start();
        sqs.waitUntilStarted();
        return new Emulators(dynamo, URI.create("http://127.0.0.1:" + dynamoPort), sqs,
                URI.create("http://127.0.0.1:" + sqsPort));
    }

    public URI dynamoEndpoint() { return dynamoEndpoint; }

    public URI sqsEndpoint() { return sqsEndpoint; }

    /** Stops ElasticMQ only, to simulate the queue being down; {@link #close()} still stops the rest. */
    public void stopSqs() {
        sqs.stopAndWait();
    }

    @Override
    public void close() {
        try {
            sqs.stopAndWait();
        } catch (RuntimeException ignored) {
            // already stopped
        }
        try {
            dynamo.stop();
        } catch (Exception ignored) {
            // already stopped
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
