package dev.pgcdc.it;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A test class on one default cluster (the newest major, or -Dpgcdc.test.pg), started once for the class. */
public abstract class DefaultClusterTest extends CdcTestSupport {

    @RegisterExtension
    protected static final PostgresExtension PG = PostgresExtension.builder().build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }
}
