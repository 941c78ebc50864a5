package dev.pgcdc.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Wal2JsonPluginTest {

    @Test
    void namesAreEscapedAsWal2jsonsTableListsReadThem() {
        assertThat(Wal2JsonPlugin.escaped("orders")).isEqualTo("orders");
        assertThat(Wal2JsonPlugin.escaped("my,odd.Table name\\x*")).isEqualTo("my\\,odd\\.Table\\ name\\\\x\\*");
    }

    @Test
    void onlyFormatVersionsOneAndTwoExist() {
        assertThatThrownBy(() -> new Wal2JsonPlugin(3)).hasMessage("wal2jsonFormatVersion must be 2 or 1, was 3");
    }

    /**
     * wal2json before 2.4 cannot be installed here, so its refusal is tested on the message its startup callback
     * sends ({@code option "%s" = "%s" is unknown}), as pgjdbc reports it for START_REPLICATION.
     */
    @Test
    void anOlderWal2JsonRefusingIncludePkIsAFinalErrorWithTheFix() {
        String server = "ERROR: option \"include-pk\" = \"true\" is unknown";

        assertThat(new Wal2JsonPlugin(2).refusal(server)).hasValueSatisfying(message -> assertThat(message)
                .startsWith("wal2json 2.4 or newer is needed (it sends each change's primary key, option include-pk):"
                        + " upgrade the postgresql-NN-wal2json package")
                .endsWith(server));
    }

    @Test
    void otherStartFailuresAreLeftToRetrying() {
        Wal2JsonPlugin plugin = new Wal2JsonPlugin(2);
        assertThat(plugin.refusal("ERROR: replication slot \"s\" is active for PID 42")).isEmpty();
        assertThat(plugin.refusal(null)).isEmpty();
    }
}
