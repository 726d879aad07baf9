package dev.intake.http;

/** Where callers put their secrets. */
public final class Credentials {
    private Credentials() {}

    /** {@code Authorization: Bearer sk_…}, else {@code x-api-key: sk_…}; null when neither is sent. */
    public static String apiKey(ApiRequest req) {
        return apiKey(req::header);
    }

    /**
     * The same, from any request's headers: {@code header} looks a header up by name, ignoring case (the
     * request authorizer reads them from its own event).
     */
    public static String apiKey(java.util.function.UnaryOperator<String> header) {
        String auth = header.apply("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).trim();
        return header.apply("x-api-key");
    }

    /** HTTP Basic {@code user:password}, or null when the header is absent or not Basic. */
    public static String[] basic(ApiRequest req) {
        String auth = req.header("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        String decoded;
        try {
            decoded = new String(java.util.Base64.getDecoder().decode(auth.substring(6).trim()), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? new String[] {decoded, ""} : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }
}
