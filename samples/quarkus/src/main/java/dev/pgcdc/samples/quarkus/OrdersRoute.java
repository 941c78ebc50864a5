package dev.pgcdc.samples.quarkus;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;

/** Every change of public.orders, logged as JSON. */
@ApplicationScoped
public class OrdersRoute extends RouteBuilder {

    @Override
    public void configure() {
        // host, port, database and user come from camel.component.pgcdc.* in application.properties
        from("pgcdc:quarkus_orders?tables=public.orders")
                .routeId("orders")
                .marshal().json()
                .log("${body}");
    }
}
