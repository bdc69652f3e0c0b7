package io.stowage.app.plugin;

import java.util.List;
import java.util.Optional;

/**
 * One plugin jar as the host found it.
 *
 * @param id the plugin id, or the jar's file name when the jar could not be read
 * @param version the plugin's version, or empty when unknown
 * @param state {@code started} or {@code failed}
 * @param extensions class names of the extensions the plugin contributes
 * @param error why the plugin failed, one line
 * @param warnings what is wrong with a plugin that still started (it bundles host packages, it
 *     contributes nothing), one line each
 */
public record PluginReport(
    String id, Optional<String> version, String state, List<String> extensions,
    Optional<String> error, List<String> warnings) {
  public PluginReport {
    extensions = List.copyOf(extensions);
    warnings = List.copyOf(warnings);
  }

  public boolean started() {
    return state.equals("started");
  }
}
