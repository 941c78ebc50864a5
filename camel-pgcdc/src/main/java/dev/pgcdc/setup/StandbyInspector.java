package dev.pgcdc.setup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.pg.Identifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, on a standby the consumer can reach (an entry of the host list), the settings slot sync needs there
 * (PostgreSQL 17+), and says what is missing with the fix. The primary cannot see them.
 */
public final class StandbyInspector {

    private static final Logger LOG = LoggerFactory.getLogger(StandbyInspector.class);

    /**
     * primary_conninfo is only visible to superusers and pg_read_all_settings: pg_settings then has no row, and
     * whether it names a database stays unknown.
     */
    private static final String SETTINGS_SQL = """
            SELECT pg_is_in_recovery(), current_setting('hot_standby_feedback')::bool,
                   current_setting('sync_replication_slots')::bool, current_setting('primary_slot_name'),
                   (SELECT setting FROM pg_settings WHERE name = 'primary_conninfo')""";

    /** {@code dbname=...} among key/value pairs, or a database in the path of a connection URI. */
    private static final Pattern NAMES_DATABASE = Pattern.compile(
            "(^|\\s)dbname\\s*=\\s*\\S|^postgres(ql)?://[^/?]*/[^?\\s]+");

    private StandbyInspector() {
    }

    /**
     * What slot sync lacks on each standby of the host list that can be reached; one that cannot is skipped, with a
     * note in the log.
     */
    static List<String> missingOnStandbys(PgConnector hosts, String slot) {
        List<String> warnings = new ArrayList<>();
        for (String address : hosts.settings().addresses()) {
            try (Connection server = hosts.openBoundedAt(address, "pgcdc " + slot + " setup")) {
                warnings.addAll(missing(server, address, hosts.settings().database()));
            } catch (SQLException e) {
                LOG.info("pgcdc:{}: cannot check {} for slot sync, so its settings go unchecked: {}", slot, address,
                        e.getMessage());
            }
        }
        return warnings;
    }

    /**
     * What slot sync still lacks on the server behind {@code standby}; nothing when that server is no standby
     * (the primary of a host list).
     *
     * @param address  how the server is named in messages
     * @param database the database pgcdc captures, suggested for primary_conninfo's dbname
     */
    public static List<String> missing(Connection standby, String address, String database) throws SQLException {
        List<String> fixes = new ArrayList<>();
        List<String> lacks = new ArrayList<>();
        try (PreparedStatement statement = standby.prepareStatement(SETTINGS_SQL);
                ResultSet row = statement.executeQuery()) {
            row.next();
            if (!row.getBoolean(1)) {
                return List.of();
            }
            if (!row.getBoolean(2)) {
                lacks.add("hot_standby_feedback is off (the primary may remove rows the synced slot still needs,"
                        + " which invalidates it)");
                fixes.add("ALTER SYSTEM SET hot_standby_feedback = on;");
            }
            if (!row.getBoolean(3)) {
                lacks.add("sync_replication_slots is off (nothing syncs the slot here)");
                fixes.add("ALTER SYSTEM SET sync_replication_slots = on;");
            }
            if (row.getString(4).isEmpty()) {
                lacks.add("primary_slot_name is empty (slot sync only works through a physical slot)");
                fixes.add("ALTER SYSTEM SET primary_slot_name = 'standby1'; (after SELECT"
                        + " pg_create_physical_replication_slot('standby1'); on the primary)");
            }
            String conninfo = row.getString(5);
            if (conninfo != null && !NAMES_DATABASE.matcher(conninfo.strip()).find()) {
                lacks.add("primary_conninfo names no database (slot sync connects to one)");
                fixes.add(conninfoFix(database));
            }
        }
        if (lacks.isEmpty()) {
            return List.of();
        }
        return List.of("slotFailover: on standby " + address + " " + String.join("; ", lacks) + ". Fix there: "
                + String.join(" ", fixes) + " SELECT pg_reload_conf();");
    }

    /** The statement that adds {@code dbname} to primary_conninfo, quoted as conninfo value and as SQL literal. */
    static String conninfoFix(String database) {
        return "ALTER SYSTEM SET primary_conninfo = "
                + Identifiers.quoteLiteral("<its current value> dbname=" + PlanText.conninfoValue(database)) + ";";
    }
}
