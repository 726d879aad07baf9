package dev.intake.adapter.log;

import dev.intake.application.port.ConfirmationSender;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Stands in for the confirmation e-mail until campaign e-mail exists: logs that a confirmation is due.
 * The link itself is a credential, so it is logged (and kept for the local stack's tests) only when
 * {@code showLinks} is set, which the local stack does and a deployment must not.
 */
public final class LoggedConfirmations implements ConfirmationSender {
    private static final System.Logger LOG = System.getLogger("intake.confirmations");
    private static final int KEEP = 100;

    /** A confirmation that was due. */
    public record Sent(String workspaceId, String personId, String email, String formId, String confirmUrl) {}

    private final boolean showLinks;
    private final Deque<Sent> recent = new ArrayDeque<>();

    public LoggedConfirmations(boolean showLinks) {
        this.showLinks = showLinks;
    }

    @Override
    public void send(String workspaceId, String personId, String email, String formId, String confirmUrl) {
        if (showLinks) {
            LOG.log(Level.INFO, "double opt-in confirmation for " + personId + " (form " + formId + "): " + confirmUrl);
            synchronized (recent) {
                recent.addFirst(new Sent(workspaceId, personId, email, formId, confirmUrl));
                while (recent.size() > KEEP) recent.removeLast();
            }
        } else {
            LOG.log(Level.INFO, "double opt-in confirmation due for " + personId + " (form " + formId
                    + "); no e-mail action is configured yet, so it was not sent");
        }
    }

    /** The most recent confirmations, newest first (only when links are shown). */
    public List<Sent> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}
