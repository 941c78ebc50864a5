package dev.pgcdc.sink;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Run in a child JVM by {@link CrashRecoveryTest}, so that the test can kill it with SIGKILL: routes the consumer URI
 * (first argument) through each sink URI (the others) and runs until killed.
 */
public final class SinkRouteMain {

    private SinkRouteMain() {
    }

    public static void main(String[] args) throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                var route = from(args[0]);
                for (int i = 1; i < args.length; i++) {
                    route = route.to(args[i]);
                }
            }
        });
        context.start();
        System.out.println("started");
        Thread.currentThread().join();
    }
}
