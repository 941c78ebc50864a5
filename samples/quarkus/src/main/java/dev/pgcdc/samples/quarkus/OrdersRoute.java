package dev.pgcdc.samples.quarkus;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;

/** Every change of public.orders as JSON, logged and kept in {@link RecentChanges}. */
@ApplicationScoped
public class OrdersRoute extends RouteBuilder {

    @Inject
    RecentChanges recentChanges;

    @Override
    public void configure() {
        // host, port, database and user come from camel.component.pgcdc.* in application.properties
        from("pgcdc:quarkus_orders?tables=public.orders")
                .routeId("orders")
                .marshal().json()
                .log("${body}")
                .process(exchange -> recentChanges.add(exchange.getMessage().getBody(String.class)));
    }
}
