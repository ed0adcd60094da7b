package dev.xlatsentinel.agent.config;

import dev.xlatsentinel.platform.config.ConfigReader;
import dev.xlatsentinel.platform.config.FieldError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The config pipeline for a file (YAML, or JSON, which is YAML too), used alike by
 * {@code run}, {@code reload} and {@code check-config}:
 * <ol>
 * <li>bind: the file becomes typed records ({@link AgentConfig} and below: addresses,
 *     prefixes, HOST:PORT and durations are parsed here, once), the defaults filled in by
 *     each record as it is made; every unknown key, repeated key, wrong type and refused
 *     value is an error, and binding goes on past it ({@link ConfigReader});</li>
 * <li>check: what spans fields ({@link ConfigValidator}: references resolve, ranges hold,
 *     key files are safe), on the bound records;</li>
 * <li>all errors of both, each with path, line, column and reason, in file order; a file
 *     with any error is rejected whole.</li>
 * </ol>
 */
public final class ConfigLoader {
    private static final ConfigReader READER = new ConfigReader();

    private ConfigLoader() {
    }

    /** Loads and checks {@code file}; throws listing every error, or returns the checked config. */
    public static LoadedConfig load(Path file) throws ConfigException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, List.of(FieldError.of("", "no such file")));
        } catch (IOException e) {
            throw new ConfigException(file, List.of(FieldError.of("", "cannot read: " + e.getMessage())));
        }
        return load(file, content);
    }

    static LoadedConfig load(Path file, byte[] content) throws ConfigException {
        ConfigReader.Result<AgentConfig> bound = READER.read(content, AgentConfig.class);
        if (bound.value() == null) {
            throw new ConfigException(file, bound.errors());
        }
        ConfigValidator.Result checked = ConfigValidator.validate(bound.value());
        List<FieldError> errors = bound.with(checked.errors()).errors();
        if (!errors.isEmpty()) {
            throw new ConfigException(file, errors);
        }
        return new LoadedConfig(file, bound.value(), checked.bfdSessions());
    }
}
