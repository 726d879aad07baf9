package dev.intake.http;

import dev.intake.domain.IntakeException;

/**
 * The few HTML pages a browser can land on: the built-in thank-you page, the consent confirmation, and
 * error pages. Every value is escaped; error pages show the safe message of an {@link IntakeException}
 * and never an internal one.
 */
public final class Pages {
    private Pages() {}

    public static ApiResponse thankYou(String message) {
        return ApiResponse.html(200, page("Thank you", "Thank you!",
                message == null || message.isBlank() ? "Your submission was received." : message, null));
    }

    public static ApiResponse confirmed() {
        return ApiResponse.html(200, page("Subscription confirmed", "You're confirmed",
                "Thanks for confirming your subscription.", null));
    }

    /** An error page for {@code t}, with a link back to the page the visitor came from, if any. */
    public static ApiResponse error(Throwable t, String backLink) {
        ApiResponse json = Errors.toResponse(t);
        String message = t instanceof IntakeException e ? e.getMessage() : "Something went wrong on our side. Please try again later.";
        String title = switch (json.status()) {
            case 404 -> "Not found";
            case 413 -> "Submission too large";
            case 429 -> "Too many submissions";
            case 503 -> "Please try again";
            default -> json.status() >= 500 ? "Something went wrong" : "Your submission could not be accepted";
        };
        ApiResponse html = ApiResponse.html(json.status(), page(title, title, message, backLink));
        String retryAfter = json.headers().get("Retry-After");
        if (retryAfter != null) html.header("Retry-After", retryAfter);
        return html;
    }

    static String page(String title, String heading, String message, String backLink) {
        StringBuilder b = new StringBuilder(512)
                .append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"referrer\" content=\"no-referrer\"><title>").append(escape(title)).append("</title>")
                .append("<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}</style>")
                .append("</head><body><h1>").append(escape(heading)).append("</h1><p>").append(escape(message)).append("</p>");
        if (backLink != null) b.append("<p><a href=\"").append(escape(backLink)).append("\">Go back</a></p>");
        return b.append("</body></html>\n").toString();
    }

    /** Escapes text for HTML element content and double-quoted attribute values. */
    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
