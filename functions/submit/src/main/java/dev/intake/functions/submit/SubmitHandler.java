package dev.intake.functions.submit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.intake.application.SubmitForm;
import dev.intake.config.Services;
import dev.intake.domain.Form;
import dev.intake.domain.IntakeException;
import dev.intake.domain.Source;
import dev.intake.domain.Submission;
import dev.intake.domain.SubmissionMetadata;
import dev.intake.http.ApiRequest;
import dev.intake.http.ApiResponse;
import dev.intake.http.Bodies;
import dev.intake.http.Cors;
import dev.intake.http.Errors;
import dev.intake.http.Router;
import dev.intake.json.Json;
import java.util.Map;

/** Public submit: {@code POST /api/forms/{formId}/submit} with flat JSON or an urlencoded body. */
public final class SubmitHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    static final String ROUTE = "/api/forms/{formId}/submit";

    private final SubmitForm submitForm;
    private final Router router;

    public SubmitHandler() {
        this(Services.get());
    }

    public SubmitHandler(Services services) {
        this.submitForm = services.submitForm;
        this.router = new Router().on("POST", ROUTE, this::submit).on("OPTIONS", ROUTE, this::preflight);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return router.handle(event);
    }

    private ApiResponse submit(ApiRequest req) {
        Map<String, String> cors = Cors.headers(req, null);
        try {
            Form form = submitForm.publicForm(req.pathParam("formId"));
            cors = Cors.headers(req, form.settings());
            form.settings().requireOrigin(req.header("Origin"));
            var metadata = new SubmissionMetadata(req.sourceIp(), req.header("User-Agent"), req.header("Referer"), Source.FORM);
            Submission s = submitForm.submit(form, Bodies.flatValues(req), metadata);
            var body = Json.object().put("success", true).put("submissionId", s.id());
            return ApiResponse.json(201, body).headers(cors);
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
}
