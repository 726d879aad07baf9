package dev.intake.functions.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.intake.application.Authenticator;
import dev.intake.config.Services;
import dev.intake.domain.Credential;
import dev.intake.domain.IntakeException;
import dev.intake.http.Credentials;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The REST API's REQUEST authorizer for the management routes. A live {@code sk_} key (Bearer or
 * {@code x-api-key}) is allowed, with its workspace as principal and its usage-plan key as
 * {@code usageIdentifierKey}; anything else is denied with the reason in {@code context.message}, which the
 * ACCESS_DENIED gateway response shows. The functions still check the key themselves.
 */
public final class KeyAuthorizerHandler implements RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1> {
    private final Authenticator auth;

    public KeyAuthorizerHandler() {
        this(Services.get());
    }

    public KeyAuthorizerHandler(Services services) {
        this.auth = services.authenticator;
    }

    @Override
    public IamPolicyResponseV1 handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (event.getHeaders() != null) event.getHeaders().forEach((k, v) -> { if (k != null && v != null) headers.put(k, v); });
        // Results are never cached (no identity source), so one policy may cover the whole stage.
        String resource = stageWildcard(event.getMethodArn());
        try {
            Credential key = auth.liveApiKey(Credentials.apiKey(headers::get));
            return new IamPolicyResponseV1(key.workspaceId(), policy(IamPolicyResponseV1.ALLOW, resource),
                    Map.<String, Object>of("workspaceId", key.workspaceId()), key.usageKey() == null ? null : key.usageKey().value());
        } catch (IntakeException.Unauthorized e) {
            return new IamPolicyResponseV1("anonymous", policy(IamPolicyResponseV1.DENY, resource), Map.<String, Object>of("message", e.getMessage()), null);
        }
    }

    private static IamPolicyResponseV1.PolicyDocument policy(String effect, String resource) {
        return new IamPolicyResponseV1.PolicyDocument(IamPolicyResponseV1.VERSION_2012_10_17,
                List.of(new IamPolicyResponseV1.Statement(IamPolicyResponseV1.EXECUTE_API_INVOKE, effect, List.of(resource), null)));
    }

    /** {@code arn:…:api/stage/GET/some/path} → {@code arn:…:api/stage/*}; anything unexpected is left as it is. */
    static String stageWildcard(String methodArn) {
        if (methodArn == null) return "*";
        String[] parts = methodArn.split("/", 3);
        return parts.length < 3 ? methodArn : parts[0] + "/" + parts[1] + "/*/*";
    }
}
