package dev.pgcdc.pg;

/** Where {@link TypeRegistry} learns how a type that is not built in is made. */
public interface TypeCatalog {

    /** The type's description, or null if there is no such type. */
    TypeDescription type(int oid);
}
