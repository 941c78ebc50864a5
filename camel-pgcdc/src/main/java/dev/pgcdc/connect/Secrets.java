package dev.pgcdc.connect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Secrets given directly or as a file (a mounted Kubernetes or Docker secret, a file only the service user may
 * read). Messages name the option and the file, never the content.
 */
public final class Secrets {

    private Secrets() {
    }

    /** The value, or the file's content without its final line break; null when neither is given. */
    public static String valueOrFile(String option, String value, String file) {
        if (file == null || file.isBlank()) {
            return value;
        }
        if (value != null) {
            throw new IllegalArgumentException("Give either " + option + " or " + option + "File, not both");
        }
        try {
            String content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            return content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                    : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + option + "File " + file + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }
}
