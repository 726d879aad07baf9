package dev.intake.http;

/** Where callers put their secrets. */
public final class Credentials {
    private Credentials() {}

    /** {@code Authorization: Bearer sk_…}, else {@code x-api-key: sk_…}; null when neither is sent. */
    public static String apiKey(ApiRequest req) {
        String auth = req.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).trim();
        return req.header("x-api-key");
    }
}
