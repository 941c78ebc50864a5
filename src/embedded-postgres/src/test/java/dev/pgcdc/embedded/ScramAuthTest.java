package dev.pgcdc.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScramAuthTest {

    private static PostgresCluster pg;

    @BeforeAll
    static void start() {
        pg = PostgresCluster.builder().hostAuth(HostAuth.SCRAM_SHA_256).superuser("admin", "s3cret").start();
    }

    @AfterAll
    static void stop() {
        pg.stop();
    }

    @Test
    void checksPasswordsOfRolesWithAwkwardNames() throws SQLException {
        String role = "we\"ird Role";
        pg.createRole(role, "LOGIN", "PASSWORD " + SqlQuoting.literal("it's right"));

        try (Connection connection = pg.connect(role, "it's right")) {
            assertThat(connection.getMetaData().getUserName()).isEqualTo(role);
        }
        assertThatThrownBy(() -> pg.connect(role, "wrong"))
                .isInstanceOf(PostgresException.class)
                .cause().isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(e.getSQLState()).isEqualTo("28P01")); // invalid_password
    }

    @Test
    void theNamedSuperuserNeedsItsPassword() {
        assertThat(pg.queryForObject("SELECT current_user::text", String.class)).isEqualTo("admin");
        assertThatThrownBy(() -> pg.connect("admin", "guess")).isInstanceOf(PostgresException.class);
    }

    @Test
    void createsDatabasesWithQuotedNames() throws SQLException {
        pg.createDatabase("My \"db\"");
        try (Connection connection = pg.connectTo("My \"db\"")) {
            assertThat(connection.getCatalog()).isEqualTo("My \"db\"");
        }
    }
}
