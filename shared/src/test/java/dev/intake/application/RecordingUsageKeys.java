package dev.intake.application;

import dev.intake.application.port.UsageKeys;
import dev.intake.domain.UsageKey;
import java.util.ArrayList;
import java.util.List;

/** {@link UsageKeys} that hands out numbered keys and records every call; {@link #failing} makes register throw. */
final class RecordingUsageKeys implements UsageKeys {
    final List<String> registered = new ArrayList<>();
    final List<UsageKey> issued = new ArrayList<>();
    final List<UsageKey> disabled = new ArrayList<>();
    RuntimeException failing;

    @Override
    public UsageKey register(String workspaceId, String keyPrefix) {
        if (failing != null) throw failing;
        registered.add(workspaceId + " " + keyPrefix);
        UsageKey key = new UsageKey("id" + issued.size(), "uk_test_" + issued.size());
        issued.add(key);
        return key;
    }

    @Override
    public void disable(UsageKey key) {
        disabled.add(key);
    }
}
