package dev.pgcdc.pg;

import java.util.List;

/**
 * The parts of a {@code pg_type} row that decide how values of a type convert: its kind, element type and
 * delimiter (arrays), base type (domains), attributes (composites) and send function (whether binary mode can
 * read it as text).
 *
 * @param type        {@code typtype}: b base, c composite, d domain, e enum, p pseudo, r range, m multirange
 * @param elementOid  {@code typelem} of an array type ({@code typsubscript = array_subscript_handler} or
 *                    {@code typcategory = 'A'}), else 0
 * @param attributes  the composite's live attributes in order, else empty
 */
public record TypeDescription(int oid, String name, char type, int elementOid, char delimiter, int baseTypeOid,
                              String sendFunction, List<Attribute> attributes) {

    public static final char BASE = 'b';
    public static final char COMPOSITE = 'c';
    public static final char DOMAIN = 'd';
    public static final char ENUM = 'e';

    /** One attribute of a composite type. */
    public record Attribute(String name, int typeOid) {
    }
}
