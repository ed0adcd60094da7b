package dev.xlatsentinel.translator.config;

import java.util.Map;

/**
 * The translator part of the agent's config: instances by name. The agent binds its YAML
 * onto these records with the platform's {@code ConfigReader} (typed addresses, prefixes and
 * durations; defaults filled by the records) and checks them with
 * {@link ConfigValidator#validate(TranslatorConfig)} before anything starts.
 */
public record TranslatorConfig(Map<String, InstanceSpec> instances) {
}
