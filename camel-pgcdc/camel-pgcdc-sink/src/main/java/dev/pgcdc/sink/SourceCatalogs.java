package dev.pgcdc.sink;

import java.util.IdentityHashMap;
import java.util.Map;

import dev.pgcdc.PgCdcEndpoint;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;

/**
 * The source catalogs of the pgcdc endpoints whose changes reach the sink, one per endpoint. A change carries no
 * column types, so the sink asks the endpoint the exchange came from. Used only on the sink's writer thread.
 */
final class SourceCatalogs implements AutoCloseable {

    private final String sinkName;
    private final Map<PgCdcEndpoint, SourceCatalog> catalogs = new IdentityHashMap<>();

    SourceCatalogs(String sinkName) {
        this.sinkName = sinkName;
    }

    /** The catalog of the pgcdc consumer the exchange came from; fails when it came from elsewhere. */
    SourceCatalog of(Exchange exchange) {
        Endpoint from = exchange.getFromEndpoint();
        if (!(from instanceof PgCdcEndpoint pgcdc)) {
            throw new SinkException("createTables needs the change to come straight from a pgcdc: consumer in the"
                    + " same route, to read the source's column types, but this exchange came from "
                    + (from == null ? "no endpoint" : from.getEndpointBaseUri())
                    + ": route from pgcdc: to pgcdc-sink: directly, or create the target tables yourself");
        }
        return catalogs.computeIfAbsent(pgcdc, endpoint -> new SourceCatalog(
                endpoint.options().connection(), endpoint.options().decoding().columns(),
                "pgcdc-sink:" + sinkName));
    }

    @Override
    public void close() {
        catalogs.values().forEach(SourceCatalog::close);
        catalogs.clear();
    }
}
