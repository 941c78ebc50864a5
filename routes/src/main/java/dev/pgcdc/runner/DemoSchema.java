package dev.pgcdc.runner;

import dev.pgcdc.embedded.PostgresServer;

/** The embedded demo database: customers and their orders, with a note column that PostgreSQL stores out of line. */
final class DemoSchema {

    static final String TABLES = "public.customers,public.orders";

    private DemoSchema() {
    }

    static void create(PostgresServer server) {
        server.execute(
                "CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL,"
                + " created_at timestamptz NOT NULL DEFAULT now())",
                "CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers,"
                + " status text NOT NULL, amount numeric(10,2) NOT NULL, note text,"
                + " created_at timestamptz NOT NULL DEFAULT now())",
                // EXTERNAL: long notes go to the TOAST table uncompressed, so an update that leaves a note alone
                // shows it under "unchanged" even though the demo's notes are repetitive
                "ALTER TABLE orders ALTER COLUMN note SET STORAGE EXTERNAL",
                "INSERT INTO customers (name, email) VALUES ('Ada', 'ada@example.com'), ('Grace', 'grace@example.com')");
    }
}
