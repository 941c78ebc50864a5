package dev.pgcdc.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import dev.pgcdc.embedded.junit.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The one catalog's answers: a table's live columns and its key as the stream sees it under every replica identity. */
class PgCatalogTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    private static Connection connection;
    private static PgCatalog catalog;

    @BeforeAll
    static void tables() throws Exception {
        connection = PG.server().connect();
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE DOMAIN cat_amount AS numeric(10,2) CHECK (VALUE > 0)");
            s.execute("CREATE TABLE cat_default (id int, b int, gone int, c text NOT NULL, amount cat_amount,"
                    + " doubled int GENERATED ALWAYS AS (id * 2) STORED, tags text[], PRIMARY KEY (b, id))");
            s.execute("ALTER TABLE cat_default DROP COLUMN gone");
            s.execute("CREATE TABLE cat_index (id int PRIMARY KEY, email text NOT NULL,"
                    + " CONSTRAINT cat_index_email UNIQUE (email))");
            s.execute("ALTER TABLE cat_index REPLICA IDENTITY USING INDEX cat_index_email");
            s.execute("CREATE TABLE cat_full (id int PRIMARY KEY, v text)");
            s.execute("ALTER TABLE cat_full REPLICA IDENTITY FULL");
            s.execute("CREATE TABLE cat_full_keyless (v text)");
            s.execute("ALTER TABLE cat_full_keyless REPLICA IDENTITY FULL");
            s.execute("CREATE TABLE cat_nothing (id int PRIMARY KEY, v text)");
            s.execute("ALTER TABLE cat_nothing REPLICA IDENTITY NOTHING");
            s.execute("CREATE TABLE cat_include (id int, extra int, PRIMARY KEY (id) INCLUDE (extra))");
            s.execute("CREATE PUBLICATION cat_pub FOR TABLE cat_default (b, id, c) WHERE (b > 0)");
        }
        catalog = new PgCatalog(connection);
    }

    @AfterAll
    static void close() throws Exception {
        connection.close();
    }

    @Test
    void defaultIdentityIsThePrimaryKeyInIndexOrder() throws Exception {
        TableShape shape = catalog.shape(TableName.of("public", "cat_default"), "cat_pub");
        assertThat(shape.replicaIdentity()).isEqualTo(TableShape.IDENTITY_DEFAULT);
        assertThat(shape.key()).containsExactly("b", "id");
        assertThat(shape.columns()).extracting(TableShape.Column::name)
                .containsExactly("id", "b", "c", "amount", "doubled", "tags");
        assertThat(shape.columns()).filteredOn(TableShape.Column::identity).extracting(TableShape.Column::name)
                .containsExactly("id", "b");
        assertThat(shape.column("c").notNull()).isTrue();
        assertThat(shape.column("doubled").generated()).isTrue();
        assertThat(shape.column("amount").declaredType()).isEqualTo("cat_amount");
        assertThat(shape.column("amount").base()).isEqualTo(new TableShape.BaseType("numeric", 'b', 'N', (char) 0,
                (10 << 16 | 2) + 4));
        assertThat(shape.column("tags").base().category()).isEqualTo('A');
        assertThat(shape.column("tags").base().elementKind()).isEqualTo('b');
        assertThat(shape.publication()).isEqualTo(new TableShape.Publication("cat_pub", true, List.of("id", "b", "c"),
                "(b > 0)"));
        assertThat(shape.streamedColumns()).extracting(TableShape.Column::name).containsExactly("id", "b", "c");
    }

    @Test
    void usingIndexIsTheIndexsColumns() throws Exception {
        TableShape shape = catalog.shape(TableName.of("public", "cat_index"), "cat_pub");
        assertThat(shape.key()).containsExactly("email");
        assertThat(shape.primaryKey()).containsExactly("id");
        assertThat(shape.columns()).filteredOn(TableShape.Column::identity).extracting(TableShape.Column::name)
                .containsExactly("email");
        assertThat(shape.publication().includes()).isFalse();
    }

    @Test
    void fullIsThePrimaryKeyIfAnyElseNone() throws Exception {
        TableShape keyed = catalog.shape(TableName.of("public", "cat_full"), null);
        assertThat(keyed.key()).containsExactly("id");
        assertThat(keyed.columns()).allMatch(TableShape.Column::identity);
        assertThat(catalog.primaryKey(keyed.oid())).containsExactly("id");
        TableShape keyless = catalog.shape(TableName.of("public", "cat_full_keyless"), null);
        assertThat(keyless.key()).isEmpty();
        assertThat(keyless.publication()).isNull();
    }

    @Test
    void nothingIsThePrimaryKeyWithNoColumnFlagged() throws Exception {
        TableShape shape = catalog.shape(TableName.of("public", "cat_nothing"), null);
        assertThat(shape.key()).containsExactly("id");
        assertThat(shape.columns()).noneMatch(TableShape.Column::identity);
    }

    @Test
    void includedColumnsAreNotKeyColumns() throws Exception {
        assertThat(catalog.shape(TableName.of("public", "cat_include"), null).key()).containsExactly("id");
    }

    @Test
    void shapesOfSeveralTablesInOneQuery() throws Exception {
        assertThat(catalog.shapes(List.of(TableName.of("public", "cat_full"), TableName.of("public", "cat_missing"),
                TableName.of("public", "cat_nothing"))).keySet())
                .containsExactlyInAnyOrder(TableName.of("public", "cat_full"), TableName.of("public", "cat_nothing"));
    }

    @Test
    void aMissingTableHasNoShape() throws Exception {
        assertThat(catalog.shape(TableName.of("public", "cat_missing"), null)).isNull();
        assertThat(catalog.primaryKey(1)).isNull();
    }
}
