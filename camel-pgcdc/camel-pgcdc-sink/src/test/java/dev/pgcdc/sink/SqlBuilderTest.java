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
        assertThat(sql.deleteAll(TABLE, List.of("Id col"), List.of("bigint[]")))
                .isEqualTo("DELETE FROM \"public\".\"we\"\"ird\" WHERE \"Id col\" = ANY(?::bigint[])");
        assertThat(sql.deleteAll(TABLE, List.of("a", "b\""), List.of("integer[]", "\"My type\"[]")))
                .isEqualTo("DELETE FROM \"public\".\"we\"\"ird\" WHERE (\"a\", \"b\"\"\") IN (SELECT * FROM"
                        + " unnest(?::integer[], ?::\"My type\"[]))");
    }
}
