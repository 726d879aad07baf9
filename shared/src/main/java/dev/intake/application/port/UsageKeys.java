package dev.intake.application.port;

import dev.intake.domain.Ids;
import dev.intake.domain.UsageKey;

/**
 * The usage-plan keys that meter management API keys (throttle and quota per key). In AWS each is an API
 * Gateway API key attached to the stack's usage plan; where there is no API Gateway (the local stack, tests)
 * {@link #unmetered()} only makes up values.
 */
public interface UsageKeys {
    /**
     * Creates an enabled usage key with a fresh random value for the API key {@code keyPrefix} of
     * {@code workspaceId}, attached to the usage plan.
     */
    UsageKey register(String workspaceId, String keyPrefix);

    /** Stops the key from being accepted; disabling a disabled or deleted key is not an error. */
    void disable(UsageKey key);

    /** Usage keys with no API Gateway behind them: values only, nothing to disable. */
    static UsageKeys unmetered() {
        return new UsageKeys() {
            @Override
            public UsageKey register(String workspaceId, String keyPrefix) {
                return new UsageKey(null, Ids.usageKey());
            }

            @Override
            public void disable(UsageKey key) {
                // nothing meters the key, so nothing stops metering it
            }
        };
    }
}
