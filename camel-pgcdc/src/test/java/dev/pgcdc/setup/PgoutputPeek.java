package dev.pgcdc.setup;

import static dev.pgcdc.pg.Identifiers.quote;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Proves that changes stream from a slot without consuming it: peeks at pgoutput (protocol 1) messages with
 * {@code pg_logical_slot_peek_binary_changes} and names each insert, update and delete as
 * {@code "schema.table:I"}. A stand-in until the consumer exists; end-to-end tests should then use it.
 */
final class PgoutputPeek {

    private PgoutputPeek() {
    }

    static List<String> changes(Connection connection, String slot, String publication) throws SQLException {
        String sql = "SELECT data FROM pg_logical_slot_peek_binary_changes(?, NULL, NULL, 'proto_version', '1',"
                + " 'publication_names', ?)";
        Map<Integer, String> relations = new HashMap<>();
        List<String> changes = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, slot);
            statement.setString(2, quote(publication));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ByteBuffer message = ByteBuffer.wrap(rows.getBytes(1));
                    char type = (char) message.get();
                    if (type == 'R') {
                        int relationId = message.getInt();
                        relations.put(relationId, cString(message) + "." + cString(message));
                    } else if (type == 'I' || type == 'U' || type == 'D') {
                        changes.add(relations.get(message.getInt()) + ":" + type);
                    }
                }
            }
        }
        return changes;
    }

    private static String cString(ByteBuffer buffer) {
        int start = buffer.position();
        while (buffer.get() != 0) {
            // advance to the terminating NUL
        }
        return new String(buffer.array(), start, buffer.position() - start - 1, StandardCharsets.UTF_8);
    }
}
