package dev.intake.functions.track;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.Authenticator;
import dev.intake.application.Track;
import dev.intake.config.Services;
import dev.intake.domain.TrackCall;
import dev.intake.http.ApiRequest;
import dev.intake.http.ApiResponse;
import dev.intake.http.ProxyStreamHandler;
import dev.intake.http.Bodies;
import dev.intake.http.Credentials;
import dev.intake.http.Router;
import dev.intake.json.Json;
import dev.intake.json.TrackingJson;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * Segment-style tracking calls (Customer.io Data Pipelines' HTTP source, seed 002): identify, track,
 * page, screen, group, alias, and batch (also as {@code /v1/import}). Auth is the write key, as HTTP Basic
 * {@code write_key:} or {@code writeKey} in the body. Success is always {@code 200 {"success":true}}:
 * the real clients treat an empty 200 as a failure.
 */
public final class TrackHandler implements ProxyStreamHandler {
    private final Authenticator auth;
    private final Track track;
    private final Clock clock;
    private final Router router;

    public TrackHandler() {
        this(Services.get());
    }

    public TrackHandler(Services services) {
        this.auth = services.authenticator;
        this.track = services.track;
        this.clock = services.clock;
        Router r = new Router();
        for (TrackCall.Type type : TrackCall.Type.values()) r.on("POST", "/v1/" + type.wireName(), req -> single(req, type));
        this.router = r.on("POST", "/v1/batch", this::batch).on("POST", "/v1/import", this::batch);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return router.handle(event);
    }

    private ApiResponse single(ApiRequest req, TrackCall.Type type) {
        return handle(req, TrackingJson.MAX_MESSAGE_BYTES, "message_too_large", body -> TrackingJson.single(body, type, clock.instant()));
    }

    private ApiResponse batch(ApiRequest req) {
        return handle(req, TrackingJson.MAX_BATCH_BYTES, "batch_too_large", body -> TrackingJson.batch(body, clock.instant()));
    }

    /** A key in the Basic header is checked before the body is read; else the body's {@code writeKey} is. */
    private ApiResponse handle(ApiRequest req, int maxBytes, String limitName, Function<JsonNode, List<TrackCall>> parse) {
        String basicKey = basicKey(req);
        String workspace = basicKey == null ? null : auth.workspaceForWriteKey(basicKey);
        JsonNode body = Bodies.trackingJson(req, maxBytes, limitName);
        if (workspace == null) workspace = auth.workspaceForWriteKey(TrackingJson.writeKey(body));
        track.handle(workspace, parse.apply(body));
        return ApiResponse.json(200, Json.object().put("success", true));
    }

    /** HTTP Basic's user name is the write key; the password is empty. */
    private static String basicKey(ApiRequest req) {
        String[] basic = Credentials.basic(req);
        return basic == null || basic[0].isBlank() ? null : basic[0];
    }
}
