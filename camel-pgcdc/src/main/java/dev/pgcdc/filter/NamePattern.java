package dev.pgcdc.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.pgcdc.pg.TableName;
import dev.pgcdc.pg.QualifiedNames;

/**
 * A qualified name or glob over qualified names, written as in SQL: {@code orders}, {@code public.order_*},
 * {@code audit.*}, {@code sales."Order"}, {@code "My Schema"."a.b"}. In unquoted parts {@code *} matches any run of
 * characters and {@code ?} one, and letters fold to lower case as PostgreSQL folds unquoted names; quoted parts are
 * matched literally, case and all. A name without a schema means schema {@code public}.
 */
public final class NamePattern {

    private final String text;
    /** One pattern per part, so a dot inside a quoted name can never be confused with the separator. */
    private final List<Pattern> parts;
    private final List<String> literalParts;
    private final boolean everything;

    private NamePattern(String text, List<Pattern> parts, List<String> literalParts, boolean everything) {
        this.text = text;
        this.parts = parts;
        this.literalParts = literalParts;
        this.everything = everything;
    }

    /**
     * @param arity how many parts a full name has (2 for tables, 3 for columns); with one fewer the schema
     *              {@code public} is implied
     */
    public static List<NamePattern> parseList(String list, int arity) {
        List<NamePattern> patterns = new ArrayList<>();
        for (List<QualifiedNames.Part> parts : QualifiedNames.parseList(list)) {
            patterns.add(of(parts, arity, list));
        }
        return List.copyOf(patterns);
    }

    /** Matches exactly one table. */
    public static NamePattern exactly(TableName table) {
        return of(List.of(new QualifiedNames.Part(table.schema(), true), new QualifiedNames.Part(table.name(), true)),
                2, table.quoted());
    }

    private static NamePattern of(List<QualifiedNames.Part> parts, int arity, String list) {
        List<QualifiedNames.Part> full = new ArrayList<>(parts);
        if (full.size() == arity - 1) {
            full.add(0, new QualifiedNames.Part(TableName.DEFAULT_SCHEMA, true));
        } else if (full.size() != arity) {
            throw new IllegalArgumentException("'" + list + "' holds a name with " + parts.size() + " part(s); expected "
                    + (arity == 2 ? "schema.table" : "schema.table.column") + " (names holding dots go in double quotes)");
        }
        List<Pattern> patterns = new ArrayList<>();
        List<String> literal = new ArrayList<>();
        boolean everything = parts.size() == arity;
        for (QualifiedNames.Part part : full) {
            everything &= !part.quoted() && part.text().matches("\\*+");
            String text = part.quoted() ? part.text() : part.text().toLowerCase(Locale.ROOT);
            boolean wildcard = !part.quoted() && (text.indexOf('*') >= 0 || text.indexOf('?') >= 0);
            patterns.add(Pattern.compile(wildcard ? glob(text) : Pattern.quote(text), Pattern.DOTALL));
            literal.add(wildcard ? null : text);
        }
        boolean exact = literal.stream().allMatch(p -> p != null);
        return new NamePattern(String.join(".", full.stream().map(QualifiedNames.Part::text).toList()),
                List.copyOf(patterns), exact ? List.copyOf(literal) : null, everything);
    }

    private static String glob(String text) {
        StringBuilder regex = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    /** Whether it names exactly one object (no wildcard). */
    public boolean isExact() {
        return literalParts != null;
    }

    /** Whether it is written to match every name, schema included ({@code *.*}). */
    public boolean matchesEverything() {
        return everything;
    }

    /** The table it names, for an exact two-part pattern. */
    public TableName table() {
        if (literalParts == null || literalParts.size() != 2) {
            throw new IllegalStateException(text + " does not name exactly one table");
        }
        return TableName.of(literalParts.get(0), literalParts.get(1));
    }

    /** Whether the name, given as its parts as stored in the catalog, matches. */
    public boolean matches(String... names) {
        if (names.length != parts.size()) {
            return false;
        }
        if (literalParts != null) {
            // exact names (the common case, and our own tables' exclusions) skip the regex: this runs per change
            for (int i = 0; i < names.length; i++) {
                if (!literalParts.get(i).equals(names[i])) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < names.length; i++) {
            if (!parts.get(i).matcher(names[i]).matches()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
