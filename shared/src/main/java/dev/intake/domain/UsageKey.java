package dev.intake.domain;

/**
 * The API Gateway API key that meters one management API key in the usage plan (throttle and quota per key).
 * With the API's key source set to {@code AUTHORIZER}, API Gateway never reads a key value from a request: it
 * only counts requests against the key the authorizer names. The value therefore grants nothing and is stored
 * as it is.
 *
 * @param id API Gateway's id of the key (needed to disable it), or null where there is no API Gateway
 * @param value the key's value, which the authorizer returns as {@code usageIdentifierKey}
 */
public record UsageKey(String id, String value) {
    public UsageKey {
        if (value == null || value.isBlank()) throw new IllegalArgumentException("a usage key needs a value");
    }
}
