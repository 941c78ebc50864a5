package dev.pgcdc.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs YAML routes with Camel Main: {@code java -jar pgcdc-routes.jar [route.yaml|dir ...] [key=value ...] [camel options]}.
 *
 * <p>Properties come, weakest first, from {@value #DEFAULTS}, {@code application.properties} (classpath, then the
 * working directory), system properties, environment variables ({@code PGCDC_HOST} for {@code pgcdc.host}) and
 * {@code key=value} arguments. Without routes on the command line it runs {@value RunnerArguments#DEFAULT_ROUTE};
 * without {@code pgcdc.host} it captures an embedded demo database ({@link EmbeddedSource}).
 */
public final class PgCdcRunner {

    /** The runner's defaults (slot name, Camel Main settings): lowest precedence, so every other source overrides them. */
    static final String DEFAULTS = "pgcdc-runner.properties";
    private static final Logger LOG = LoggerFactory.getLogger(PgCdcRunner.class);

    private PgCdcRunner() {
    }

    public static void main(String[] args) {
        int exitCode;
        try {
            RunnerArguments arguments = RunnerArguments.parse(args);
            exitCode = newMain(arguments).run(arguments.camelOptions());
        } catch (Exception e) {
            // once, and without the stack trace unless it may be a bug: Camel's own report of it is filtered out
            // (log4j2.xml). Its messages may hold a secret (a property's value), so only a masked copy is logged.
            if (StartFailure.understood(e)) {
                LOG.error("pgcdc did not start: {}", StartFailure.message(e));
                LOG.debug("pgcdc did not start", StartFailure.withoutSecrets(e));
            } else {
                LOG.error("pgcdc did not start: {}", StartFailure.message(e), StartFailure.withoutSecrets(e));
            }
            exitCode = 1;
        }
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    /** A configured, not yet started Main; tests start it in-process to run a YAML file. */
    static Main newMain(RunnerArguments arguments) {
        RunnerMain main = new RunnerMain();
        main.setInitialProperties(defaults());
        main.setDefaultPropertyPlaceholderLocation(
                "classpath:application.properties;optional=true,file:application.properties;optional=true");
        arguments.properties().forEach((key, value) -> {
            // as an override property it beats the environment in placeholders; as an argument property, in the
            // camel.* options Main configures directly
            main.addOverrideProperty(key, value);
            main.addArgumentProperty(key, value);
        });
        main.configure().withRoutesIncludePattern(arguments.routesIncludePattern());
        main.configure().addRoutesBuilder(new OperatorPage());
        // Camel Main uses a DevConsoleRegistry bean as the context's registry
        main.bind("devConsoleRegistry", new ServedDevConsoles());
        main.addMainListener(new EmbeddedSource());
        return main;
    }

    /** Camel Main with the runner's property precedence, which ends at once after a setupMode=plan start. */
    static final class RunnerMain extends Main {

        @Override
        protected CamelContext createCamelContext() {
            CamelContext context = super.createCamelContext();
            EnvironmentProperties.install(context);
            return context;
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            PlanOnly.exitStatus(getCamelContext()).ifPresent(status -> {
                exitCode.set(status);
                completed();
            });
        }
    }

    private static Properties defaults() {
        Properties defaults = new Properties();
        try (InputStream in = PgCdcRunner.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " is missing from the classpath");
            }
            defaults.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return defaults;
    }
}
