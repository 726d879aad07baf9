package dev.intake.local;

import java.net.URI;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One AWS backend and one local stack per test JVM. LocalStack (Testcontainers) when a Docker engine
 * exists, otherwise DynamoDB Local and ElasticMQ in this JVM; {@code -Daws.backend=localstack|emulators}
 * forces the choice.
 */
public final class TestStack {
    private static IntakeLocal stack;
    private static CaptchaStub captcha;

    private TestStack() {}

    public static synchronized IntakeLocal get() {
        if (stack == null) {
            try {
                captcha = new CaptchaStub();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("could not start the CAPTCHA stub", e);
            }
            // The stack reads this when it starts: every provider's verify URL points at the stub.
            System.setProperty("INTAKE_CAPTCHA_VERIFY_URL", captcha.url());
            // Failed deliveries come back at once, so the retry and dead-letter tests need no waiting.
            System.setProperty("INTAKE_RETRY_BASE_SECONDS", "0");
            stack = start();
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        }
        return stack;
    }

    /** The CAPTCHA provider stub the stack verifies tokens with. */
    static synchronized CaptchaStub captcha() {
        get();
        return captcha;
    }

    public static String backend() {
        String forced = System.getProperty("aws.backend", "auto");
        return switch (forced) {
            case "localstack", "emulators" -> forced;
            default -> DockerClientFactory.instance().isDockerAvailable() ? "localstack" : "emulators";
        };
    }

    private static IntakeLocal start() {
        try {
            var options = IntakeLocal.Options.defaults().withPort(0);
            if (backend().equals("localstack")) {
                var container = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4")).withServices("dynamodb", "sqs");
                container.start();
                Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
                URI endpoint = container.getEndpoint();
                options = new IntakeLocal.Options(0, null, null, endpoint, endpoint);
            }
            return IntakeLocal.start(options);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the local stack", e);
        }
    }
}
