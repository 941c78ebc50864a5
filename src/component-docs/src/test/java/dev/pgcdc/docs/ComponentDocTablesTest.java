package dev.pgcdc.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.tooling.model.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComponentDocTablesTest {

    private static final String JSON = """
            {"component":{"kind":"component","name":"demo","title":"Demo","scheme":"demo","syntax":"demo:name",
              "javaType":"x.DemoComponent","groupId":"x","artifactId":"demo","version":"1"},
             "componentProperties":{"host":{"index":0,"kind":"property","displayName":"Host","group":"common",
              "required":false,"type":"string","javaType":"java.lang.String","defaultValue":"localhost",
              "description":"The host | or not."}},
             "headers":{"CamelDemoKey":{"index":0,"kind":"header","displayName":"","group":"consumer","required":false,
              "javaType":"String","description":"The key."}},
             "properties":{"name":{"index":0,"kind":"path","displayName":"Name","group":"consumer","required":true,
              "type":"string","javaType":"java.lang.String","description":"The name."},
              "mode":{"index":1,"kind":"parameter","displayName":"Mode","group":"producer","required":false,
              "type":"enum","javaType":"java.lang.String","enum":["a","b"],"defaultValue":"a","description":"The mode."}}}
            """;

    @Test
    void everyOptionAndHeaderOfTheJsonIsATableRowBetweenTheMarkers() {
        String doc = "= Demo\n\nintro\n\n" + ComponentDocTables.START + "\nstale\n" + ComponentDocTables.END + "\n\nrest\n";

        String updated = ComponentDocTables.withTables(doc, JsonMapper.generateComponentModel(JSON));

        assertThat(updated).startsWith("= Demo\n\nintro\n\n" + ComponentDocTables.START + "\n== Configuring Options")
                .endsWith(ComponentDocTables.END + "\n\nrest\n").doesNotContain("stale")
                .contains("supports 1 options", "| *host* (common) | The host \\| or not. | localhost | string\n",
                        "==== Path Parameters (1 parameter)", "| *name* (consumer) | The name. (required) |  | string\n",
                        "| *mode* (producer) | The mode. One of: `a`, `b`. | a | enum\n",
                        "| `CamelDemoKey` | The key. | `String`\n");
        assertThat(ComponentDocTables.withTables(updated, JsonMapper.generateComponentModel(JSON))).isEqualTo(updated);
    }

    @Test
    void checkModeFailsOnStaleTablesAndLeavesTheDocAlone(@TempDir Path dir) throws Exception {
        Path json = Files.writeString(dir.resolve("demo.json"), JSON);
        Path adoc = Files.writeString(dir.resolve("demo-component.adoc"),
                ComponentDocTables.START + "\nstale\n" + ComponentDocTables.END + "\n");

        assertThatThrownBy(() -> ComponentDocTables.main(new String[] {json.toString(), adoc.toString(), "true"}))
                .hasMessageContaining("tables differ from").hasMessageContaining("commit the doc");
        assertThat(Files.readString(adoc)).contains("stale");

        ComponentDocTables.main(new String[] {json.toString(), adoc.toString(), "false"});
        ComponentDocTables.main(new String[] {json.toString(), adoc.toString(), "true"});
        assertThat(Files.readString(adoc)).contains("| *host* (common)");
    }

    @Test
    void aDocWithoutMarkersIsAClearError() {
        assertThatThrownBy(() -> ComponentDocTables.withTables("= Demo\n", JsonMapper.generateComponentModel(JSON)))
                .hasMessageContaining("add both marker lines");
    }
}
