package dev.intake.domain;

/** A person's membership of an object (a group call): a company, an account, a course. */
public record Relationship(String objectTypeId, String objectId) {}
