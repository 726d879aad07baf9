package dev.intake.functions.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.intake.application.CreateWorkspace;
import dev.intake.application.ManageKeys;
import dev.intake.config.Services;
import dev.intake.domain.IntakeException;
import dev.intake.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Operator commands, run with {@code sam remote invoke AdminFunction --event '{"command":…}'}:
 * {@code create-workspace}, {@code create-api-key}, {@code list-api-keys} and {@code revoke-api-key}. New
 * secrets are in the answer, once; errors answer {@code {"error":{"code","message"}}}. Logs name the command
 * and the workspace, never a secret.
 *
 * <p>The Lambda runtime calls the stream method (it prefers it when a class has both, as for
 * {@link dev.intake.http.ProxyStreamHandler}): the command is read and the answer written with Intake's own
 * Jackson, so the runtime's serializer (about 0.2 s of a cold start) is never loaded.
 */
public final class AdminHandler implements RequestHandler<Map<String, Object>, Map<String, Object>>, RequestStreamHandler {
    static final List<String> COMMANDS = List.of("create-workspace", "create-api-key", "list-api-keys", "revoke-api-key");
    private static final System.Logger LOG = System.getLogger("intake");

    private final CreateWorkspace createWorkspace;
    private final ManageKeys keys;

    public AdminHandler() {
        this(Services.get());
    }

    public AdminHandler(Services services) {
        this.createWorkspace = services.createWorkspace;
        this.keys = services.manageKeys;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Map<String, Object> answer;
        try {
            JsonNode event = Json.readTree(new String(input.readAllBytes(), StandardCharsets.UTF_8));
            if (event.isMissingNode() || event.isNull()) answer = handleRequest(Map.of(), context);
            else if (event.isObject()) answer = handleRequest(command(event), context);
            else answer = error(new IntakeException.Invalid("invalid_event", "The event must be a JSON object, such as " + EXAMPLE, List.of()));
        } catch (JacksonException malformed) {
            answer = error(new IntakeException.Invalid("invalid_event", "The event is not valid JSON; send a JSON object, such as " + EXAMPLE, List.of()));
        }
        output.write(Json.writeValues(answer).getBytes(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> command(JsonNode event) {
        return (Map<String, Object>) Json.plain(event);
    }

    private static final String EXAMPLE = "{\"command\":\"create-workspace\",\"name\":\"Acme\"}";

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Map<String, Object> in = input == null ? Map.of() : input;
        Object raw = in.get("command");
        String command = raw instanceof String c ? c.trim() : "";
        try {
            Map<String, Object> out = switch (command) {
                case "create-workspace" -> createWorkspace(in);
                case "create-api-key" -> createApiKey(in);
                case "list-api-keys" -> listApiKeys(in);
                case "revoke-api-key" -> revokeApiKey(in);
                default -> throw new IntakeException.Invalid("unknown_command",
                        (raw == null ? "Missing 'command'" : "Unknown command " + raw) + "; use one of " + COMMANDS, List.of("command"));
            };
            LOG.log(Level.INFO, "admin " + command + " " + out.get("workspaceId"));
            return out;
        } catch (IntakeException e) {
            LOG.log(Level.WARNING, "admin " + command + " failed: " + e.code());
            return error(e);
        }
    }

    private static Map<String, Object> error(IntakeException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", e.code());
        error.put("message", e.getMessage());
        if (e instanceof IntakeException.Invalid invalid && !invalid.fields().isEmpty()) error.put("fields", invalid.fields());
        return Map.of("error", error);
    }

    private Map<String, Object> createWorkspace(Map<String, Object> in) {
        String name = required(in, "name");
        var s = createWorkspace.create(name, new CreateWorkspace.Secrets(null, null, null, null, null));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workspaceId", s.workspaceId());
        out.put("name", name);
        out.put("siteId", s.siteId());
        out.put("trackKey", s.trackKey());
        out.put("writeKey", s.writeKey());
        out.put("apiKey", s.apiKey());
        return out;
    }

    private Map<String, Object> createApiKey(Map<String, Object> in) {
        String workspaceId = required(in, "workspaceId");
        var created = keys.createApiKey(workspaceId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workspaceId", workspaceId);
        out.put("apiKey", created.apiKey());
        out.putAll(view(created.key()));
        return out;
    }

    private Map<String, Object> listApiKeys(Map<String, Object> in) {
        String workspaceId = required(in, "workspaceId");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workspaceId", workspaceId);
        out.put("keys", keys.list(workspaceId).stream().map(AdminHandler::view).toList());
        return out;
    }

    private Map<String, Object> revokeApiKey(Map<String, Object> in) {
        String workspaceId = required(in, "workspaceId");
        String id = optional(in, "id");
        String prefix = optional(in, "prefix");
        if (id == null && prefix == null) {
            throw new IntakeException.Invalid("missing_field", "Name the key with 'id' (key_…) or 'prefix' (sk_live_…), as list-api-keys shows them",
                    List.of("id", "prefix"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workspaceId", workspaceId);
        out.putAll(view(keys.revokeApiKey(workspaceId, id != null ? id : prefix)));
        return out;
    }

    private static Map<String, Object> view(ManageKeys.KeyInfo k) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", k.id());
        out.put("prefix", k.prefix());
        out.put("kind", k.kind().name().toLowerCase(Locale.ROOT));
        out.put("revoked", k.revoked());
        out.put("createdAt", k.createdAt().toString());
        return out;
    }

    private static String required(Map<String, Object> in, String name) {
        String v = optional(in, name);
        if (v == null) throw new IntakeException.Invalid("missing_field", "'" + name + "' is required", List.of(name));
        return v;
    }

    /** A string member, trimmed; null when absent or blank. */
    private static String optional(Map<String, Object> in, String name) {
        Object v = in.get(name);
        if (v == null) return null;
        if (!(v instanceof String s)) throw new IntakeException.Invalid("invalid_field", "'" + name + "' must be a string", List.of(name));
        return s.isBlank() ? null : s.trim();
    }
}
