package dev.intake.functions.people;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.intake.application.Authenticator;
import dev.intake.application.ManagePeople;
import dev.intake.config.Services;
import dev.intake.http.ApiRequest;
import dev.intake.http.ApiResponse;
import dev.intake.http.ProxyStreamHandler;
import dev.intake.http.Credentials;
import dev.intake.http.Errors;
import dev.intake.http.Router;
import dev.intake.json.PersonJson;

/** The people API (API key): look a person up by email or id, and erase a person (GDPR). */
public final class PeopleHandler implements ProxyStreamHandler {
    static final String PEOPLE = "/api/workspaces/{workspaceId}/people";
    static final String PERSON = "/api/workspaces/{workspaceId}/people/{personId}";

    private final Authenticator auth;
    private final ManagePeople people;
    private final Router router;

    public PeopleHandler() {
        this(Services.get());
    }

    public PeopleHandler(Services services) {
        this.auth = services.authenticator;
        this.people = services.managePeople;
        this.router = new Router()
                .on("GET", PEOPLE, this::find)
                .on("DELETE", PERSON, this::erase);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return router.handle(event);
    }

    /** Tracking calls refuse longer identifiers, so no person has one (and DynamoDB keys could not hold it). */
    static final int MAX_IDENTIFIER_BYTES = 1024;

    private ApiResponse find(ApiRequest req) {
        String ws = workspace(req);
        for (String name : new String[] {"email", "id"}) {
            String v = req.query(name);
            if (v != null && v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_IDENTIFIER_BYTES) {
                return Errors.json(404, "not_found", "Person not found: '" + name + "' is longer than " + MAX_IDENTIFIER_BYTES
                        + " bytes, and no person's is", null);
            }
        }
        return ApiResponse.json(200, PersonJson.view(people.profile(ws, req.query("email"), req.query("id"))));
    }

    private ApiResponse erase(ApiRequest req) {
        people.erase(workspace(req), req.pathParam("personId"));
        return ApiResponse.empty(204);
    }

    private String workspace(ApiRequest req) {
        return auth.workspaceForApiKey(Credentials.apiKey(req), req.pathParam("workspaceId"));
    }
}
