package dev.pgcdc.runner;

import java.util.Set;

import org.apache.camel.console.DevConsole;
import org.apache.camel.impl.console.DefaultDevConsoleRegistry;

/**
 * The dev console registry of the runner, whose HTTP server serves every registered console at {@code /q/dev} to
 * anyone who can reach it: it registers only {@link #IDS}, consoles that show state, not configuration.
 *
 * <p>Camel's other consoles are meant for a developer's machine (Camel JBang reads them): their JSON form is raw data
 * without masking (the {@code properties}, {@code endpoint}, {@code bean} consoles print passwords; {@code jvm} and
 * {@code system-properties} print {@code -D} arguments), and some act on a GET ({@code send}, {@code receive},
 * {@code eval-language}). Refusing registration, rather than removing consoles once loaded, also keeps out those Camel
 * resolves later by id.
 */
final class ServedDevConsoles extends DefaultDevConsoleRegistry {

    /** pgcdc's console (the live page reads it), the context's counters, health, memory and garbage collection. */
    static final Set<String> IDS = Set.of("pgcdc", "context", "health", "memory", "gc");

    @Override
    public boolean register(DevConsole console) {
        return IDS.contains(console.getId()) && super.register(console);
    }
}
