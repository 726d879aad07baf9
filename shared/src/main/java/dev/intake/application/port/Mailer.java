package dev.intake.application.port;

import dev.intake.domain.OutgoingMail;

/** Sends e-mail: campaign e-mail actions and double opt-in confirmations. */
public interface Mailer {

    /**
     * Hands {@code mail} to the mail server; returns once the server has accepted it.
     *
     * @throws MailFailed when the server did not accept it; {@link MailFailed#permanent()} tells whether
     *                    trying again can help
     */
    void send(OutgoingMail mail);

    /**
     * A message that was not accepted. Its text never holds the message body or credentials, so it can be
     * logged and stored with the delivery.
     */
    final class MailFailed extends RuntimeException {
        private final boolean permanent;

        public MailFailed(String message, boolean permanent) {
            this(message, permanent, null);
        }

        public MailFailed(String message, boolean permanent, Throwable cause) {
            super(message, cause);
            this.permanent = permanent;
        }

        /**
         * True when sending the same message again cannot succeed: the server rejected the message or the
         * recipient with a 5xx reply, the address is invalid, or mail is not configured. False for 4xx
         * replies, timeouts, refused connections, failed logins and other I/O problems, which a retry may
         * get past.
         */
        public boolean permanent() {
            return permanent;
        }
    }
}
