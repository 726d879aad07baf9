package dev.intake.domain;

/** {@code NEEDS_MAPPING}: no field maps to an identifier yet, so submissions cannot reach a person. */
public enum FormStatus { ACTIVE, NEEDS_MAPPING }
