package dev.intake.functions.submissions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.intake.application.Authenticator;
import dev.intake.application.ManageSubmissions;
import dev.intake.config.Services;
import dev.intake.http.ApiRequest;
import dev.intake.http.ApiResponse;
import dev.intake.http.ProxyStreamHandler;
import dev.intake.http.Bodies;
import dev.intake.http.Credentials;
import dev.intake.http.Errors;
import dev.intake.http.Idempotency;
import dev.intake.http.Router;
import dev.intake.json.Json;
import dev.intake.json.SubmissionJson;

/**
 * The submissions API (seed 001) for backends with an API key: list a form's submissions with cursors,
 * read one, create one on a user's behalf, delete one. The form must belong to the key's workspace.
 */
public final class SubmissionsHandler implements ProxyStreamHandler {
    static final String SUBMISSIONS = "/v1/forms/{id}/submissions";
    static final String SUBMISSION = "/v1/forms/{id}/submissions/{submission_id}";

    private final Authenticator auth;
    private final ManageSubmissions submissions;
    private final Idempotency idempotency;
    private final Router router;

    public SubmissionsHandler() {
        this(Services.get());
    }

    public SubmissionsHandler(Services services) {
        this.auth = services.authenticator;
        this.submissions = services.manageSubmissions;
        this.idempotency = services.idempotency;
        this.router = new Router()
                .on("GET", SUBMISSIONS, this::list)
                .on("POST", SUBMISSIONS, this::create)
                .on("GET", SUBMISSION, this::get)
                .on("DELETE", SUBMISSION, this::delete);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return router.handle(event);
    }

    private ApiResponse list(ApiRequest req) {
        var query = new ManageSubmissions.Query(req.integerQuery("limit"), req.query("cursor"),
                req.query("created_after"), req.query("created_before"));
        var page = submissions.list(workspace(req), req.pathParam("id"), query);
        var body = Json.object();
        var data = body.putArray("data");
        page.data().forEach(s -> data.add(SubmissionJson.view(s)));
        body.put("next_cursor", page.nextCursor());
        body.put("has_more", page.hasMore());
        return ApiResponse.json(200, body);
    }

    private ApiResponse create(ApiRequest req) {
        String ws = workspace(req);
        String formId = req.pathParam("id");
        return idempotency.run(req, "api#" + ws + "#" + formId, r ->
                ApiResponse.json(201, SubmissionJson.view(submissions.create(ws, formId, Bodies.dataObject(r), r.idempotencyAttempt()))), Errors::toResponse);
    }

    private ApiResponse get(ApiRequest req) {
        return ApiResponse.json(200, SubmissionJson.view(submissions.get(workspace(req), req.pathParam("id"), req.pathParam("submission_id"))));
    }

    private ApiResponse delete(ApiRequest req) {
        submissions.delete(workspace(req), req.pathParam("id"), req.pathParam("submission_id"));
        return ApiResponse.empty(204);
    }

    private String workspace(ApiRequest req) {
        return auth.workspaceForApiKey(Credentials.apiKey(req));
    }
}
