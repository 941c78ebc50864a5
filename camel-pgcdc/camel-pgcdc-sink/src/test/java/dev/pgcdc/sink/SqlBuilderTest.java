package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.pgcdc.pg.TableName;
import org.junit.jupiter.api.Test;

class SqlBuilderTest {

    private static final TableName TABLE = TableName.of("public", "we\"ird");

    @Test
    void anUpsertOfANewShapeIsBuiltAtOnceAndThenServedFromTheCache() {
        SqlBuilder sql = new SqlBuilder(new PostgresDialect());
        // a first upsert of its shape used to fail (the text was built through the cache, inside its computeIfAbsent),
        // which the sink hid by replaying the batch, and reported as a failed change when the batch was one change
        String upsert = sql.upsert(TABLE, List.of("id", "name", "doc"), List.of("id"));
        assertThat(upsert).isEqualTo("INSERT INTO \"public\".\"we\"\"ird\" (\"id\", \"name\", \"doc\") VALUES (?, ?, ?)"
                + " ON CONFLICT (\"id\") DO UPDATE SET \"name\" = EXCLUDED.\"name\", \"doc\" = EXCLUDED.\"doc\"");
        assertThat(sql.upsert(TABLE, List.of("id", "name", "doc"), List.of("id"))).isSameAs(upsert);
        assertThat(sql.insert(TABLE, List.of("id", "name", "doc"), List.of("id"), List.of("name", "doc")))
                .isEqualTo(upsert);
    }

    @Test
    void deletesOfManyKeysTakeOneArrayPerKeyColumn() {
        SqlBuilder sql = new SqlBuilder(new PostgresDialect());
        Dialect.KeyDeletes one = new Dialect.KeyDeletes(TABLE, List.of("Id col"), List.of("bigint[]"), 1000);
        assertThat(sql.deleteAll(one, 2))
                .isEqualTo("DELETE FROM \"public\".\"we\"\"ird\" WHERE \"Id col\" = ANY(?::bigint[])");
        assertThat(sql.deleteAll(one, 700)).isSameAs(sql.deleteAll(one, 3));
        assertThat(sql.deleteAll(new Dialect.KeyDeletes(TABLE, List.of("a", "b\""),
                List.of("integer[]", "\"My type\"[]"), 1000), 5))
                .isEqualTo("DELETE FROM \"public\".\"we\"\"ird\" WHERE (\"a\", \"b\"\"\") IN (SELECT * FROM"
                        + " unnest(?::integer[], ?::\"My type\"[]))");
    }

    /** MariaDB: a list of the keys, of a power of two of them, so that few texts serve runs of any length. */
    @Test
    void mariaDbDeletesOfManyKeysListThemInPowersOfTwo() {
        SqlBuilder sql = new SqlBuilder(new MariaDbDialect("db"));
        TableName table = TableName.of("db", "we`ird");
        Dialect.KeyDeletes one = new Dialect.KeyDeletes(table, List.of("Id col"), List.of(), 512);
        assertThat(sql.deleteAll(one, 2)).isEqualTo("DELETE FROM `db`.`we``ird` WHERE `Id col` IN (?, ?)");
        assertThat(sql.deleteAll(one, 3)).isEqualTo("DELETE FROM `db`.`we``ird` WHERE `Id col` IN (?, ?, ?, ?)");
        assertThat(sql.deleteAll(one, 4)).isSameAs(sql.deleteAll(one, 3));
        assertThat(sql.deleteAll(one, 512)).isSameAs(sql.deleteAll(one, 257));
        assertThat(sql.deleteAll(one, 512).chars().filter(c -> c == '?').count()).isEqualTo(512);
        assertThat(sql.deleteAll(new Dialect.KeyDeletes(table, List.of("a\"", "b`"), List.of(), 256), 3))
                .isEqualTo("DELETE FROM `db`.`we``ird` WHERE (`a\"`, `b```) IN ((?, ?), (?, ?), (?, ?), (?, ?))");
    }
}
