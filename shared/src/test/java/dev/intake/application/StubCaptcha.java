package dev.intake.application;

import dev.intake.application.port.CaptchaVerifier;
import dev.intake.domain.CaptchaSettings;
import java.util.ArrayList;
import java.util.List;

/** Accepts exactly the token {@value #GOOD}, and records what it was asked. */
final class StubCaptcha implements CaptchaVerifier {
    static final String GOOD = "good-token";
    final List<String> asked = new ArrayList<>();

    @Override
    public boolean verify(CaptchaSettings captcha, String token, String remoteIp) {
        asked.add(captcha.provider().wireName() + ":" + captcha.secret() + ":" + token + ":" + remoteIp);
        return GOOD.equals(token);
    }
}
