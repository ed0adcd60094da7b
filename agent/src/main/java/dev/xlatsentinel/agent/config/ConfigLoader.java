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
    /**
     * The largest file read (4 MiB, some 20000 sessions): a file copied over the config by
     * mistake must not fill the daemon's heap on reload (a 200 MB one ran it out of memory,
     * starved its BFD loop and flapped a working session).
     */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    private ConfigLoader() {
    }

    /** Loads and checks {@code file}; throws listing every error, or returns the checked config. */
    public static LoadedConfig load(Path file) throws ConfigException {
        byte[] content;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_BYTES + 1); // no size asked first: /dev/zero says 0
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, List.of(FieldError.of("", "no such file")));
        } catch (IOException e) {
            throw new ConfigException(file, List.of(FieldError.of("", "cannot read: " + e.getMessage())));
        }
        if (content.length > MAX_BYTES) {
            throw new ConfigException(file, List.of(FieldError.of("", "larger than " + MAX_BYTES / (1024 * 1024)
                    + " MiB, not read (a config is at most " + MAX_BYTES + " bytes: is this the right file?)")));
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
