package dev.brasa.examples;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code brasa} command line, read by hand: {@code brasa [--debug] COMMAND [ARGS]}, where a
 * command takes its options as {@code --name value} or {@code --name=value} (flags alone), its
 * positional arguments, and {@code -h/--help}, {@code -V/--version} and {@code --debug} anywhere. No
 * reflection: picocli, which this replaced, built its model from annotations in about 140 ms of a
 * fresh JVM, a tenth of {@code brasa train xor} (bench/results/cli-start.md). A mistake in the
 * arguments is one line on the error stream, naming the command and its help, and exit code 2; an
 * error while a command runs is reported by {@link #execute} the same way (2 for the user's
 * mistakes, 1 for internal errors), with the stack trace only under {@code --debug}.
 */
final class Cli {
    /** One option of a command: its name, the label of its value (null for a flag) and its help. */
    record Option(String name, String label, String help, boolean negatable) {
        Option(String name, String label, String help) {
            this(name, label, help, false);
        }
    }

    /** A command: its help, options and positional arguments, and its work. */
    interface Command {
        /** The name after {@code brasa}. */
        String name();

        /** The positional arguments as the usage line shows them ("<program>"), or "" for none. */
        String positionals();

        /** The help's paragraphs; the first sentence of the first one also lists the command under {@code brasa --help}. */
        String[] description();

        /** The options, in help order. */
        List<Option> options();

        /** Sets the option called name (one of {@link #options}) from its value: null for a flag, "false" for a negated one. */
        void set(String name, String value);

        /** Takes the positional arguments (a mistake for a command that has none). */
        void positional(List<String> args);

        /** The work; returns the exit code. */
        int call() throws Exception;
    }

    /** A mistake in the arguments: exit code 2, with the message as it stands. */
    static final class Mistake extends RuntimeException {
        Mistake(String message) {
            super(message);
        }
    }

    static final String VERSION = "brasa 0.1.0";
    private static final String DESCRIPTION = "Deep learning for the JVM in PyTorch's vocabulary: the teaching programs.";
    private static final Option DEBUG = new Option("--debug", null, "on an error, print the stack trace (and CUDA's full library search)");
    private static final Option HELP = new Option("-h, --help", null, "show this help and exit");
    private static final Option VERSION_OPTION = new Option("-V, --version", null, "print the version and exit");
    private static final int WIDTH = 100;

    private final List<Command> commands;
    private PrintWriter out = new PrintWriter(System.out, true), err = new PrintWriter(System.err, true);

    Cli(List<Command> commands) {
        this.commands = commands;
    }

    /** Where help and the version go (standard output by default). */
    void setOut(PrintWriter out) {
        this.out = out;
    }

    /** Where mistakes and errors go (standard error by default). */
    void setErr(PrintWriter err) {
        this.err = err;
    }

