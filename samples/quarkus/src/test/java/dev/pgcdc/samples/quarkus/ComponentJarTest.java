package dev.pgcdc.samples.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.Collections;
import java.util.List;

import dev.pgcdc.PgCdcComponent;
import org.junit.jupiter.api.Test;

/** What Quarkus needs from the component's jar beyond the classes: a Jandex index, so its classes are indexed. */
class ComponentJarTest {

    @Test
    void componentJarCarriesAJandexIndex() throws Exception {
        String componentJar = PgCdcComponent.class.getProtectionDomain().getCodeSource().getLocation().toString();
        List<URL> indexes = Collections.list(PgCdcComponent.class.getClassLoader().getResources("META-INF/jandex.idx"));
        assertThat(indexes).anyMatch(url -> url.toString().startsWith("jar:" + componentJar)
                || url.toString().startsWith(componentJar));
    }
}
