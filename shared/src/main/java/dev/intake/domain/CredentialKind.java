package dev.intake.domain;

/** The secrets a workspace holds: management API keys, the site's track key, the tracking write key. */
public enum CredentialKind { API_KEY, TRACK_KEY, WRITE_KEY }
