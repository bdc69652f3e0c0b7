package io.stowage.api.disk;


/**
 * Something about a disk image that makes it unsafe to accept as it is.
 *
 * @param check a stable, machine-readable name (for example {@code parent_reference},
 *     {@code log_replay_needed}, {@code corruption})
 * @param message one line for a person
 */
public record SafetyFinding(String check, String message) {}
