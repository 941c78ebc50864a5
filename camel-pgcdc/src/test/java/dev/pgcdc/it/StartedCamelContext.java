package dev.pgcdc.it;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A started, empty Camel context per test, for tests that only create endpoints (no server needed). */
public final class StartedCamelContext implements BeforeEachCallback, AfterEachCallback {

    private CamelContext context;

    @Override
    public void beforeEach(ExtensionContext extension) {
        context = new DefaultCamelContext();
        context.start();
    }

    @Override
    public void afterEach(ExtensionContext extension) throws Exception {
        context.close();
    }

    public CamelContext context() {
        return context;
    }
}
