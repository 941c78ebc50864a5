package dev.pgcdc.setup;

import dev.pgcdc.pg.TableName;

import java.util.Set;

/**
 * An existing publication.
 *
 * @param owned           the role owns it or is a member of its owner, so it may add tables
 * @param schemas         schemas published with {@code FOR TABLES IN SCHEMA} (PG15+)
 * @param listedTables    tables named explicitly ({@code pg_publication_rel})
 * @param publishedTables every table the publication currently publishes ({@code pg_publication_tables})
 * @param viaRoot         {@code publish_via_partition_root}; null before PG13, which lacks it
 * @param operations      what it publishes, of insert, update, delete and truncate (truncate from PG11)
 * @param comment         its comment ({@code COMMENT ON PUBLICATION}), null when none; pgcdc marks what it creates
 */
public record PublicationFacts(String name, boolean owned, boolean allTables, Set<String> schemas,
        Set<TableName> listedTables, Set<TableName> publishedTables, Boolean viaRoot, Set<String> operations,
        String comment) {

    /** The operations of a publication created without a {@code publish} option. */
    public static final Set<String> ALL_OPERATIONS = Set.of("insert", "update", "delete", "truncate");

    public PublicationFacts {
        schemas = Set.copyOf(schemas);
        listedTables = Set.copyOf(listedTables);
        publishedTables = Set.copyOf(publishedTables);
        operations = Set.copyOf(operations);
    }

    /** The comment pgcdc gives a publication it creates for {@code slot} under a name of the user's choice. */
    public static String mark(String slot) {
        return "pgcdc:" + slot;
    }

    /** Whether pgcdc created it for {@code slot}, so it is pgcdc's own to change whatever its name. */
    public boolean markedFor(String slot) {
        return mark(slot).equals(comment);
    }

    public PublicationForm form() {
        if (allTables) {
            return PublicationForm.ALL_TABLES;
        }
        return schemas.isEmpty() ? PublicationForm.TABLE_LIST : PublicationForm.TABLES_IN_SCHEMA;
    }

    /** Whether changes of {@code table} are published, including a table created later in a published schema. */
    public boolean covers(TableName table) {
        return allTables || schemas.contains(table.schema()) || listedTables.contains(table)
                || publishedTables.contains(table);
    }
}
