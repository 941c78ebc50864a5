package dev.pgcdc.sink.springboot;

import dev.pgcdc.sink.PgCdcSinkConfiguration;
import javax.sql.DataSource;
import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The pgcdc-sink component's options as Spring Boot properties, {@code camel.component.pgcdc-sink.*}: the defaults of
 * every {@code pgcdc-sink:} endpoint. One field per component option of the component's metadata (pgcdc-sink.json),
 * with its description as javadoc, so that spring-boot-configuration-processor lists them for IDEs;
 * {@code PgCdcSinkStarterTest} checks that the two stay in step.
 */
@ConfigurationProperties(prefix = "camel.component.pgcdc-sink")
public class PgCdcSinkComponentConfiguration extends ComponentConfigurationPropertiesCommon {

    /**
     * Whether to enable auto configuration of the pgcdc-sink component. This is enabled by default.
     */
    private Boolean enabled;
    /**
     * Apply truncates: upsert deletes every row, softDelete marks every row deleted, append appends a row
     * with op t. False ignores them.
     */
    private Boolean applyTruncate = true;
    /**
     * Default options for every pgcdc-sink endpoint of this component.
     */
    private PgCdcSinkConfiguration configuration;
    /**
     * Create a missing target table when the first change of its source table arrives: with the source's
     * column types on PostgreSQL, with a documented type mapping on MariaDB/MySQL, keyed like the source
     * (append mode: by _pgcdc_commit_lsn, _pgcdc_seq). The sink reads the column types from the source, so
     * the change must come straight from a pgcdc: consumer in the same route. A type the target cannot hold
     * fails the change before anything is written. Columns the source gains later are added (nullable) before
     * the first change that writes them.
     */
    private Boolean createTables = false;
    /**
     * The target as a DataSource bean, e.g. #myDataSource; instead of jdbcUrl.
     */
    private DataSource dataSource;
    /**
     * Source columns not written to the target, comma-separated: column (in every table) or
     * schema.table.column, e.g. ssn,public.users.password_hash.
     */
    private String excludeColumns;
    /**
     * The target database's JDBC URL, e.g. jdbc:postgresql://replica/shop or jdbc:mariadb://dw:3306/shop.
     * Either this or dataSource.
     */
    private String jdbcUrl;
    /**
     * How changes are applied: upsert (insert-or-update by key, delete deletes), append (every change
     * appended as a row with _pgcdc_op, _pgcdc_lsn, _pgcdc_seq, _pgcdc_commit_ts), softDelete (as upsert, but
     * a delete sets _pgcdc_deleted = true).
     */
    private String mode = "upsert";
    /**
     * Source to target table names, comma-separated source:target, written as in SQL:
     * public.orders:archive.orders_copy. Unmapped tables keep their schema and name, see also targetSchema.
     */
    private String tableMapping;
    /**
     * Per-table modes overriding mode, comma-separated table:mode, tables written as in SQL:
     * public.audit:append,orders:softDelete.
     */
    private String tableModes;
    /**
     * The target schema (MariaDB: database) for tables that tableMapping does not name; by default the source
     * table's schema on PostgreSQL, the database named in jdbcUrl on MariaDB/MySQL (where a table mapped to a
     * name without schema goes too).
     */
    private String targetSchema;
    /**
     * The most changes applied in one target transaction. Keep it below the pgcdc consumer's maxInflight: the
     * sink holds a transaction's exchanges until it commits them.
     */
    private Integer batchSize = 500;
    /**
     * How long changes wait for the rest of their source transaction before they are committed anyway (only
     * when the end of the transaction is unknown, e.g. because the route filtered out its last change).
     */
    private Long batchTimeout = 200L;
    /**
     * Whether the producer should be started lazy (on the first message). By starting lazy you can use this
     * to allow CamelContext and routes to startup in situations where a producer may otherwise fail during
     * starting and cause the route to fail being started. By deferring this startup to be lazy then the
     * startup failure can be handled during routing messages via Camel's routing error handlers. Beware that
     * when the first message is processed then creating and starting the producer may take a little time and
     * prolong the total processing time of the processing.
     */
    private Boolean lazyStartProducer = false;
    /**
     * Whether autowiring is enabled. This is used for automatic autowiring options (the option must be marked
     * as autowired) by looking up in the registry to find if there is a single instance of matching type,
     * which then gets configured on the component. This can be used for automatic configuring JDBC data
     * sources, JMS connection factories, AWS Clients, etc.
     */
    private Boolean autowiredEnabled = true;
    /**
     * The password for jdbcUrl; use a placeholder such as {{env:TARGET_PASSWORD}}, or passwordFile.
     */
    private String password;
    /**
     * A file holding the password for jdbcUrl; one final line break is ignored.
     */
    private String passwordFile;
    /**
     * The user for jdbcUrl.
     */
    private String user;

    public Boolean getApplyTruncate() {
        return applyTruncate;
    }

    public void setApplyTruncate(Boolean applyTruncate) {
        this.applyTruncate = applyTruncate;
    }

    public PgCdcSinkConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(PgCdcSinkConfiguration configuration) {
        this.configuration = configuration;
    }

    public Boolean getCreateTables() {
        return createTables;
    }

    public void setCreateTables(Boolean createTables) {
        this.createTables = createTables;
    }

    public DataSource getDataSource() {
        return dataSource;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public String getExcludeColumns() {
        return excludeColumns;
    }

    public void setExcludeColumns(String excludeColumns) {
        this.excludeColumns = excludeColumns;
    }

    public String getJdbcUrl() {
        return jdbcUrl;
    }

    public void setJdbcUrl(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    public String getMode() {
        return mode;
    }

    public void setMode(String mode) {
        this.mode = mode;
    }

    public String getTableMapping() {
        return tableMapping;
    }

    public void setTableMapping(String tableMapping) {
        this.tableMapping = tableMapping;
    }

    public String getTableModes() {
        return tableModes;
    }

    public void setTableModes(String tableModes) {
        this.tableModes = tableModes;
    }

    public String getTargetSchema() {
        return targetSchema;
    }

    public void setTargetSchema(String targetSchema) {
        this.targetSchema = targetSchema;
    }

    public Integer getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(Integer batchSize) {
        this.batchSize = batchSize;
    }

    public Long getBatchTimeout() {
        return batchTimeout;
    }

    public void setBatchTimeout(Long batchTimeout) {
        this.batchTimeout = batchTimeout;
    }

    public Boolean getLazyStartProducer() {
        return lazyStartProducer;
    }

    public void setLazyStartProducer(Boolean lazyStartProducer) {
        this.lazyStartProducer = lazyStartProducer;
    }

    public Boolean getAutowiredEnabled() {
        return autowiredEnabled;
    }

    public void setAutowiredEnabled(Boolean autowiredEnabled) {
        this.autowiredEnabled = autowiredEnabled;
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

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }
}
