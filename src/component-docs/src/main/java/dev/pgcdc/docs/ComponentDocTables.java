package dev.pgcdc.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.camel.tooling.model.BaseOptionModel;
import org.apache.camel.tooling.model.ComponentModel;
import org.apache.camel.tooling.model.JsonMapper;

/**
 * Writes the option and header tables of a component doc from the component JSON that camel-component-maven-plugin
 * generates, between Camel's {@code // component options: START} and {@code END} markers, so the doc cannot drift from
 * the code. Camel's own {@code update-readme} goal (camel-package-maven-plugin) fills these markers with Antora
 * {@code include::partial$...} lines that only Camel's documentation site renders, and insists on "Since Camel"; an
 * out-of-tree component needs the tables in the file itself.
 *
 * <p>Run by each component module's build: {@code ComponentDocTables <json> <adoc>} rewrites the tables;
 * {@code ComponentDocTables <json> <adoc> check} (CI, {@code -Dpgcdc.docs.check=true}) fails when the committed doc
 * differs instead.
 */
public final class ComponentDocTables {

    static final String START = "// component options: START";
    static final String END = "// component options: END";

    private ComponentDocTables() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ComponentDocTables <component.json> <component.adoc> [check]");
        }
        Path json = Path.of(args[0]);
        Path adoc = Path.of(args[1]);
        boolean check = args.length > 2 && Boolean.parseBoolean(args[2]);
        String doc = Files.readString(adoc, StandardCharsets.UTF_8);
        String updated = withTables(doc, JsonMapper.generateComponentModel(Files.readString(json, StandardCharsets.UTF_8)));
        if (updated.equals(doc)) {
            return;
        }
        if (check) {
            throw new IllegalStateException(adoc + ": the option/header tables differ from " + json
                    + "; run 'mvn -B verify -DskipTests' (it rewrites them) and commit the doc");
        }
        Files.writeString(adoc, updated, StandardCharsets.UTF_8);
    }

    /** The doc with everything between the markers replaced by the tables of the model. */
    static String withTables(String doc, ComponentModel model) {
        int start = doc.indexOf(START);
        int end = doc.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("the component doc has no '" + START + "' ... '" + END
                    + "' section: add both marker lines where the option tables belong");
        }
        return doc.substring(0, start + START.length()) + "\n" + tables(model) + doc.substring(end);
    }

    static String tables(ComponentModel model) {
        String title = model.getTitle();
        StringBuilder out = new StringBuilder();
        out.append("== Configuring Options\n\n")
                .append("Options set on the component (for example `camel.component.").append(model.getScheme())
                .append(".<option>=...` in `application.properties`) are the defaults of its endpoints; options in the")
                .append(" URI override them. These tables are generated from the component's JSON by the build.\n\n")
                .append("=== Component Options\n\n")
                .append("The ").append(title).append(" component supports ").append(model.getComponentOptions().size())
                .append(" options, which are listed below.\n\n");
        optionTable(out, model.getComponentOptions());
        out.append("\n=== Endpoint Options\n\n")
                .append("The ").append(title).append(" endpoint is configured using URI syntax:\n\n----\n")
                .append(model.getSyntax()).append("\n----\n\n")
                .append("==== Path Parameters (").append(count(model.getEndpointPathOptions(), "parameter"))
                .append(")\n\n");
        optionTable(out, model.getEndpointPathOptions());
        out.append("\n==== Query Parameters (").append(count(model.getEndpointParameterOptions(), "parameter"))
                .append(")\n\n");
        optionTable(out, model.getEndpointParameterOptions());
        List<ComponentModel.EndpointHeaderModel> headers = model.getEndpointHeaders();
        if (!headers.isEmpty()) {
            out.append("\n=== Message Headers\n\n")
                    .append("The ").append(title).append(" component supports ").append(count(headers, "message header"))
                    .append(", which are listed below.\n\n")
                    .append("[width=\"100%\",cols=\"2,5,2\",options=\"header\"]\n|===\n| Name | Description | Type\n");
            for (ComponentModel.EndpointHeaderModel header : headers) {
                out.append("| `").append(header.getName()).append("` | ").append(cell(header.getDescription()))
                        .append(" | `").append(header.getJavaType()).append("`\n");
            }
            out.append("|===\n");
        }
        return out.toString();
    }

    private static void optionTable(StringBuilder out, List<? extends BaseOptionModel> options) {
        out.append("[width=\"100%\",cols=\"2,5,^1,2\",options=\"header\"]\n|===\n| Name | Description | Default | Type\n");
        for (BaseOptionModel option : options) {
            out.append("| *").append(option.getName()).append("* (").append(option.getGroup()).append(") | ")
                    .append(cell(description(option))).append(" | ")
                    .append(option.getDefaultValue() == null ? "" : cell(String.valueOf(option.getDefaultValue())))
                    .append(" | ").append(option.getType()).append('\n');
        }
        out.append("|===\n");
    }

    private static String description(BaseOptionModel option) {
        String text = option.getDescription();
        if (option.getEnums() != null && !option.getEnums().isEmpty()) {
            text += " One of: " + option.getEnums().stream().map(e -> "`" + e + "`").collect(Collectors.joining(", "))
                    + ".";
        }
        return option.isRequired() ? text + " (required)" : text;
    }

    private static String count(List<?> items, String noun) {
        return items.size() + " " + noun + (items.size() == 1 ? "" : "s");
    }

    /** A table cell's text: a '|' would end the cell. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
