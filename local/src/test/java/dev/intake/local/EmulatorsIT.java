package dev.intake.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** ElasticMQ can go away and come back, as SQS would for a client, with its queues and messages intact. */
class EmulatorsIT {

    private static SqsClient client(URI endpoint) {
        return SqsClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint)
                .build();
    }

    private static List<String> receiveAll(SqsClient sqs, String url) {
        return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages().stream()
                .map(Message::body).toList();
    }

    @Test
    void stopSqsThenStartSqs_keepsQueuesAndMessagesOnTheSameEndpoint() throws Exception {
        try (Emulators emulators = Emulators.start(null); SqsClient sqs = client(emulators.sqsEndpoint())) {
            URI endpoint = emulators.sqsEndpoint();
            String url = sqs.createQueue(r -> r.queueName("restart-test")).queueUrl();
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("before"));

            emulators.stopSqs();

            assertFalse(emulators.sqsRunning());
            assertThrows(SdkClientException.class, () -> sqs.sendMessage(r -> r.queueUrl(url).messageBody("while down")));
            assertThrows(SdkClientException.class, () -> sqs.listQueues());

            emulators.startSqs();

            assertTrue(emulators.sqsRunning());
            assertEquals(endpoint, emulators.sqsEndpoint());
            assertEquals(url, sqs.getQueueUrl(r -> r.queueName("restart-test")).queueUrl());
            assertEquals(List.of("before"), receiveAll(sqs, url));
        }
    }

    @Test
    void stopSqsThenStartSqs_keepsAReceivedMessageInFlightWithAValidReceiptHandle() throws Exception {
        try (Emulators emulators = Emulators.start(null); SqsClient sqs = client(emulators.sqsEndpoint())) {
            String url = sqs.createQueue(r -> r.queueName("in-flight")).queueUrl();
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("taken"));
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("waiting"));
            Message taken = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(1).visibilityTimeout(60)).messages().getFirst();

            emulators.stopSqs();
            emulators.startSqs();

            assertEquals(List.of("taken".equals(taken.body()) ? "waiting" : "taken"), receiveAll(sqs, url));
            sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(taken.receiptHandle()));
        }
    }

    @Test
    void stopAndStart_areIdempotentAndRepeatable() throws Exception {
        try (Emulators emulators = Emulators.start(null); SqsClient sqs = client(emulators.sqsEndpoint())) {
            String url = sqs.createQueue(r -> r.queueName("cycles")).queueUrl();
            for (int cycle = 0; cycle < 3; cycle++) {
                String body = "cycle " + cycle;
                sqs.sendMessage(r -> r.queueUrl(url).messageBody(body));
                emulators.stopSqs();
                emulators.stopSqs();
                emulators.startSqs();
                emulators.startSqs();
                assertEquals(List.of(body), receiveAll(sqs, url));
                sqs.purgeQueue(r -> r.queueUrl(url));
            }
        }
    }

    @Test
    void close_whileSqsIsStopped_stopsTheRestAndRefusesAnotherStart() throws Exception {
        Emulators emulators = Emulators.start(null);
        emulators.stopSqs();

        emulators.close();
        emulators.close();

        assertThrows(IllegalStateException.class, emulators::startSqs);
    }
}
