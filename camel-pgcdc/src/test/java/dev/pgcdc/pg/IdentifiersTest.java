package dev.pgcdc.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    void quotesIdentifiersAndDoublesEmbeddedQuotes() {
        assertThat(Identifiers.quote("orders")).isEqualTo("\"orders\"");
        assertThat(Identifiers.quote("Order")).isEqualTo("\"Order\"");
        assertThat(Identifiers.quote("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(Identifiers.quote("with space")).isEqualTo("\"with space\"");
        assertThat(Identifiers.quote("Заказ")).isEqualTo("\"Заказ\"");
        assertThat(Identifiers.quote("public", "a\"b")).isEqualTo("\"public\".\"a\"\"b\"");
    }

    @Test
    void quotesLiteralsSafelyUnderAnyStringSetting() {
        assertThat(Identifiers.quoteLiteral("my_slot")).isEqualTo("'my_slot'");
        assertThat(Identifiers.quoteLiteral("it's")).isEqualTo("'it''s'");
        assertThat(Identifiers.quoteLiteral("a\\b'c")).isEqualTo("E'a\\\\b''c'");
    }

    @Test
    void refusesNul() {
        assertThatThrownBy(() -> Identifiers.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Identifiers.quoteLiteral("a\0b")).isInstanceOf(IllegalArgumentException.class);
    }
}
