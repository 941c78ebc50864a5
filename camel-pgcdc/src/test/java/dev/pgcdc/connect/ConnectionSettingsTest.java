package dev.pgcdc.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectionSettingsTest {

    private static ConnectionSettings host(String host) {
        return new ConnectionSettings(host, 5433, "shop", "cdc", "secret", 10);
    }

    @Test
    void aHostListNamesEachServerAndTakesThePortOptionForEntriesWithoutOne() {
        ConnectionSettings settings = host("db1:5432, db2,[::1]:6000");

        assertThat(settings.isHostList()).isTrue();
        assertThat(settings.addresses()).containsExactly("db1:5432", "db2:5433", "[::1]:6000");
        assertThat(settings).hasToString("cdc@db1:5432,db2:5433,[::1]:6000/shop");
    }

    @Test
    void oneHostStaysOneServerWithItsOwnPortOrThePortOptionAndAnIpv6AddressIsBracketed() {
        assertThat(host("::1").isHostList()).isFalse();
        assertThat(host("::1").addresses()).containsExactly("[::1]:5433");
        assertThat(host("db1").addresses()).containsExactly("db1:5433");
        assertThat(host("db1:6432").addresses()).containsExactly("db1:6432");
        assertThat(host("[::1]:6432").addresses()).containsExactly("[::1]:6432");
    }

    @Test
    void aBadListIsRefusedWithTheExpectedForm() {
        assertThatThrownBy(() -> host("db1:5432,,db2")).hasMessageContaining("empty entry")
                .hasMessageContaining("h1:5432,h2:5432");
        assertThatThrownBy(() -> host("db1:x,db2")).hasMessageContaining("db1:x is not host:port");
        assertThatThrownBy(() -> host("::1,db2")).hasMessageContaining("::1 is not host:port (write an IPv6");
        assertThatThrownBy(() -> host("db1,db2").withSsh(SshSettings.builder("bastion").user("jump").password("pw").build()))
                .hasMessageContaining("an SSH tunnel leads to one");
    }
}
