package dev.intake.functions.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.intake.application.Authenticator;
import dev.intake.config.Services;
import dev.intake.domain.Credential;
import dev.intake.domain.IntakeException;
import dev.intake.http.Credentials;
import dev.intake.http.ProxyEvents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The REST API's REQUEST authorizer for the management routes. A live {@code sk_} key (Bearer or
 * {@code x-api-key}) is allowed, with its workspace as principal and its usage-plan key as
 * {@code usageIdentifierKey}; anything else is denied with the reason in {@code context.message}, which the
 * ACCESS_DENIED gateway response shows. The functions still check the key themselves.
 */
public final class KeyAuthorizerHandler
        implements RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1>, RequestStreamHandler {
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

    /**
     * What the Lambda runtime calls, since this class is also a {@link RequestStreamHandler}: the event is read
     * and the policy written with Jackson's streaming parser and generator ({@link ProxyEvents}), not the
     * runtime's serializer (about 0.3 s of cold start, on the path of every cold management call) nor Jackson's
     * bean reading (about 0.1 s more). Null fields are left out, as that serializer leaves them out;
     * {@code ProxyStreamIT} checks that both write the same policy.
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ProxyEvents.writePolicy(handleRequest(ProxyEvents.readAuthorizerRequest(input), context), output);
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
