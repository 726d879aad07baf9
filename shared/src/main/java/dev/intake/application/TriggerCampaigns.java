package dev.intake.application;

import dev.intake.application.port.CampaignStore;
import dev.intake.application.port.ConfirmationSender;
import dev.intake.domain.Campaign;
import dev.intake.domain.DomainEvent;
import dev.intake.domain.FormSubmitted;
import java.time.Clock;
import java.util.List;

/**
 * Finds the campaigns an event triggers and records the match once per event. A submission to a double
 * opt-in form whose person is still pending also gets its confirmation link sent, once per event.
 */
public final class TriggerCampaigns {
    private final CampaignStore campaigns;
    private final ConfirmationSender confirmations;
    private final ConsentTokens tokens;
    private final String confirmBaseUrl;
    private final Clock clock;

    /** {@code firstDelivery} is false when this event was handled before (a redelivery). */
    public record Outcome(List<String> matchedCampaignIds, boolean firstDelivery) {}

    /** @param confirmBaseUrl the public API's base URL, to which {@code /api/consent/confirm} is appended */
    public TriggerCampaigns(CampaignStore campaigns, ConfirmationSender confirmations, ConsentTokens tokens,
                            String confirmBaseUrl, Clock clock) {
        this.campaigns = campaigns;
        this.confirmations = confirmations;
        this.tokens = tokens;
        this.confirmBaseUrl = confirmBaseUrl;
        this.clock = clock;
    }

    public Outcome handle(DomainEvent event) {
        List<String> matched = campaigns.listByWorkspace(event.workspaceId()).stream()
                .filter(c -> c.matches(event))
                .map(Campaign::id)
                .toList();
        boolean first = campaigns.recordTrigger(event, matched);
        if (first && event instanceof FormSubmitted f && f.confirmationRequired() && f.personId() != null) {
            String token = tokens.issue(f.workspaceId(), f.personId(), f.formId(), clock.instant());
            Object email = f.attributes().get("email");
            confirmations.send(f.workspaceId(), f.personId(), email instanceof String s ? s : null, f.formId(),
                    confirmBaseUrl + "/api/consent/confirm?token=" + token);
        }
        return new Outcome(matched, first);
    }
}
