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

    private ApiResponse find(ApiRequest req) {
        return ApiResponse.json(200, PersonJson.view(people.profile(workspace(req), req.query("email"), req.query("id"))));
    }

    private ApiResponse erase(ApiRequest req) {
        people.erase(workspace(req), req.pathParam("personId"));
        return ApiResponse.empty(204);
    }

    private String workspace(ApiRequest req) {
        return auth.workspaceForApiKey(Credentials.apiKey(req), req.pathParam("workspaceId"));
    }
}
