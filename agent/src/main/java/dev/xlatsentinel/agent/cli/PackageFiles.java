package dev.xlatsentinel.agent.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Build step, not a command: writes the files the Debian package needs that come from the
 * CLI itself, so they never drift from it: the man page {@code xlat-sentinel(1)} (troff, from
 * picocli's model of every command and option), bash completion (picocli's
 * {@link AutoComplete}), and the changelog with the package's version, gzipped at the highest
 * level without a timestamp (reproducible, as Debian policy wants).
 *
 * <p>{@code PackageFiles OUTDIR PROJECT-VERSION TIMESTAMP CHANGELOG-TEMPLATE}: the Debian version is
 * the project's with {@code -SNAPSHOT} replaced by {@code ~TIMESTAMP}, as jdeb makes it from
 * the same timestamp ({@code yyyyMMddHHmmss}, UTC).
 */
public final class PackageFiles {
    private PackageFiles() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: PackageFiles OUTDIR PROJECT-VERSION TIMESTAMP CHANGELOG-TEMPLATE");
        }
        Path out = Path.of(args[0]);
        String version = debianVersion(args[1], args[2]);
        java.time.ZonedDateTime built = java.time.LocalDateTime.parse(args[2],
                java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss")).atZone(java.time.ZoneOffset.UTC);
        CommandLine cli = new CommandLine(new Main());
        Files.createDirectories(out.resolve("man"));
        Files.createDirectories(out.resolve("completion"));
        Files.createDirectories(out.resolve("doc"));
        gzip(out.resolve("man/xlat-sentinel.1.gz"), manPage(cli.getCommandSpec(), version,
                built.toLocalDate().toString()));
        // A completion file is sourced, not run: no "#!" line.
        String completion = AutoComplete.bash("xlat-sentinel", cli);
        if (completion.startsWith("#!")) {
            completion = completion.substring(completion.indexOf('\n') + 1);
        }
        Files.writeString(out.resolve("completion/xlat-sentinel"), completion);
        String changelog = Files.readString(Path.of(args[3])).replace("[[version]]", version)
                .replace("[[date]]", java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z",
                        Locale.ROOT).format(built));
        gzip(out.resolve("doc/changelog.gz"), changelog);
    }

    /** 0.1.0-SNAPSHOT built at 20261207020153 is 0.1.0~20261207020153; a release keeps its version. */
    static String debianVersion(String projectVersion, String timestamp) {
        return projectVersion.endsWith("-SNAPSHOT")
                ? projectVersion.substring(0, projectVersion.length() - "-SNAPSHOT".length()) + "~" + timestamp
                : projectVersion;
    }

    /** The man page: NAME, SYNOPSIS, DESCRIPTION, one subsection per command, FILES, SEE ALSO. */
    static String manPage(CommandSpec root, String version, String date) {
        StringBuilder b = new StringBuilder();
        b.append(".TH XLAT-SENTINEL 1 \"").append(date).append("\" \"xlat-sentinel ").append(version)
                .append("\" \"User Commands\"\n");
        b.append(".SH NAME\nxlat-sentinel \\- ").append(esc(lowerFirst(first(root.usageMessage().description()))))
                .append('\n');
        b.append(".SH SYNOPSIS\n.B xlat-sentinel\n.I COMMAND\n[\\fIOPTIONS\\fR]\n");
        b.append(".SH DESCRIPTION\n").append(esc(String.join(" ", root.usageMessage().description()))).append('\n');
        b.append(".PP\n").append(esc("The daemon is 'xlat-sentinel run'; the other commands talk to it over its "
                + "control socket, or work on a config file. Exit status: 0 ok, 1 failed (the message says why), "
                + "2 wrong usage.")).append('\n');
        b.append(".SH COMMANDS\n");
        for (CommandLine sub : root.subcommands().values().stream().distinct().toList()) {
            CommandSpec s = sub.getCommandSpec();
            if (s.usageMessage().hidden()) {
                continue;
            }
            b.append(".SS \"").append(esc(s.qualifiedName())).append(synopsisArgs(s)).append("\"\n");
            b.append(esc(String.join(" ", s.usageMessage().description()))).append('\n');
            for (PositionalParamSpec p : s.positionalParameters()) {
                if (p.hidden()) {
                    continue;
                }
                b.append(".TP\n.I ").append(esc(p.paramLabel())).append('\n')
                        .append(esc(String.join(" ", p.description()))).append('\n');
            }
            for (OptionSpec o : s.options()) {
                if (o.hidden() || o.usageHelp() || o.versionHelp()) {
                    continue;
                }
                b.append(".TP\n.B ").append(esc(String.join(", ", o.names())));
                if (o.arity().max() > 0) {
                    b.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
                }
                b.append('\n').append(esc(description(o))).append('\n');
            }
        }
        b.append(".SH FILES\n")
                .append(".TP\n.I /etc/xlat-sentinel/agent.yaml\nThe configuration (YAML or JSON), read strictly.\n")
                .append(".TP\n.I /run/xlat-sentinel/agent/control.sock\nThe control socket of the root-namespace "
                        + "agent; /run/xlat-sentinel/NAME/control.sock for xlat-sentinel@NAME.\n")
                .append(".TP\n.I /usr/share/doc/xlat-sentinel/\nThe documentation and example configurations.\n");
        b.append(".SH SEE ALSO\n.BR bird (8),\n.BR bfdd (8),\n.BR tayga (8),\n.BR systemctl (1)\n");
        return b.toString();
    }

    private static String synopsisArgs(CommandSpec s) {
        StringBuilder b = new StringBuilder();
        for (PositionalParamSpec p : s.positionalParameters()) {
            if (!p.hidden()) {
                b.append(' ').append(p.paramLabel());
            }
        }
        return esc(b.toString());
    }

    private static String description(OptionSpec o) {
        String d = String.join(" ", o.description());
        String def = o.defaultValue();
        return d.replace("${DEFAULT-VALUE}", def == null ? "" : def)
                .replace("${COMPLETION-CANDIDATES}", o.completionCandidates() == null ? ""
                        : String.join(", ", (Iterable<String>) o.completionCandidates()));
    }

    private static String first(String[] lines) {
        return lines.length == 0 ? "" : lines[0];
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }

    /** Escapes troff: backslashes, and a leading dot or quote that would start a request. */
    static String esc(String s) {
        String e = s.replace("\\", "\\e").replace("-", "\\-");
        List<String> lines = e.lines().map(l -> l.startsWith(".") || l.startsWith("'") ? "\\&" + l : l).toList();
        return String.join("\n", lines);
    }

    /**
     * gzip at the highest level, header marked so (XFL 2), without a name or a time (as
     * {@code gzip -9n}): Debian wants manual pages and changelogs compressed so, reproducibly.
     */
    static void gzip(Path file, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        try (OutputStream o = Files.newOutputStream(file)) {
            // magic, deflate, no flags, mtime 0, XFL 2 (maximum compression), OS 3 (Unix)
            o.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3});
            Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
            try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(
                    new java.io.FilterOutputStream(o) {
                        @Override
                        public void close() throws IOException {
                            flush(); // the trailer follows: keep the file open
                        }
                    }, d)) {
                z.write(data);
            } finally {
                d.end();
            }
            java.nio.ByteBuffer trailer = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            trailer.putInt((int) crc.getValue()).putInt(data.length);
            o.write(trailer.array());
        }
    }
}
