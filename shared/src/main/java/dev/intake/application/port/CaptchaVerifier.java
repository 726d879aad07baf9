package dev.intake.application.port;

import dev.intake.domain.CaptchaSettings;

/** Asks a CAPTCHA provider whether a token a visitor's browser obtained is valid. */
public interface CaptchaVerifier {
    /**
     * True when the provider accepts {@code token}. Throws {@code IntakeException.Unavailable} when the
     * provider cannot be reached, so the visitor can retry rather than be told they are a bot.
     */
    boolean verify(CaptchaSettings captcha, String token, String remoteIp);
}
