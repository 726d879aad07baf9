package dev.intake.functions.submit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.intake.application.Authenticator;
import dev.intake.application.SubmitForm;
import dev.intake.application.SubmitForm.Checks;
import dev.intake.config.Services;
import dev.intake.domain.Form;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Source;
import dev.intake.domain.SubmissionMetadata;
import dev.intake.domain.Workspace;
import dev.intake.http.ApiRequest;
import dev.intake.http.ApiResponse;
import dev.intake.http.ProxyStreamHandler;
import dev.intake.http.Bodies;
import dev.intake.http.Cors;
import dev.intake.http.Credentials;
import dev.intake.http.Errors;
import dev.intake.http.Idempotency;
import dev.intake.http.Router;
import dev.intake.json.Json;
import java.util.Map;

/**
 * JSON submits: the public, CORS-enabled {@code POST /api/forms/{formId}/submit} (flat JSON or
 * urlencoded), and Customer.io's backend {@code POST /api/v1/forms/{form_id}/submit} with
 * {@code {"data":{…}}} and HTTP Basic {@code site_id:track_key}.
 */
public final class SubmitHandler implements ProxyStreamHandler {
    static final String PUBLIC = "/api/forms/{formId}/submit";
    static final String BACKEND = "/api/v1/forms/{form_id}/submit";

    private final SubmitForm submitForm;
    private final Authenticator auth;
    private final Idempotency idempotency;
    private final Router router;

    public SubmitHandler() {
        this(Services.get());
    }

    public SubmitHandler(Services services) {
        this.submitForm = services.submitForm;
        this.auth = services.authenticator;
        this.idempotency = services.idempotency;
        this.router = new Router()
                .on("POST", PUBLIC, this::publicSubmit)
                .on("OPTIONS", PUBLIC, this::preflight)
                .on("POST", BACKEND, this::backendSubmit);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return router.handle(event);
    }

    private ApiResponse publicSubmit(ApiRequest req) {
        Map<String, String> cors = Cors.headers(req, null);
        try {
            Form form = submitForm.publicForm(req.pathParam("formId"));
            cors = Cors.headers(req, form.settings());
            form.settings().requireOrigin(req.header("Origin"));
            return idempotency.run(req, "public#" + form.key(), r -> {
                var metadata = new SubmissionMetadata(r.sourceIp(), r.header("User-Agent"), r.header("Referer"), Source.FORM);
                var outcome = submitForm.submit(form, Bodies.flatValues(r), metadata, Checks.PUBLIC, r.idempotencyAttempt());
                return ApiResponse.json(201, Json.object().put("success", true).put("submissionId", outcome.submissionId()));
            }, Errors::toResponse).headers(cors);
        } catch (RuntimeException e) {
            return Errors.toResponse(e).headers(cors);
        }
    }

    private ApiResponse preflight(ApiRequest req) {
        Form form = null;
        try {
            form = submitForm.publicForm(req.pathParam("formId"));
        } catch (IntakeException.NotFound e) {
            // Let the browser send the POST, whose 404 it can then read.
        }
        return ApiResponse.empty(204).headers(Cors.headers(req, form == null ? null : form.settings()));
    }

    private ApiResponse backendSubmit(ApiRequest req) {
        String[] basic = Credentials.basic(req);
        Workspace ws = auth.workspaceForSite(basic == null ? null : basic[0], basic == null ? null : basic[1]);
        String formId = req.pathParam("form_id");
        return idempotency.run(req, "backend#" + ws.id() + "#" + formId, r -> {
            Map<String, Object> data = Bodies.dataObject(r);
            Form form = submitForm.siteForm(ws, formId);
            var metadata = new SubmissionMetadata(r.sourceIp(), r.header("User-Agent"), r.header("Referer"), Source.API);
            submitForm.submit(form, data, metadata, Checks.BACKEND, r.idempotencyAttempt());
            return ApiResponse.empty(204);
        }, Errors::toResponse);
    }
}
