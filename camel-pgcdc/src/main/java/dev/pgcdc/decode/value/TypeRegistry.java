package dev.pgcdc.decode.value;

import dev.pgcdc.pg.TypeCatalog;
import dev.pgcdc.pg.TypeDescription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the {@link ValueCodec} for a type OID: built-in scalars and their arrays from {@link BuiltinType}, everything
 * else from the {@link TypeCatalog} (arrays of any type, domains as their base type, composites attribute by attribute,
 * hstore by its name as a map, enums and other types as their text). Codecs are cached per OID; a Type message
 * ({@link #forget}) drops one, so a changed composite is read again.
 */
public final class TypeRegistry {

    /**
     * Send functions whose binary form is the value's text in the database encoding (UTF-8 here), so binary mode
     * can read those types as their text: citext, enums, and the like.
     */
    private static final Set<String> TEXT_SEND_FUNCTIONS = Set.of("textsend", "varcharsend", "bpcharsend",
            "namesend", "citextsend", "enum_send", "xml_send", "unknownsend");

    private final TypeCatalog catalog;
    private final boolean rawText;
    private final Map<Integer, ValueCodec> codecs = new HashMap<>();

    private TypeRegistry(TypeCatalog catalog, boolean rawText) {
        this.catalog = catalog;
        this.rawText = rawText;
    }

    /** Natural Java values (see {@link BuiltinType}); unknown types resolved through {@code catalog}. */
    public static TypeRegistry natural(TypeCatalog catalog) {
        return new TypeRegistry(catalog, false);
    }

    /** Every value as its PostgreSQL text form (option {@code valueFormat=text}); text mode only. */
    public static TypeRegistry rawText() {
        return new TypeRegistry(oid -> null, true); // never asked: every type stays text
    }

    /** Whether binary mode can decode values of the type. */
    public boolean hasBinary(int oid) {
        return codec(oid).hasBinary();
    }

    /** The type's name as the decoder knows it, e.g. {@code int4}, {@code mood}, {@code point[]}. */
    public String typeName(int oid) {
        return codec(oid).typeName();
    }

    public ValueCodec codec(int oid) {
        ValueCodec codec = codecs.get(oid);
        if (codec == null) {
            codec = resolve(oid);
            codecs.put(oid, codec);
        }
        return codec;
    }

    /** The type changed (or may have): resolve it again on next use. */
    public void forget(int oid) {
        codecs.remove(oid);
    }

    private ValueCodec resolve(int oid) {
        if (rawText) {
            return new TextCodec(BuiltinType.nameOf(oid), false);
        }
        BuiltinType builtin = BuiltinType.of(oid);
        if (builtin != null) {
            return builtin;
        }
        BuiltinType element = BuiltinType.elementOf(oid);
        if (element != null) {
            return new ArrayCodec(element, ',');
        }
        TypeDescription type = catalog.type(oid);
        if (type == null) {
            return new TextCodec(BuiltinType.nameOf(oid), false);
        }
        if (type.elementOid() != 0) {
            return new ArrayCodec(codec(type.elementOid()), type.delimiter());
        }
        switch (type.type()) {
            case TypeDescription.DOMAIN:
                return codec(type.baseTypeOid());
            case TypeDescription.COMPOSITE:
                List<String> names = new ArrayList<>();
                List<ValueCodec> fields = new ArrayList<>();
                for (TypeDescription.Attribute attribute : type.attributes()) {
                    names.add(attribute.name());
                    fields.add(codec(attribute.typeOid()));
                }
                return new CompositeCodec(type.name(), names, fields);
            default:
                if (type.type() == TypeDescription.BASE && HstoreCodec.TYPE_NAME.equals(type.name())) {
                    return new HstoreCodec();
                }
                return new TextCodec(type.name(), TEXT_SEND_FUNCTIONS.contains(type.sendFunction()));
        }
    }
}
