package dev.intake.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One tracking call (Segment's spec, as Customer.io Data Pipelines takes it): identify, track, page,
 * screen, group or alias. {@code receivedAt} is set by Intake, and {@code timestamp} is already corrected
 * for the sender's clock skew. Maps hold plain values: strings, {@link java.math.BigDecimal}s, booleans,
 * nulls, lists and maps.
 */
public record TrackCall(Type type, String messageId, String userId, String anonymousId, String previousId,
                        String groupId, String objectTypeId, String event, String name,
                        Map<String, Object> traits, Map<String, Object> properties, Map<String, Object> context,
                        Map<String, Object> integrations, Instant timestamp, Instant sentAt, Instant receivedAt,
                        Object version) {

    /** {@code objectTypeId} when neither the call nor its traits name one. */
    public static final String DEFAULT_OBJECT_TYPE = "1";

    public enum Type {
        IDENTIFY, TRACK, PAGE, SCREEN, GROUP, ALIAS;

        public String wireName() { return name().toLowerCase(Locale.ROOT); }

        /** The type a call names, or null when it names none Intake knows. */
        public static Type parse(String s) {
            for (Type t : values()) if (t.wireName().equals(s)) return t;
            return null;
        }
    }

    /**
     * The time the sender stamped on the call, before the skew correction: the same on every retry of the
     * call, so the event's id is too. Without a {@code timestamp} or {@code sentAt} it is the receive time.
     */
    public Instant sentTimestamp() {
        return sentAt == null || receivedAt == null ? timestamp : timestamp.plus(java.time.Duration.between(receivedAt, sentAt));
    }

    public TrackCall {
        traits = traits == null ? Map.of() : traits;
        properties = properties == null ? Map.of() : properties;
        context = context == null ? Map.of() : context;
        integrations = integrations == null ? Map.of() : integrations;
    }

    /** The group's object type: {@code objectTypeId}, else {@code traits.object_type_id}, else "1". */
    public String groupObjectType() {
        if (objectTypeId != null && !objectTypeId.isBlank()) return objectTypeId;
        Object t = traits.get("object_type_id");
        return t == null || String.valueOf(t).isBlank() ? DEFAULT_OBJECT_TYPE
                : t instanceof java.math.BigDecimal n ? n.stripTrailingZeros().toPlainString() : String.valueOf(t);
    }

    /**
     * What the call lacks: {@code userId} or {@code anonymousId} on every call but alias, which needs
     * {@code previousId} and {@code userId}; {@code event} on track, {@code groupId} on group, {@code name}
     * on screen. Empty when the call is complete.
     */
    public List<String> missing() {
        List<String> out = new ArrayList<>();
        if (type == Type.ALIAS) {
            if (blank(previousId)) out.add("previousId");
            if (blank(userId)) out.add("userId");
            return out;
        }
        if (blank(userId) && blank(anonymousId)) out.add("userId or anonymousId");
        switch (type) {
            case TRACK -> { if (blank(event)) out.add("event"); }
            case GROUP -> { if (blank(groupId)) out.add("groupId"); }
            case SCREEN -> { if (blank(name)) out.add("name"); }
            default -> { }
        }
        return out;
    }

    private static boolean blank(String s) { return s == null || s.isBlank(); }
}
