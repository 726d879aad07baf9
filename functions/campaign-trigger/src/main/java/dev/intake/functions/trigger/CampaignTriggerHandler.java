package dev.intake.functions.trigger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.intake.application.TriggerCampaigns;
import dev.intake.config.Services;
import dev.intake.domain.DomainEvent;
import dev.intake.domain.EventTracked;
import dev.intake.domain.FormSubmitted;
import dev.intake.json.EventJson;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Consumes {@code form.submitted} from SQS and triggers the matching campaigns. Failed messages are
 * reported one by one ({@code ReportBatchItemFailures}), so SQS redelivers only those and, after
 * {@code maxReceiveCount}, moves them to the DLQ.
 */
public final class CampaignTriggerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final System.Logger LOG = System.getLogger("intake.campaign-trigger");

    private final TriggerCampaigns trigger;

    public CampaignTriggerHandler() {
        this(Services.get());
    }

    public CampaignTriggerHandler(Services services) {
        this.trigger = services.triggerCampaigns;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage m : event.getRecords()) {
            try {
                DomainEvent e = EventJson.read(m.getBody());
                TriggerCampaigns.Outcome outcome = trigger.handle(e);
                String what = switch (e) {
                    case FormSubmitted f -> "form=" + f.formId() + " submission=" + f.submissionId();
                    case EventTracked t -> "person=" + t.personId();
                };
                LOG.log(Level.INFO, "consumed {0} {1} {2} campaigns={3}{4}", EventJson.type(e), e.eventId(), what,
                        outcome.matchedCampaignIds(), outcome.firstDelivery() ? "" : " (redelivery, no new effect)");
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "message {0} failed: {1}", m.getMessageId(), ex.getClass().getSimpleName());
                failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }
}
