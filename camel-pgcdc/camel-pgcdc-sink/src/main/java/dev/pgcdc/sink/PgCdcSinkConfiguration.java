package dev.pgcdc.sink;

import javax.sql.DataSource;

import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;

/**
 * Endpoint options of {@code pgcdc-sink:} as the URI sets them; the component's copy holds the defaults of its
 * endpoints. The endpoint checks them when it is created.
 */
@UriParams
public class PgCdcSinkConfiguration implements Cloneable {

    @UriPath(description = "A name for this sink, used in thread names and messages.")
    @Metadata(required = true)
    private String name;

    @UriParam(label = "common", secret = true, description = "The target database's JDBC URL, e.g."
            + " jdbc:postgresql://replica/shop or jdbc:mariadb://dw:3306/shop. Either this or dataSource. Secret, as"
            + " it may hold a password.")
    private String jdbcUrl;
    @UriParam(label = "common", description = "The target as a DataSource bean, e.g. #myDataSource; instead of jdbcUrl.")
    private DataSource dataSource;
    @UriParam(label = "security", secret = true, description = "The user for jdbcUrl.")
    private String user;
    @UriParam(label = "security", secret = true, description = "The password for jdbcUrl; use a placeholder such as"
            + " {{env:TARGET_PASSWORD}}, or passwordFile.")
    private String password;
    @UriParam(label = "security", description = "A file holding the password for jdbcUrl; one final line break is"
            + " ignored.")
    private String passwordFile;

    @UriParam(label = "common", defaultValue = "upsert", enums = "upsert,append,softDelete",
              description = "How changes are applied: upsert (insert-or-update by key, delete deletes), append (every"
                            + " change appended as a row with _pgcdc_op, _pgcdc_commit_lsn, _pgcdc_seq, _pgcdc_lsn,"
                            + " _pgcdc_commit_ts), softDelete (as upsert, but a delete sets _pgcdc_deleted = true).")
    private SinkMode mode = SinkMode.UPSERT;
    @UriParam(label = "common", description = "Per-table modes overriding mode, comma-separated table:mode, tables"
            + " written as in SQL: public.audit:append,orders:softDelete.")
    private String tableModes;
    @UriParam(label = "common", description = "Source to target table names, comma-separated source:target, written"
            + " as in SQL: public.orders:archive.orders_copy. Unmapped tables keep their schema and name, see also"
            + " targetSchema.")
    private String tableMapping;
    @UriParam(label = "common", description = "The target schema (MariaDB: database) for tables that tableMapping"
            + " does not name; by default the source table's schema on PostgreSQL, the database named in jdbcUrl on"
            + " MariaDB/MySQL (where a table mapped to a name without schema goes too).")
    private String targetSchema;
    @UriParam(label = "common", description = "Source columns not written to the target, comma-separated: column"
            + " (in every table) or schema.table.column, e.g. ssn,public.users.password_hash.")
    private String excludeColumns;
    @UriParam(label = "common", defaultValue = "true", description = "Apply truncates: upsert deletes every row,"
            + " softDelete marks every row deleted, append appends a row with op t. False ignores them.")
    private boolean applyTruncate = true;
    @UriParam(label = "common", defaultValue = "false", description = "Create a missing target table when the first"
            + " change of its source table arrives: with the source's column types on PostgreSQL, with a documented"
            + " type mapping on MariaDB/MySQL, keyed like the source (append mode: by _pgcdc_commit_lsn, _pgcdc_seq)."
            + " The sink reads the column types from the source, so the change must come straight from a pgcdc:"
            + " consumer in the same route. A type the target cannot hold fails the change before anything is written."
            + " Columns the source gains later are added (nullable) before the first change that writes them.")
    private boolean createTables;

    @UriParam(label = "producer", defaultValue = "500", description = "The most changes applied in one target"
            + " transaction. Keep it below the pgcdc consumer's maxInflight: the sink holds a transaction's exchanges"
            + " until it commits them.")
    private int batchSize = 500;
    @UriParam(label = "producer", defaultValue = "200", javaType = "java.time.Duration", description = "How long"
            + " changes wait for the rest of their source transaction before they are committed anyway (only when the"
            + " end of the transaction is unknown, e.g. because the route filtered out its last change).")
    private long batchTimeout = 200;

    public PgCdcSinkConfiguration copy() {
        try {
            return (PgCdcSinkConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getJdbcUrl() {
        return jdbcUrl;
    }

    public void setJdbcUrl(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    public DataSource getDataSource() {
        return dataSource;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getPasswordFile() {
        return passwordFile;
    }

    public void setPasswordFile(String passwordFile) {
        this.passwordFile = passwordFile;
    }

    public SinkMode getMode() {
        return mode;
    }

    public void setMode(SinkMode mode) {
        this.mode = mode;
    }

    public String getTableModes() {
        return tableModes;
    }

    public void setTableModes(String tableModes) {
        this.tableModes = tableModes;
    }

    public String getTableMapping() {
        return tableMapping;
    }

    public void setTableMapping(String tableMapping) {
        this.tableMapping = tableMapping;
    }

    public String getTargetSchema() {
        return targetSchema;
    }

    public void setTargetSchema(String targetSchema) {
        this.targetSchema = targetSchema;
    }

    public String getExcludeColumns() {
        return excludeColumns;
    }

    public void setExcludeColumns(String excludeColumns) {
        this.excludeColumns = excludeColumns;
    }

    public boolean isApplyTruncate() {
        return applyTruncate;
    }

    public void setApplyTruncate(boolean applyTruncate) {
        this.applyTruncate = applyTruncate;
    }

    public boolean isCreateTables() {
        return createTables;
    }

    public void setCreateTables(boolean createTables) {
        this.createTables = createTables;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public long getBatchTimeout() {
        return batchTimeout;
    }

    public void setBatchTimeout(long batchTimeout) {
        this.batchTimeout = batchTimeout;
    }
}
