package dev.pgcdc.samples;

import dev.pgcdc.runner.EmbeddedSource;
import org.apache.camel.main.Main;

/**
 * Runs {@link OrdersPipeline}: {@code java -jar samples/target/pgcdc-samples.jar [key=value ...]}.
 *
 * <p>Without {@code pgcdc.host} (or {@code PGCDC_HOST}) it captures the runner's embedded demo database; order
 * summaries go to {@code sample.dir} (default {@code target/orders}).
 */
public final class OrdersPipelineApp {

    private OrdersPipelineApp() {
    }

    public static void main(String[] args) throws Exception {
        newMain(args).run();
    }

    /** The application, configured but not started; {@code key=value} arguments become properties. */
    static Main newMain(String... properties) {
        Main main = new Main();
        for (String property : properties) {
            int eq = property.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("expected key=value but got: " + property);
            }
            main.addArgumentProperty(property.substring(0, eq), property.substring(eq + 1));
        }
        main.addMainListener(new EmbeddedSource());
        main.configure().addRoutesBuilder(new OrdersPipeline());
        return main;
    }
}
