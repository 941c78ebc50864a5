package dev.pgcdc.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * Serves the live page ({@value #PAGE}, in the jar) at {@code /} of Camel's embedded HTTP server, when that server
 * is enabled. A route of its own rather than Camel's static-content option, which would also serve any file of the
 * working directory (an {@code application.properties} with a password, say).
 */
final class OperatorPage extends RouteBuilder {

    static final String PAGE = "dev/pgcdc/runner/operator-page.html";

    @Override
    public void configure() {
        if (!Boolean.parseBoolean(getCamelContext().resolvePropertyPlaceholders("{{camel.server.enabled:false}}"))) {
            return;
        }
        from("platform-http:/?httpMethodRestrict=GET").routeId("pgcdc-operator-page")
                .setHeader(Exchange.CONTENT_TYPE, constant("text/html; charset=utf-8"))
                .setBody(constant(page()));
    }

    private static String page() {
        try (InputStream in = OperatorPage.class.getClassLoader().getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException(PAGE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
