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
}
