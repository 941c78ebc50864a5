package dev.pgcdc.sink;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A change could not be applied to the target; the message names the change, the target table and what failed, but
 * no row value: they are not for logs (see {@link #describe}).
 */
public class SinkException extends RuntimeException {

    /**
     * What PostgreSQL's data exceptions (SQLSTATE class 22) are, told instead of the server's message: that quotes the
     * value, in the server's language and quotes (which a value may hold too), or its bytes in hex.
     */
    private static final Map<String, String> DATA_EXCEPTIONS = Map.ofEntries(
            Map.entry("22P02", "invalid text representation"),
            Map.entry("22P03", "invalid binary representation"),
            Map.entry("22003", "numeric value out of range"),
            Map.entry("22001", "string data right truncation"),
            Map.entry("22007", "invalid datetime format"),
            Map.entry("22008", "datetime field overflow"),
            Map.entry("22021", "character not in repertoire"),
            Map.entry("22P05", "untranslatable character"),
            Map.entry("22012", "division by zero"),
            Map.entry("22004", "null value not allowed"),
            Map.entry("22023", "invalid parameter value"),
            Map.entry("22032", "invalid json text"));
    private static final String DATA_EXCEPTION = "data exception";

    /**
     * MariaDB/MySQL errors whose message quotes a value (by vendor code), told instead of the message; the others
     * name only identifiers and are kept.
     */
    private static final Map<Integer, String> MARIADB_VALUE_ERRORS = Map.of(
            1062, "duplicate entry",
            1586, "duplicate entry",
            1366, "incorrect value",
            1292, "truncated incorrect value",
            1411, "incorrect value for a function",
            1525, "incorrect value",
            1300, "invalid character string",
            1367, "illegal value",
            1644, "raised by a SIGNAL on the target, message left out as it may carry row values");
    /** The key a MariaDB duplicate entry names, after the value: {@code ... for key 'PRIMARY'}. */
    private static final Pattern MARIADB_KEY = Pattern.compile(" for key '([^']*)'$");
    /**
     * The column a MariaDB incorrect value names, after the value: its last quoted part, {@code ... for column
     * `db`.`t`.`n` at row 1} or {@code ... for column 'n' at row 1}; a quote can not join it to the value.
     */
    private static final Pattern MARIADB_COLUMN = Pattern.compile(" for column .*([`'])([^`']*)\\1 at row \\d+$");
    /**
     * The column a COPY data error names in its context, before the value in text ({@code COPY t, line 1, column n:
     * "v"}), alone in binary ({@code COPY t, line 1, column n}).
     */
    private static final Pattern COPY_COLUMN = Pattern.compile("(?m)^COPY .*?, line \\d+, column ([^:\\n]+)(?::|$)");
    /** The context of a PL/pgSQL RAISE, whose message is the function's, with whatever row values it formats in. */
    private static final Pattern RAISED = Pattern.compile(" at RAISE$", Pattern.MULTILINE);

    private final String sqlState;

    public SinkException(String message) {
        this(message, null, null);
    }

    public SinkException(String message, Throwable cause) {
        this(message, cause, null);
    }

    SinkException(String message, Throwable cause, String sqlState) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /**
     * {@code what} failed with {@code failure}, told by {@link #describe}. A JDBC failure is not kept as the cause:
     * its message holds row values (the statement's parameters, the server's detail); its SQLSTATE is kept.
     */
    static SinkException of(String what, Throwable failure) {
        String message = what + ": " + describe(failure);
        if (failure instanceof SinkException sink) {
            return new SinkException(message, sink, sink.sqlState);
        }
        SQLException sql = sqlException(failure);
        return sql != null ? new SinkException(message, null, sql.getSQLState()) : new SinkException(message, failure);
    }

    /** The target's SQLSTATE when a statement failed, else null. */
    public String getSQLState() {
        return sqlState;
    }

    /**
     * What failed, without row values: PostgreSQL's primary message (not its detail, context or the statement, which
     * quote rows), or for a data exception a fixed description of its SQLSTATE, and nothing of what a trigger or
     * function raised; the SQLSTATE, the table, column and constraint the server names, and what to do. Another
     * driver's message is kept unless it is a MariaDB error that quotes a value.
     */
    static String describe(Throwable failure) {
        if (failure instanceof SinkException) {
            return failure.getMessage();
        }
        SQLException sql = sqlException(failure);
        if (sql == null) {
            return failure.toString();
        }
        String state = sql.getSQLState();
        boolean dataException = state != null && state.startsWith("22");
        ServerErrorMessage server = sql instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        String where = server != null ? server.getWhere() : null;
        String column = server != null ? server.getColumn() : null;
        if (column == null && where != null) {
            Matcher copy = COPY_COLUMN.matcher(where);
            column = copy.find() ? copy.group(1) : null;
        }
        boolean raised = state != null && state.startsWith("P0") || where != null && RAISED.matcher(where).find();
        StringBuilder text = new StringBuilder();
        if (sql instanceof PSQLException && dataException) {
            text.append(DATA_EXCEPTIONS.getOrDefault(state, DATA_EXCEPTION));
        } else if (raised) {
            text.append("raised by a trigger or function on the target, message left out as it may carry row values");
        } else if (server != null && server.getMessage() != null) {
            text.append(server.getMessage());
        } else if (!(sql instanceof PSQLException) && MARIADB_VALUE_ERRORS.containsKey(sql.getErrorCode())) {
            text.append(MARIADB_VALUE_ERRORS.get(sql.getErrorCode()));
            String message = sql.getMessage() == null ? "" : sql.getMessage().strip();
            Matcher key = MARIADB_KEY.matcher(message);
            Matcher named = MARIADB_COLUMN.matcher(message);
            if (key.find()) {
                text.append(" for key ").append(key.group(1));
            } else if (named.find()) {
                text.append(" for column ").append(named.group(2));
            }
        } else {
            text.append(sql.getMessage() == null ? sql.getClass().getName() : sql.getMessage());
        }
        Throwable underneath = server == null ? notSql(sql) : null;
        if (underneath != null) {
            // the client's own failure (connect, I/O) says why only in its cause, which holds no row values
            text.append(" (").append(underneath).append(')');
        }
        List<String> names = new ArrayList<>();
        if (state != null) {
            names.add("SQLSTATE " + state);
        }
        if (server != null) {
            name(names, "table", server.getTable());
            name(names, "column", column);
            name(names, "constraint", server.getConstraint());
        }
        if (!names.isEmpty()) {
            text.append(" (").append(String.join(", ", names)).append(')');
        }
        if (dataException) {
            text.append(": a value the target column does not take; change the column's type, or convert or filter"
                    + " such values in the route");
        } else if (raised) {
            text.append(": see the target table's triggers and the functions they call for what they refuse");
        } else if (state != null && state.startsWith("23")) {
            text.append(": the target refuses the row; change the target's constraint, or filter such changes out"
                    + " in the route");
        }
        return text.toString();
    }

    private static void name(List<String> names, String what, String name) {
        if (name != null) {
            names.add(what + " " + name);
        }
    }

    /**
     * The JDBC failure in {@code failure}'s chain (next exceptions, then causes): PostgreSQL's own report if there is
     * one, as only it names the table, column and constraint; else the first that is not a batch's summary.
     */
    private static SQLException sqlException(Throwable failure) {
        SQLException first = null;
        for (Throwable e : chain(failure, SinkException::next)) {
            if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                return psql;
            }
            if (first == null && e instanceof SQLException sql
                    && !(sql instanceof BatchUpdateException && sql.getNextException() != null)) {
                first = sql;
            }
        }
        return first;
    }

    /** The first cause under {@code sql} that is not a JDBC failure, or null. */
    private static Throwable notSql(SQLException sql) {
        for (Throwable e : chain(sql.getCause(), Throwable::getCause)) {
            if (!(e instanceof SQLException)) {
                return e;
            }
        }
        return null;
    }

    /** {@code start} and each failure {@code step} leads to from it, once each: a chain may loop. */
    private static List<Throwable> chain(Throwable start, UnaryOperator<Throwable> step) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable e = start; e != null && seen.add(e); e = step.apply(e)) {
            chain.add(e);
        }
        return chain;
    }

    private static Throwable next(Throwable e) {
        return e instanceof SQLException sql && sql.getNextException() != null ? sql.getNextException() : e.getCause();
    }
}
