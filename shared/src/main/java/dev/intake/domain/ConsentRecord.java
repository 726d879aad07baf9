package dev.intake.domain;

import java.time.Instant;

/** Proof of how and when consent was given. */
public record ConsentRecord(ConsentState state, Instant at, String ip, String formId, Source source) {}
