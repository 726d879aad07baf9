package dev.intake.application;

import dev.intake.application.port.FormStore;
import dev.intake.application.port.PersonStore;
import dev.intake.domain.ConsentRecord;
import dev.intake.domain.ConsentState;
import dev.intake.domain.Form;
import dev.intake.domain.Source;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Follows a double opt-in link: the signed token names the person, and their consent becomes
 * {@code OPTED_IN} with a record of when, from where, and for which form. Following the link again is
 * harmless; the record then shows the latest confirmation.
 */
public final class ConfirmConsent {
    private final ConsentTokens tokens;
    private final PersonStore people;
    private final FormStore forms;
    private final Clock clock;

    public ConfirmConsent(ConsentTokens tokens, PersonStore people, FormStore forms, Clock clock) {
        this.tokens = tokens;
        this.people = people;
        this.forms = forms;
        this.clock = clock;
    }

    /** Confirms and returns the form the person signed up with, if it still exists (for its redirect). */
    public Optional<Form> confirm(String token, String ip) {
        Instant now = clock.instant();
        ConsentTokens.Claims claims = tokens.verify(token, now);
        people.confirmConsent(claims.workspaceId(), claims.personId(),
                new ConsentRecord(ConsentState.OPTED_IN, now, ip, claims.formId(), Source.FORM));
        return forms.find(Form.key(claims.workspaceId(), claims.formId()))
                .filter(f -> f.workspaceId().equals(claims.workspaceId()));
    }
}
