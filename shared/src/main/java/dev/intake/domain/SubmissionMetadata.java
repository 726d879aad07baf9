package dev.intake.domain;

/** Request context captured at submission time; all but {@code source} may be null. */
public record SubmissionMetadata(String ip, String userAgent, String referrer, Source source) {}
