package dev.pgcdc.sink;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.it.CdcTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pgcdc-sink Kamelet in the jar, used as a user would: a YAML route from a pgcdc: consumer to
 * {@code kamelet:pgcdc-sink} with nothing but the Kamelet's properties mirrors a table into another database.
 */
class SinkKameletTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void kameletSinkMirrorsATable() throws Exception {
        String slot = uniqueSlot("kamelet_sink");
        String table = slot + "_t";
        String target = slot + "_target";
        pg().createDatabase(target);
        String create = "CREATE TABLE " + table + " (id int PRIMARY KEY, name text, amount numeric(12,2))";
        pg().execute(create);
        SqlDatabase mirror = new SqlDatabase(() -> pg().connectTo(target));
        mirror.execute(create);
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
            }
        });
        String route = """
                - route:
                    from:
                      uri: "%s"
                      steps:
                        - to:
                            uri: kamelet:pgcdc-sink
                            parameters:
                              jdbcUrl: "%s"
                              user: %s
                """.formatted(uri(slot, "tables=public." + table), pg().jdbcUrl(target), pg().superuser());
        PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("mirror.yaml", route));
        awaitStreaming(slot);

        pg().execute("INSERT INTO " + table + " VALUES (1, 'a', 1.50), (2, 'b', 2), (3, 'c', 3)",
                "UPDATE " + table + " SET name = 'B', amount = 20.25 WHERE id = 2",
                "DELETE FROM " + table + " WHERE id = 3");

        mirror.awaitRowsEqual(table, new SqlDatabase(() -> pg().connect()), table);
    }
}
