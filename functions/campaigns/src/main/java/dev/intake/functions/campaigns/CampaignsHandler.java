package dev.intake.functions.campaigns;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.intake.application.Authenticator;
import dev.intake.application.ManageCampaigns;
import dev.intake.config.Services;
import dev.intake.http.ApiRequest;
import dev.intake.http.ApiResponse;
import dev.intake.http.ProxyStreamHandler;
import dev.intake.http.Bodies;
import dev.intake.http.Credentials;
import dev.intake.http.Errors;
import dev.intake.http.Idempotency;
import dev.intake.http.Router;
import dev.intake.json.CampaignJson;

/**
 * Management API for campaigns: list, create, get, patch, delete, list a campaign's deliveries, re-fire a
 * delivery. Requires an API key of the workspace.
 */
public final class CampaignsHandler implements ProxyStreamHandler {
    static final String CAMPAIGNS = "/api/workspaces/{workspaceId}/campaigns";
    static final String CAMPAIGN = "/api/workspaces/{workspaceId}/campaigns/{campaignId}";
    static final String DELIVERIES = "/api/workspaces/{workspaceId}/campaigns/{campaignId}/deliveries";
    static final String RETRY = "/api/workspaces/{workspaceId}/campaigns/{campaignId}/deliveries/{deliveryId}/retry";

    private final Authenticator auth;
    private final ManageCampaigns campaigns;
    private final Idempotency idempotency;
    private final Router router;

    public CampaignsHandler() {
        this(Services.get());
    }

    public CampaignsHandler(Services services) {
        this.auth = services.authenticator;
        this.campaigns = services.manageCampaigns;
        this.idempotency = services.idempotency;
        this.router = new Router()
                .on("GET", CAMPAIGNS, this::list)
                .on("POST", CAMPAIGNS, this::create)
                .on("GET", CAMPAIGN, this::get)
                .on("PATCH", CAMPAIGN, this::patch)
                .on("DELETE", CAMPAIGN, this::delete)
                .on("GET", DELIVERIES, this::deliveries)
                .on("POST", RETRY, this::retry);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return router.handle(event);
    }

    private ApiResponse list(ApiRequest req) {
        return ApiResponse.json(200, CampaignJson.list(campaigns.list(workspace(req))));
    }

    private ApiResponse create(ApiRequest req) {
        String ws = workspace(req);
        return idempotency.run(req, "campaigns#" + ws, r ->
                ApiResponse.json(201, CampaignJson.view(campaigns.create(ws, CampaignJson.parseDraft(Bodies.jsonObject(r)), r.idempotencyAttempt()))), Errors::toResponse);
    }

    private ApiResponse get(ApiRequest req) {
        return ApiResponse.json(200, CampaignJson.view(campaigns.get(workspace(req), req.pathParam("campaignId"))));
    }

    private ApiResponse patch(ApiRequest req) {
        String ws = workspace(req);
        return ApiResponse.json(200, CampaignJson.view(
                campaigns.patch(ws, req.pathParam("campaignId"), CampaignJson.parsePatch(Bodies.jsonObject(req)))));
    }

    private ApiResponse delete(ApiRequest req) {
        campaigns.delete(workspace(req), req.pathParam("campaignId"));
        return ApiResponse.empty(204);
    }

    private ApiResponse deliveries(ApiRequest req) {
        var page = campaigns.deliveries(workspace(req), req.pathParam("campaignId"), req.integerQuery("limit"), req.query("cursor"));
        return ApiResponse.json(200, CampaignJson.deliveryPage(page));
    }

    private ApiResponse retry(ApiRequest req) {
        String ws = workspace(req);
        return ApiResponse.json(202, CampaignJson.delivery(campaigns.retry(ws, req.pathParam("campaignId"), req.pathParam("deliveryId"))));
    }

    private String workspace(ApiRequest req) {
        return auth.workspaceForApiKey(Credentials.apiKey(req), req.pathParam("workspaceId"));
    }
}
