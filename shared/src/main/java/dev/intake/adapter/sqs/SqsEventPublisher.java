package dev.intake.adapter.sqs;

import dev.intake.application.port.EventPublisher;
import dev.intake.domain.DomainEvent;
import dev.intake.domain.IntakeException;
import dev.intake.json.EventJson;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Sends events to the events queue; the event type is also a message attribute. */
public final class SqsEventPublisher implements EventPublisher {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsEventPublisher(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void publish(DomainEvent event) {
        send(event, Map.of("type", string(EventJson.type(event))));
    }

    /** The {@code campaign} attribute tells the campaign trigger to run that campaign only. */
    @Override
    public void publishFor(DomainEvent event, String campaignId) {
        send(event, Map.of("type", string(EventJson.type(event)), "campaign", string(campaignId)));
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private void send(DomainEvent event, Map<String, MessageAttributeValue> attributes) {
        try {
            sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(EventJson.write(event)).messageAttributes(attributes));
        } catch (SdkException e) {
            throw new IntakeException.Unavailable("The event queue is unreachable; retry shortly", 2);
        }
    }
}
