package dev.pgcdc.connect;

import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.sql.SQLException;

/**
 * Makes one message out of a failed connect: where we tried to connect (never the password), what pgjdbc said,
 * including the cause it often hides behind "The connection attempt failed.", and what to check. The SQL state is
 * kept, so callers can still tell the kinds apart.
 */
final class ConnectFailure {

    private static final String AUTH_FAILED = "28P01";
    private static final String INVALID_AUTHORIZATION = "28000";

    private ConnectFailure() {
    }

    static SQLException of(SQLException e, ConnectionSettings settings) {
        String said = String.valueOf(e.getMessage());
        StringBuilder message = new StringBuilder("Cannot connect to ").append(settings).append(": ")
                .append(said.endsWith(".") ? said.substring(0, said.length() - 1) : said);
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !said.contains(cause.getMessage())) {
            message.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage())
                    .append(')');
        }
        String hint = hint(e, settings);
        if (hint != null) {
            message.append(". ").append(hint);
        }
        return new SQLException(message.toString(), e.getSQLState(), e);
    }

    private static String hint(SQLException e, ConnectionSettings settings) {
        if (causedBy(e, UnknownHostException.class)) {
            return "The host name " + settings.host() + " does not resolve: check the host option";
        }
        if (causedBy(e, SocketTimeoutException.class)) {
            return "No answer within connectTimeout=" + settings.connectTimeoutSeconds() + "s: check host, port and"
                    + " firewalls";
        }
        if (causedBy(e, CertPathBuilderException.class) || causedBy(e, CertPathValidatorException.class)) {
            return "The server's certificate is not signed by the root certificate (" + settings.ssl() + ")";
        }
        String text = String.valueOf(e.getMessage());
        if (text.contains("could not be verified by hostnameverifier")) {
            return "The server's certificate is not issued for host " + settings.host() + " (sslMode="
                    + settings.ssl().mode() + "): connect with a host name the certificate names";
        }
        if (settings.isHostList() && text.contains("targetServerType")) {
            return "None of the servers in host is a primary that accepts connections now (during a failover, until"
                    + " a standby is promoted)";
        }
        if (text.contains("does not support SSL")) {
            return "sslMode=" + settings.ssl().mode() + " requires TLS, but the server has ssl=off";
        }
        if (AUTH_FAILED.equals(e.getSQLState()) || INVALID_AUTHORIZATION.equals(e.getSQLState())) {
            return "Check the user, password (or passwordFile) and client certificate options";
        }
        return null;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
