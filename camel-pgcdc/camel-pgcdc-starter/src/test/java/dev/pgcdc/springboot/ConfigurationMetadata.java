package dev.pgcdc.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The starters' generated spring-configuration-metadata.json, checked against the component's own metadata. */
public final class ConfigurationMetadata {

    /** Spring Boot's configuration processor leaves properties of this type out of the metadata. */
    private static final String NOT_LISTED = "javax.sql.DataSource";

    private ConfigurationMetadata() {
    }

    /**
     * Asserts that every component option of the component JSON is a {@code camel.component.<scheme>.*} property with
     * the option's description, and that the starter's own switches are listed.
     *
     * @param componentJson the component JSON's classpath resource, e.g. META-INF/dev/pgcdc/pgcdc.json
     */
    public static void assertListsEveryComponentOption(String componentJson, String scheme) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ClassLoader loader = ConfigurationMetadata.class.getClassLoader();
        JsonNode component;
        try (InputStream in = loader.getResourceAsStream(componentJson)) {
            component = json.readTree(in).get("componentProperties");
        }
        Map<String, JsonNode> metadata = new HashMap<>();
        for (URL url : Collections.list(loader.getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                json.readTree(in).get("properties").forEach(p -> metadata.put(p.get("name").asText(), p));
            }
        }
        String prefix = "camel.component." + scheme + ".";
        for (Iterator<String> names = component.fieldNames(); names.hasNext(); ) {
            String option = names.next();
            if (NOT_LISTED.equals(component.get(option).get("javaType").asText())) {
                continue;
            }
            String property = prefix + option.replaceAll("([A-Z])", "-$1").toLowerCase();
            assertThat(metadata.keySet()).as("spring-configuration-metadata.json lists %s", property)
                    .contains(property);
            assertThat(metadata.get(property).path("description").asText()).as(property)
                    .isEqualToIgnoringWhitespace(component.get(option).get("description").asText());
        }
        assertThat(metadata.keySet()).contains(prefix + "enabled", prefix + "customizer.enabled");
    }
}
