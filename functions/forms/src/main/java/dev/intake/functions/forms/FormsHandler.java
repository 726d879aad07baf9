package dev.intake.functions.forms;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.intake.application.Authenticator;
import dev.intake.application.ManageForms;
import dev.intake.config.Services;
import dev.intake.http.ApiRequest;
import dev.intake.http.ApiResponse;
import dev.intake.http.ProxyStreamHandler;
import dev.intake.http.Bodies;
import dev.intake.http.Credentials;
import dev.intake.http.Errors;
import dev.intake.http.Idempotency;
import dev.intake.http.Router;
import dev.intake.json.FormJson;
import dev.intake.json.Json;

/** Management API for forms: list, create, get, patch, delete. Requires an API key of the workspace. */
public final class FormsHandler implements ProxyStreamHandler {
    static final String FORMS = "/api/workspaces/{workspaceId}/forms";
    static final String FORM = "/api/workspaces/{workspaceId}/forms/{formId}";

    private final Authenticator auth;
    private final ManageForms forms;
    private final Idempotency idempotency;
    private final Router router;

    public FormsHandler() {
        this(Services.get());
    }

    public FormsHandler(Services services) {
        this.auth = services.authenticator;
        this.forms = services.manageForms;
        this.idempotency = services.idempotency;
        this.router = new Router()
                .on("GET", FORMS, this::list)
                .on("POST", FORMS, this::create)
                .on("GET", FORM, this::get)
                .on("PATCH", FORM, this::patch)
                .on("DELETE", FORM, this::delete);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return router.handle(event);
    }

    private ApiResponse list(ApiRequest req) {
        var list = forms.list(workspace(req), req.integerQuery("page"), req.integerQuery("limit"));
        var body = Json.object();
        var data = body.putArray("data");
        list.data().forEach(v -> data.add(FormJson.view(v)));
        body.putObject("pagination").put("page", list.page()).put("limit", list.limit())
                .put("total", list.total()).put("totalPages", list.totalPages());
        return ApiResponse.json(200, body);
    }

    private ApiResponse create(ApiRequest req) {
        String ws = workspace(req);
        return idempotency.run(req, "forms#" + ws, r ->
                ApiResponse.json(201, FormJson.view(forms.create(ws, FormJson.parseDraft(Bodies.jsonObject(r)), r.idempotencyAttempt()))), Errors::toResponse);
    }

    private ApiResponse get(ApiRequest req) {
        return ApiResponse.json(200, FormJson.view(forms.get(workspace(req), req.pathParam("formId"))));
    }

    private ApiResponse patch(ApiRequest req) {
        String ws = workspace(req);
        return ApiResponse.json(200, FormJson.view(forms.patch(ws, req.pathParam("formId"), FormJson.parsePatch(Bodies.jsonObject(req)))));
    }

    private ApiResponse delete(ApiRequest req) {
        forms.delete(workspace(req), req.pathParam("formId"));
        return ApiResponse.empty(204);
    }

    private String workspace(ApiRequest req) {
        return auth.workspaceForApiKey(Credentials.apiKey(req), req.pathParam("workspaceId"));
    }
}
