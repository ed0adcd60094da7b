package dev.xlatsentinel.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code xlat-sentinel version}. */
@Command(name = "version", description = "Print the version.")
public final class Version implements Callable<Integer> {
    /** The version from the jar's manifest ("dev" when run from classes). */
    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public Integer call() {
        System.out.println("xlat-sentinel " + current() + " (Java " + Runtime.version() + ")");
        return 0;
    }

    /** For --version. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"xlat-sentinel " + current()};
        }
    }
}
