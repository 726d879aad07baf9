package dev.intake.functions.action;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.intake.application.Authenticator;
import dev.intake.application.ConfirmConsent;
import dev.intake.application.SubmitForm;
import dev.intake.application.SubmitForm.Checks;
import dev.intake.config.Services;
import dev.intake.domain.Form;
import dev.intake.domain.Redirects;
import dev.intake.domain.Source;
import dev.intake.domain.SubmissionMetadata;
import dev.intake.domain.Workspace;
import dev.intake.http.ApiRequest;
import dev.intake.http.ApiResponse;
import dev.intake.http.ProxyStreamHandler;
import dev.intake.http.Bodies;
import dev.intake.http.Idempotency;
import dev.intake.http.Pages;
import dev.intake.http.Router;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The pages a browser reaches without JavaScript: the action URL that plain HTML forms post to
 * ({@code POST /forms/submit_action?site_id=…&form_id=…&success_url=…}, answered with a 303), the built-in
 * thank-you page, and the double opt-in confirmation link. Every error is an HTML page.
 */
public final class ActionHandler implements ProxyStreamHandler {
    static final String ACTION = "/forms/submit_action";
    static final String THANK_YOU = "/forms/thank_you";
    static final String CONFIRM = "/api/consent/confirm";

    private final Authenticator auth;
    private final SubmitForm submitForm;
    private final ConfirmConsent confirmConsent;
    private final Idempotency idempotency;
    private final Router router;

    public ActionHandler() {
        this(Services.get());
    }

    public ActionHandler(Services services) {
        this.auth = services.authenticator;
        this.submitForm = services.submitForm;
        this.confirmConsent = services.confirmConsent;
        this.idempotency = services.idempotency;
        this.router = new Router()
                .on("POST", ACTION, html(this::submit))
                .on("GET", THANK_YOU, html(this::thankYou))
                .on("GET", CONFIRM, html(this::confirm));
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return router.handle(event);
    }

    private ApiResponse submit(ApiRequest req) {
        Workspace ws = auth.workspaceForPublicSite(req.query("site_id"));
        String formId = req.query("form_id");
        return idempotency.run(req, "action#" + ws.id() + "#" + formId, r -> {
            Form form = submitForm.siteForm(ws, formId);
            var metadata = new SubmissionMetadata(r.sourceIp(), r.header("User-Agent"), r.header("Referer"), Source.ACTION);
            submitForm.submit(form, Bodies.formValues(r), metadata, Checks.PUBLIC, r.idempotencyAttempt());
            return Redirects.target(r.query("success_url"), form.settings(), ws, r.header("Origin"), r.header("Referer"))
                    .map(ApiResponse::seeOther)
                    .orElseGet(() -> ApiResponse.seeOther(thankYouLocation(ws, form)));
        }, e -> Pages.error(e, backLink(req)));
    }

    /** Relative, so it resolves under the API's stage path when deployed and at the root locally. */
    private static String thankYouLocation(Workspace ws, Form form) {
        return "thank_you?site_id=" + enc(ws.siteId()) + "&form_id=" + enc(form.id());
    }

    private ApiResponse thankYou(ApiRequest req) {
        String message = null;
        try {
            Workspace ws = auth.workspaceForPublicSite(req.query("site_id"));
            message = submitForm.siteFormIfExists(ws, req.query("form_id")).map(f -> f.settings().successMessage()).orElse(null);
        } catch (RuntimeException e) {
            // The thank-you page never fails: without a form it shows the default message.
        }
        return Pages.thankYou(message);
    }

    private ApiResponse confirm(ApiRequest req) {
        return confirmConsent.confirm(req.query("token"), req.sourceIp())
                .flatMap(form -> Redirects.webUrl(form.settings().redirectUrl()))
                .map(url -> ApiResponse.seeOther(url.toASCIIString()))
                .orElseGet(Pages::confirmed);
    }

    /** Every failure of a browser route is an HTML page with a link back. */
    private static Function<ApiRequest, ApiResponse> html(Function<ApiRequest, ApiResponse> route) {
        return req -> {
            try {
                return route.apply(req);
            } catch (RuntimeException e) {
                return Pages.error(e, backLink(req));
            }
        };
    }

    private static String backLink(ApiRequest req) {
        return Redirects.backLink(req.header("Referer"), req.header("Origin"));
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }
}
