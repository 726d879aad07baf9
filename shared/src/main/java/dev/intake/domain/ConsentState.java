package dev.intake.domain;

/** {@code PENDING} while a double opt-in confirmation is outstanding. */
public enum ConsentState { OPTED_IN, PENDING }
