package dev.xlatsentinel.translator.config;

import java.util.Map;

/**
 * The translator part of the agent's config: instances by name. The agent binds its YAML
 * onto these records (Jackson, with the JavaTimeModule for {@code java.time.Duration}
 * fields) and passes them to {@link ConfigValidator#check(TranslatorConfig)} before
 * anything starts.
 */
public record TranslatorConfig(Map<String, InstanceSpec> instances) {
}
