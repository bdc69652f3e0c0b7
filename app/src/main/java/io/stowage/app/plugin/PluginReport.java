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
 */
public record PluginReport(
    String id, Optional<String> version, String state, List<String> extensions,
    Optional<String> error) {
  public PluginReport {
    extensions = List.copyOf(extensions);
  }

  public boolean started() {
    return state.equals("started");
  }
}
