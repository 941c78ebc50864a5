package dev.pgcdc.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runner's command line: route files or directories, {@code key=value} properties, and Camel Main's own
 * options (those starting with {@code -}, e.g. {@code -d 30} to stop after 30 seconds), in any order.
 */
record RunnerArguments(List<String> routeLocations, Map<String, String> properties, String[] camelOptions) {

    /** The route run when none is given: every change to the console as JSON. */
    static final String DEFAULT_ROUTE = "classpath:integrations/log-json.yaml";

    static RunnerArguments parse(String... args) {
        List<String> routes = new ArrayList<>();
        Map<String, String> properties = new LinkedHashMap<>();
        List<String> camel = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("-")) {
                camel.add(arg);
                // an option's value (-d 30, -pl file:my.properties) is neither an option, a property nor a route
                if (i + 1 < args.length && !args[i + 1].startsWith("-") && !args[i + 1].contains("=")
                        && !isRoute(args[i + 1])) {
                    camel.add(args[++i]);
                }
            } else if (arg.contains("=")) {
                int eq = arg.indexOf('=');
                properties.put(arg.substring(0, eq), arg.substring(eq + 1));
            } else {
                routes.add(routeLocation(arg));
            }
        }
        return new RunnerArguments(List.copyOf(routes), properties, camel.toArray(String[]::new));
    }

    /** Camel Main's routes-include-pattern for the given routes, or the default route. */
    String routesIncludePattern() {
        return routeLocations.isEmpty() ? DEFAULT_ROUTE : String.join(",", routeLocations);
    }

    private static boolean isRoute(String arg) {
        return arg.endsWith(".yaml") || arg.endsWith(".yml") || Files.isDirectory(Path.of(arg));
    }

    /** A file as {@code file:<absolute path>}, a directory as all its YAML files; classpath: and file: pass as given. */
    private static String routeLocation(String arg) {
        if (arg.startsWith("classpath:") || arg.startsWith("file:")) {
            return arg;
        }
        Path path = Path.of(arg).toAbsolutePath().normalize();
        if (Files.isDirectory(path)) {
            return "file:" + path + "/*.yaml";
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no such route file or directory: " + arg);
        }
        return "file:" + path;
    }
}
