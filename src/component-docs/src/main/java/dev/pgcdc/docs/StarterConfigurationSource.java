package dev.pgcdc.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.tooling.model.ComponentModel;
import org.apache.camel.tooling.model.ComponentModel.ComponentOptionModel;
import org.apache.camel.tooling.model.JsonMapper;

/**
 * Writes a Spring Boot starter's {@code @ConfigurationProperties} class from the component JSON, as Camel's own
 * starter generator does for Camel's components: one field per component option, its description as javadoc (which
 * spring-boot-configuration-processor turns into the metadata IDEs complete from), its default, getters and setters.
 * Generated at build time, so a starter never lags behind its component's options.
 *
 * <p>Run by each starter's build: {@code StarterConfigurationSource <component.json> <source root> <class name>}, the
 * class name fully qualified.
 */
public final class StarterConfigurationSource {

    private static final Map<String, String> BOXED = Map.of("int", "Integer", "long", "Long", "boolean", "Boolean",
            "java.lang.String", "String");
    private static final int WIDTH = 110;

    private StarterConfigurationSource() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException(
                    "usage: StarterConfigurationSource <component.json> <source root> <fully qualified class name>");
        }
        ComponentModel model = JsonMapper.generateComponentModel(Files.readString(Path.of(args[0]),
                StandardCharsets.UTF_8));
        String className = args[2];
        Path file = Path.of(args[1], className.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source(model, className), StandardCharsets.UTF_8);
    }

    static String source(ComponentModel model, String qualifiedName) {
        int dot = qualifiedName.lastIndexOf('.');
        String packageName = qualifiedName.substring(0, dot);
        String simpleName = qualifiedName.substring(dot + 1);
        String scheme = model.getScheme();
        StringBuilder out = new StringBuilder();
        out.append("package ").append(packageName).append(";\n\n");
        out.append("import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;\n");
        out.append("import org.springframework.boot.context.properties.ConfigurationProperties;\n\n");
        out.append(javadoc("", model.getDescription() + " The defaults of every " + scheme + " endpoint, as"
                + " camel.component." + scheme + ".* properties. Generated from the component JSON by"
                + " dev.pgcdc.docs.StarterConfigurationSource."));
        out.append("@ConfigurationProperties(prefix = \"camel.component.").append(scheme).append("\")\n");
        out.append("public class ").append(simpleName).append(" extends ComponentConfigurationPropertiesCommon {\n\n");
        // read by ConditionalOnHierarchicalProperties from the environment; the field is here for the metadata
        out.append(javadoc("    ", "Whether to enable auto configuration of the " + scheme
                + " component. This is enabled by default."));
        out.append("    private Boolean enabled;\n");
        List<String> accessors = new ArrayList<>();
        for (ComponentOptionModel option : model.getComponentOptions()) {
            String type = type(option);
            String name = option.getName();
            out.append(javadoc("    ", option.getDescription()));
            out.append("    private ").append(type).append(' ').append(name).append(initializer(option, type))
                    .append(";\n");
            String property = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            accessors.add("    public " + type + " get" + property + "() {\n        return " + name + ";\n    }\n\n"
                    + "    public void set" + property + "(" + type + " " + name + ") {\n        this." + name
                    + " = " + name + ";\n    }\n");
        }
        out.append('\n').append(String.join("\n", accessors)).append("}\n");
        return out.toString();
    }

    /** Boxed, so that an unset property stays null and is not copied onto the component. */
    private static String type(ComponentOptionModel option) {
        return BOXED.getOrDefault(option.getJavaType(), option.getJavaType());
    }

    private static String initializer(ComponentOptionModel option, String type) {
        Object value = option.getDefaultValue();
        if (value == null || value.toString().isEmpty()) {
            return "";
        }
        String text = value.toString();
        return switch (type) {
            case "String" -> " = \"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case "Integer", "Boolean" -> " = " + text;
            case "Long" -> " = " + text + "L";
            // an enum option's default names its constant as the JSON spells it (native, camel-debezium)
            default -> " = " + type + "." + text.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        };
    }

    private static String javadoc(String indent, String text) {
        StringBuilder out = new StringBuilder(indent).append("/**\n");
        StringBuilder line = new StringBuilder();
        for (String word : text.replace("*/", "*&#47;").replace("@", "&#64;").split("\\s+")) {
            if (line.length() > 0 && indent.length() + 3 + line.length() + 1 + word.length() > WIDTH) {
                out.append(indent).append(" * ").append(line).append('\n');
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        if (line.length() > 0) {
            out.append(indent).append(" * ").append(line).append('\n');
        }
        return out.append(indent).append(" */\n").toString();
    }
}
