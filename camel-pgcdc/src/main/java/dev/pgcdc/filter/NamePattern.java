package dev.pgcdc.filter;

import java.util.regex.Pattern;

/**
 * A qualified name or glob over qualified names: {@code public.orders}, {@code public.order_*}, {@code audit.*},
 * {@code *.events_??}. {@code *} matches any run of characters (dots included), {@code ?} one character; names are
 * case-sensitive, as PostgreSQL stores them. A name without a schema means schema {@code public}.
 */
public final class NamePattern {

    private final String text;
    private final Pattern pattern;

    private NamePattern(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
    }

    /**
     * @param parts how many dot-separated parts a full name has (2 for tables, 3 for columns); with one fewer the
     *              schema {@code public} is implied
     */
    public static NamePattern parse(String text, int parts) {
        String trimmed = text.trim();
        long dots = trimmed.chars().filter(c -> c == '.').count();
        if (dots == parts - 2) {
            trimmed = "public." + trimmed;
        } else if (dots != parts - 1) {
            throw new IllegalArgumentException("'" + text + "' is not a " + (parts == 2 ? "schema.table" : "schema.table.column")
                    + " name or pattern");
        }
        StringBuilder regex = new StringBuilder();
        for (char c : trimmed.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return new NamePattern(trimmed, Pattern.compile(regex.toString()));
    }

    /** Whether it names exactly one object (no wildcard). */
    public boolean isExact() {
        return text.indexOf('*') < 0 && text.indexOf('?') < 0;
    }

    public boolean matches(String qualifiedName) {
        return pattern.matcher(qualifiedName).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
