package dev.pgcdc.sink;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.regex.Pattern;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A change could not be applied to the target; the message names the change, the target table and what failed, but
 * no row value: they are not for logs (see {@link #describe}).
 */
public class SinkException extends RuntimeException {

    /** Quoted text in a driver's message, which may be a value: {@code "abc"}, {@code 'abc'}, {@code `abc`}. */
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|'[^']*'|`[^`]*`");
    private static final String LEFT_OUT = "(value left out)";

    private final String sqlState;

    public SinkException(String message) {
        this(message, null, null);
    }

    public SinkException(String message, Throwable cause) {
        this(message, cause, null);
    }

    private SinkException(String message, Throwable cause, String sqlState) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /**
     * {@code what} failed with {@code failure}, told by {@link #describe}. A JDBC failure is not kept as the cause:
     * its message holds row values (the statement's parameters, the server's detail); its SQLSTATE is kept.
     */
    static SinkException of(String what, Throwable failure) {
        String message = what + ": " + describe(failure);
        SQLException sql = sqlException(failure);
        return sql != null ? new SinkException(message, null, sql.getSQLState()) : new SinkException(message, failure);
    }

    /** The target's SQLSTATE when a statement failed, else null. */
    public String getSQLState() {
        return sqlState;
    }

    /**
     * What failed, without row values: PostgreSQL's primary message (not its detail, context or the statement, which
     * quote rows), with the quoted value of a data exception left out, the SQLSTATE, the table, column and constraint
     * the server names, and what to do; another driver's message with its quoted text left out.
     */
    static String describe(Throwable failure) {
        SQLException sql = sqlException(failure);
        if (sql == null) {
            return failure instanceof SinkException ? failure.getMessage() : failure.toString();
        }
        String state = sql.getSQLState();
        ServerErrorMessage server = sql instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        StringBuilder text = new StringBuilder();
        if (server != null && server.getMessage() != null) {
            boolean dataException = state != null && state.startsWith("22");
            text.append(dataException ? QUOTED.matcher(server.getMessage()).replaceAll(LEFT_OUT) : server.getMessage());
        } else {
            text.append(sql.getMessage() == null ? sql.getClass().getName()
                    : QUOTED.matcher(sql.getMessage()).replaceAll(LEFT_OUT));
        }
        text.append(" (SQLSTATE ").append(state);
        if (server != null) {
            name(text, "table", server.getTable());
            name(text, "column", server.getColumn());
            name(text, "constraint", server.getConstraint());
        }
        text.append(')');
        if (state != null && state.startsWith("22")) {
            text.append(": a value the target column does not take; change the column's type, or convert or filter"
                    + " such values in the route");
        } else if (state != null && state.startsWith("23")) {
            text.append(": the target refuses the row; change the target's constraint, or filter such changes out"
                    + " in the route");
        }
        return text.toString();
    }

    private static void name(StringBuilder text, String what, String name) {
        if (name != null) {
            text.append(", ").append(what).append(' ').append(name);
        }
    }

    /** The JDBC failure in {@code failure}: a batch's first failed statement rather than the batch. */
    private static SQLException sqlException(Throwable failure) {
        if (failure instanceof BatchUpdateException batch && batch.getNextException() != null) {
            return batch.getNextException();
        }
        return failure instanceof SQLException sql ? sql : null;
    }
}
