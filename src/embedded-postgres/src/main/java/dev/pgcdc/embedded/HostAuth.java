package dev.pgcdc.embedded;

/** How connections over TCP (127.0.0.1) authenticate, for both normal and replication connections. */
public enum HostAuth {
    /** Any password, or none, is accepted: the default for tests. */
    TRUST("trust"),
    /** Passwords are checked: for tests of wrong credentials and of users without privileges. */
    SCRAM_SHA_256("scram-sha-256");

    private final String hbaMethod;

    HostAuth(String hbaMethod) {
        this.hbaMethod = hbaMethod;
    }

    String hbaMethod() {
        return hbaMethod;
    }
}
