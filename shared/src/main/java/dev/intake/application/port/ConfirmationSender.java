package dev.intake.application.port;

/** Delivers a double opt-in confirmation link to a person. */
public interface ConfirmationSender {
    /** {@code email} may be null when the person is known only by id. */
    void send(String workspaceId, String personId, String email, String formId, String confirmUrl);
}