    /** Parses args, runs the command they name and returns the exit code: 0, 2 for a mistake, 1 for an internal error. */
    int execute(String... args) {
        Main.debug = false;                 // each run's own --debug, as each process has
        Command cmd = null;
        int i = 0;
        for (; i < args.length && cmd == null; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    usage(out);
                    return 0;
                }
                case "-V", "--version" -> {
                    out.println(VERSION);
                    return 0;
                }
                case "--debug" -> Main.debug = true;
                default -> {
                    if (a.startsWith("-")) return mistake("brasa", "Unknown option: '" + a + "'", null);
                    cmd = commands.stream().filter(c -> c.name().equals(a)).findFirst().orElse(null);
                    if (cmd == null) {
                        return mistake("brasa", "unknown command '" + a + "': expected "
                                + String.join(", ", commands.stream().map(Command::name).toList()), null);
                    }
                }
            }
        }
        if (cmd == null) {
            usage(out);
            return 0;
        }
        String where = "brasa " + cmd.name();
        List<String> rest = List.of(args).subList(i, args.length);
        int end = rest.indexOf("--") < 0 ? rest.size() : rest.indexOf("--");
        for (String a : rest.subList(0, end)) {
            if (a.equals("-h") || a.equals("--help")) {
                usage(cmd, out);
                return 0;
            }
            if (a.equals("-V") || a.equals("--version")) {
                out.println(VERSION);
                return 0;
            }
            if (a.equals("--debug")) Main.debug = true;
        }
        try {
            parse(cmd, rest, end);
        } catch (Mistake e) {
            return mistake(where, e.getMessage(), e);
        }
        try {
            return cmd.call();
        } catch (Exception e) {
            boolean user = e instanceof Run.UsageError || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
                    || e instanceof IllegalArgumentException;
            err.println(where + ": " + (user ? "" : "internal error: ") + Main.message(e)
                    + (user || Main.debug ? "" : " (run with --debug for the stack trace)"));
            if (Main.debug) e.printStackTrace(err);
            err.flush();
            return user ? 2 : 1;
        }
    }

    /** Reads a command's arguments (end: where "--" stands, after which all are positional) into it. */
    private static void parse(Command cmd, List<String> args, int end) {
        List<String> positional = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (i == end) continue;
            if (i > end || !a.startsWith("-") || a.length() == 1) {
                positional.add(a);
                continue;
            }
            if (a.equals("--debug")) continue;
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            Option o = find(cmd, name);
            String value;
            if (o == null) throw new Mistake("Unknown option: '" + a + "'");
            if (!seen.add(o.name())) throw new Mistake("option '" + o.name() + "' should be given only once");
            if (o.label() == null) {
                if (eq >= 0) throw new Mistake("option '" + name + "' takes no value, got '" + a.substring(eq + 1) + "'");
                value = name.equals(o.name()) ? null : "false";
            } else if (eq >= 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.size() && i + 1 != end && !(args.get(i + 1).startsWith("--") && find(cmd, args.get(i + 1).split("=", 2)[0]) != null)) {
                value = args.get(++i);
            } else {
                throw new Mistake("Missing required parameter for option '" + name + "' (" + o.label() + ")");
            }
            cmd.set(o.name(), value);
        }
        cmd.positional(positional);
    }

    /** The option called name (or, for a negatable one, "--no-" and its name without dashes). */
    private static Option find(Command cmd, String name) {
        for (Option o : cmd.options()) {
            if (o.name().equals(name) || o.negatable() && name.equals("--no-" + o.name().substring(2))) return o;
        }
        return null;
    }

    private int mistake(String where, String message, Throwable trace) {
        err.println(where + ": " + message + " (see " + where + " --help)");
        if (Main.debug && trace != null) trace.printStackTrace(err);
        err.flush();
        return 2;
    }

    // the values' types, with picocli's messages for a value that is not one

    static int toInt(String option, String v) {
        return convert(option, v, "an int", Integer::parseInt);
    }

    static long toLong(String option, String v) {
        return convert(option, v, "a long", Long::parseLong);
    }

    static double toDouble(String option, String v) {
        return convert(option, v, "a double", Double::parseDouble);
    }

    private static <T> T convert(String option, String v, String type, java.util.function.Function<String, T> parse) {
        try {
            return parse.apply(v);
        } catch (NumberFormatException e) {
            throw new Mistake("Invalid value for option '" + option + "': '" + v + "' is not " + type);
        }
    }

    static Path toPath(String option, String v) {
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            throw new Mistake("Invalid value for option '" + option + "': '" + v + "' is not a path (" + e.getReason() + ")");
        }
    }

    // help

    private void usage(PrintWriter w) {
        w.println("Usage: brasa [-hV] [--debug] COMMAND");
        wrap(w, "", DESCRIPTION);
        w.println();
        for (Option o : List.of(DEBUG, HELP, VERSION_OPTION)) item(w, o.name(), o.help());
        w.println("Commands:");
        for (Command c : commands) {
            String d = c.description()[0];
            int dot = d.indexOf(". ");
            item(w, c.name(), dot < 0 ? d : d.substring(0, dot + 1));
        }
        w.flush();
    }

    private static void usage(Command c, PrintWriter w) {
        w.println("Usage: brasa " + c.name() + " [options]" + (c.positionals().isEmpty() ? "" : " " + c.positionals()));
        for (String p : c.description()) wrap(w, "", p);
        w.println();
        for (Option o : c.options()) {
            String name = o.negatable() ? "--[no-]" + o.name().substring(2) : o.name();
            item(w, o.label() == null ? name : name + " " + o.label(), o.help());
        }
        for (Option o : List.of(DEBUG, HELP, VERSION_OPTION)) item(w, o.name(), o.help());
        w.flush();
    }

    /** "  name    help", the help wrapped in a column of its own. */
    private static void item(PrintWriter w, String name, String help) {
        String head = "  " + name;
        String pad = " ".repeat(26);
        if (head.length() >= pad.length() - 1) {
            w.println(head);
            wrap(w, pad, help);
        } else {
            StringBuilder b = new StringBuilder();
            wrap(b, pad, help);
            w.print(head + b.substring(head.length()));
        }
    }

    private static void wrap(PrintWriter w, String indent, String text) {
        StringBuilder b = new StringBuilder();
        wrap(b, indent, text);
        w.print(b);
    }

    /** text in lines of at most WIDTH characters, each starting with indent. */
    private static void wrap(StringBuilder b, String indent, String text) {
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > WIDTH) {
                b.append(line).append('\n');
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) line.append(' ');
            line.append(word);
        }
        b.append(line).append('\n');
    }
}
