package dev.xlatsentinel.frr.vty;

import dev.xlatsentinel.frr.FrrException;

/**
 * The daemon answered, and the answer was no. One subclass per kind of refusal, each carrying
 * the command, the status byte and FRR's own message (for example
 * "% Minimum TTL is only available for multi hop sessions.").
 */
public abstract sealed class CommandRejected extends FrrException {
    private static final long serialVersionUID = 1L;

    private final transient VtyReply reply;

    CommandRejected(VtyReply reply) {
        super(reply.status() + " for '" + reply.command() + "'"
                + (reply.message().isEmpty() ? "" : ": " + reply.message()));
        this.reply = reply;
    }

    /** Maps a reply that is not a plain success to its typed error. */
    public static CommandRejected of(VtyReply reply) {
        return switch (reply.status()) {
            case ERR_NO_MATCH -> new UnknownCommand(reply);
            case ERR_AMBIGUOUS -> new AmbiguousCommand(reply);
            case ERR_INCOMPLETE -> new IncompleteCommand(reply);
            case WARNING -> new CommandWarning(reply);
            // SUCCESS lands here only when its text reported a failure (VtyReply#textReportsFailure).
            case WARNING_CONFIG_FAILED, SUCCESS -> new ConfigFailed(reply);
            default -> new OtherStatus(reply);
        };
    }

    public String command() {
        return reply.command();
    }

    public CmdStatus status() {
        return reply.status();
    }

    /** FRR's own message, as vtysh would print it. */
    public String frrMessage() {
        return reply.message();
    }

    public VtyReply reply() {
        return reply;
    }

    /** CMD_ERR_NO_MATCH: no such command in the current node ("% [BFD] Unknown command: ..."). */
    public static final class UnknownCommand extends CommandRejected {
        private static final long serialVersionUID = 1L;

        UnknownCommand(VtyReply reply) {
            super(reply);
        }
    }

    /** CMD_ERR_AMBIGUOUS: an abbreviation that matches more than one command. */
    public static final class AmbiguousCommand extends CommandRejected {
        private static final long serialVersionUID = 1L;

        AmbiguousCommand(VtyReply reply) {
            super(reply);
        }
    }

    /** CMD_ERR_INCOMPLETE: a command that lacks an argument. */
    public static final class IncompleteCommand extends CommandRejected {
        private static final long serialVersionUID = 1L;

        IncompleteCommand(VtyReply reply) {
            super(reply);
        }
    }

    /** CMD_WARNING: the command ran and reported a problem. */
    public static final class CommandWarning extends CommandRejected {
        private static final long serialVersionUID = 1L;

        CommandWarning(VtyReply reply) {
            super(reply);
        }
    }

    /**
     * CMD_WARNING_CONFIG_FAILED, or CMD_SUCCESS whose text starts with '%' in configure mode:
     * the configuration change was refused (validation, YANG constraints).
     */
    public static final class ConfigFailed extends CommandRejected {
        private static final long serialVersionUID = 1L;

        ConfigFailed(VtyReply reply) {
            super(reply);
        }
    }

    /** Any other status byte (CMD_NOT_MY_INSTANCE, CMD_ERR_NO_DAEMON, a code newer than 8.4, ...). */
    public static final class OtherStatus extends CommandRejected {
        private static final long serialVersionUID = 1L;

        OtherStatus(VtyReply reply) {
            super(reply);
        }
    }
}
